package dev.jdnn.engine.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.backend.BatchNormSpec;
import dev.jdnn.engine.backend.Concat;
import dev.jdnn.engine.backend.ConcatSpec;
import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.backend.EltwiseSpec;
import dev.jdnn.engine.backend.LinearSpec;
import dev.jdnn.engine.backend.LrnSpec;
import dev.jdnn.engine.backend.Pool2d;
import dev.jdnn.engine.backend.Pool2dSpec;
import dev.jdnn.engine.backend.PoolingMode;
import dev.jdnn.engine.backend.PostOp;
import dev.jdnn.engine.backend.ReorderSpec;
import dev.jdnn.engine.backend.SumSpec;
import dev.jdnn.engine.backend.TensorFormat;
import dev.jdnn.engine.kernel.Activation;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.testing.TestBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The oneDNN backend as a whole: every kind of operation compiled (and the ones that create primitives lazily, run)
 * and the backend closed leaves no oneDNN handle alive, over and over; a spec oneDNN cannot run as PyTorch defines it
 * falls back to the Java kernels for that operation only, with one debug line.
 */
class OneDnnBackendLifecycleTest {

    private static final Shape IMAGE = Shape.of(2, 16, 9, 9);

    @BeforeEach
    void requireOneDnn() {
        TestBackends.requireOneDnn();
    }

    @Test
    void closingTheBackendFreesEveryKindOfOperation() {
        long before = NativeResources.liveHandles();
        for (int round = 0; round < 20; round++) {
            try (OneDnnBackend backend = new OneDnnBackend()) {
                Conv2dSpec conv = new Conv2dSpec(IMAGE, 8, Window2d.square(3, 1, 1), 1, true, PostOp.NONE);
                backend.conv2dForward(conv);
                backend.conv2dBackward(conv);
                backend.pool2d(Pool2dSpec.max(IMAGE, Window2d.square(3, 2, 1)));
                backend.pool2d(Pool2dSpec.globalAverage(IMAGE));
                backend.lrn(LrnSpec.of(IMAGE, 5));
                backend.batchNorm2d(new BatchNormSpec(IMAGE, 1e-5));
                backend.eltwise(new EltwiseSpec(IMAGE, Activation.SILU));
                backend.linear(new LinearSpec(2, 16 * 9 * 9, 10, true));
                backend.sum(SumSpec.plain(IMAGE, 2));
                backend.reorder(new ReorderSpec(IMAGE, TensorFormat.NCHW, DType.F32, TensorFormat.NHWC, DType.BF16));
                ConcatSpec concatSpec = ConcatSpec.of(1, IMAGE, IMAGE);
                Concat concat = backend.concat(concatSpec);
                try (Tensor a = Tensor.allocate(IMAGE, DType.F32); Tensor b = Tensor.allocate(IMAGE, DType.F32);
                     Tensor y = Tensor.allocate(concatSpec.outputShape(), DType.F32)) {
                    concat.forward(List.of(a, b), y);
                    concat.backward(y, List.of(a, b)); // creates its reorders on first use
                }
                assertEquals(11, backend.compiledOperations());
                assertTrue(NativeResources.liveHandles() > before, "the operations hold oneDNN handles");
            }
            assertEquals(before, NativeResources.liveHandles(), "oneDNN handles alive after round " + round);
        }
    }

    @Test
    void aSpecOneDnnWouldGetWrongRunsOnJavaWithOneDebugLine() {
        // count_include_pad with a ceil-mode window past the padding: PyTorch's divisor stops at the padding, oneDNN's
        // counts the whole window, so this one operation must run on the Java kernels.
        Pool2dSpec spec = new Pool2dSpec(Shape.of(1, 3, 6, 6), PoolingMode.AVG_INCLUDE_PAD,
                Window2d.square(3, 2, 1).withCeilMode(true));
        List<LogRecord> debug = new ArrayList<>();
        Logger logger = Logger.getLogger("dev.jdnn.engine");
        Level level = logger.getLevel();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord logRecord) {
                if (logRecord.getLevel().intValue() <= Level.FINE.intValue()) {
                    debug.add(logRecord);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.setLevel(Level.FINE);
        logger.addHandler(handler);
        try (OneDnnBackend backend = new OneDnnBackend()) {
            Pool2d pool = backend.pool2d(spec);
            assertSame(pool, backend.pool2d(spec), "the fallback is cached like any operation");
            assertTrue(!(pool instanceof OneDnnPool2d), "expected the Java pooling, got " + pool.getClass());
            Pool2d plain = backend.pool2d(Pool2dSpec.max(Shape.of(1, 3, 6, 6), Window2d.square(3, 2, 1)));
            assertInstanceOf(OneDnnPool2d.class, plain, "other pooling specs stay on oneDNN");
        } finally {
            logger.removeHandler(handler);
            logger.setLevel(level);
        }
        assertEquals(1, debug.size(), () -> "expected one debug line, got " + debug.size());
        String message = debug.getFirst().getMessage();
        assertTrue(message.startsWith("pool2d ") && message.contains("runs on the Java kernels"), message);
    }
}

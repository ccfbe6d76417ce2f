package dev.jdnn.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.autograd.Trace;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered model: a shape-only trace at its default input gives its published parameter count (models with
 * training-only heads count them outside the trace), and one image at a reduced resolution forwards on the Java backend
 * and on oneDNN with finite outputs that agree ({@link ZooChecks#assertForwardOnBothBackends}). Exact MAC counts are
 * pinned per family in the families' tests.
 */
class EveryModelTest {

    static List<String> keys() {
        return Models.keys();
    }

    @ParameterizedTest
    @MethodSource("keys")
    void tracesToItsPublishedParameters(String key) {
        ModelInfo info = Models.info(key);
        Trace trace = ZooChecks.trace(key, info.classes(), info.height());
        assertEquals(info.publishedParameters(), trace.parameters(), key);
        assertTrue(trace.macs() > 0, key);
    }

    @ParameterizedTest
    @MethodSource("keys")
    void forwardsOnBothBackends(String key) {
        ZooChecks.assertForwardOnBothBackends(key, Models.info(key).classes(), reducedSize(key));
    }

    /** The inference session (fused, channels-last on oneDNN, replayed) against the plain forward, same sizes. */
    @ParameterizedTest
    @MethodSource("keys")
    void sessionMatchesThePlainForwardOnBothBackends(String key) {
        ZooChecks.assertSessionMatchesThePlainForward(key, Models.info(key).classes(), reducedSize(key));
    }

    /** 64×64 where the model takes it (adaptive pooling before the classifier), else its native size. */
    private static int reducedSize(String key) {
        ModelInfo info = Models.info(key);
        int size = Math.min(info.height(), 64);
        try {
            ZooChecks.trace(key, info.classes(), size);
            return size;
        } catch (IllegalArgumentException e) {
            return info.height();
        }
    }
}

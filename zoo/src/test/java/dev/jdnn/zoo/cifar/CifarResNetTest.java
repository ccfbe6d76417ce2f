package dev.jdnn.zoo.cifar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.autograd.Autograd;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Trace;
import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.JavaBackend;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.onednn.OneDnn;
import dev.jdnn.engine.onednn.OneDnnBackend;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.zoo.Models;
import dev.jdnn.zoo.ZooChecks;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CifarResNetTest {

    /*
     * Parameters with 10 classes, from He et al. §4.2 (3×3 convolutions without bias, BN γ and β per channel):
     *   conv1 3→16: 3·16·9 = 432, bn1: 2·16 = 32                                        →    464
     *   layer1, n blocks 16→16: 2·(16·16·9) + 2·(2·16) = 4,608 + 64                       →  4,672·n
     *   layer2, first block 16→32: 16·32·9 + 32·32·9 + 2·(2·32) = 4,608 + 9,216 + 128       → 13,952
     *           n − 1 blocks 32→32: 2·9,216 + 128                                           → 18,560·(n − 1)
     *   layer3, first block 32→64: 32·64·9 + 64·64·9 + 2·(2·64) = 18,432 + 36,864 + 256    → 55,552
     *           n − 1 blocks 64→64: 2·36,864 + 256                                          → 73,984·(n − 1)
     *   fc 64→10: 640 + 10                                                                   →    650
     * Total 97,216·n − 21,926; option A shortcuts have no parameters, so each plain twin has as many.
     * resnet20 (n = 3): 269,722 ("0.27M" in the paper's Table 6); resnet110 (n = 18): 1,727,962 ("1.7M").
     *
     * Multiply-accumulates at 32×32 (conv + linear, one image):
     *   conv1: 432·32·32 = 442,368
     *   every 3×3 conv except the two stride-2 ones: C·C·9·H·W = 2,359,296 (16²·9·32², 32²·9·16², 64²·9·8²);
     *     there are 2n + (2n − 1) + (2n − 1) = 6n − 2 of them
     *   the stride-2 convs 16→32 at 16×16 and 32→64 at 8×8: 1,179,648 each = 2,359,296 together
     *   fc: 640
     * Total 442,368 + 2,359,296·(6n − 1) + 640.
     */
    private static final List<Object[]> NETS = List.of(
            new Object[] {"20", 3, 269_722L}, new Object[] {"32", 5, 464_154L}, new Object[] {"44", 7, 658_586L},
            new Object[] {"56", 9, 853_018L}, new Object[] {"110", 18, 1_727_962L});

    @Test
    void parametersAndMacsFollowThePapersArithmetic() {
        for (Object[] net : NETS) {
            int n = (int) net[1];
            long parameters = (long) net[2];
            assertEquals(97_216L * n - 21_926, parameters);
            long macs = 442_368L + 2_359_296L * (6 * n - 1) + 640;
            for (String prefix : List.of("resnet", "plain")) {
                String key = prefix + net[0];
                Trace trace = ZooChecks.trace(key, 10, 32);
                assertEquals(parameters, trace.parameters(), key + " parameters");
                assertEquals(parameters, Models.info(key).publishedParameters(), key + " registry");
                assertEquals(macs, trace.macs(), key + " MACs");
                assertEquals(6 * n + 2, trace.layers().stream().filter(l -> l.op().startsWith("conv2d")
                        || l.op().startsWith("linear")).count(), key + " weighted layers");
            }
        }
        assertEquals(40_551_040L, ZooChecks.trace("resnet20", 10, 32).macs());
    }

    @Test
    void forwardsOnBothBackends() {
        for (String key : List.of("resnet20", "plain20")) {
            ZooChecks.assertForwardOnBothBackends(key, 10, 32);
        }
    }

    @Test
    void optionAShortcutSubsamplesAndPadsWithZeros() {
        // x: (1, 2, 4, 4) with x[c, h, w] = 100c + 10h + w; stride 2 to 4 channels: zero, x[:, ::2, ::2], zero.
        float[] values = new float[2 * 4 * 4];
        for (int c = 0; c < 2; c++) {
            for (int h = 0; h < 4; h++) {
                for (int w = 0; w < 4; w++) {
                    values[(c * 4 + h) * 4 + w] = 100 * c + 10 * h + w;
                }
            }
        }
        float[] expected = {0, 0, 0, 0, 0, 2, 20, 22, 100, 102, 120, 122, 0, 0, 0, 0};
        try (ZeroPadShortcut shortcut = new ZeroPadShortcut(2, 4, 2); Tensor x = Tensor.of(values, 1, 2, 4, 4)) {
            assertArrayEquals(expected, forward(shortcut, new JavaBackend(), x));
            if (OneDnn.isAvailable()) {
                assertArrayEquals(expected, forward(shortcut, new OneDnnBackend(), x));
            }
        }
    }

    @Test
    void plainNetsHaveNoShortcutsAndResNetsHaveNoProjections() {
        Trace resnet = ZooChecks.trace("resnet20", 10, 32);
        Trace plain = ZooChecks.trace("plain20", 10, 32);
        assertEquals(9, resnet.layers().stream().filter(l -> l.op().equals("add")).count());
        assertEquals(0, plain.layers().stream().filter(l -> l.op().equals("add")).count());
        Module model = Module.shapeOnly(() -> Models.create("resnet20", 10));
        Set<String> keys = model.namedParameters().keySet();
        assertTrue(keys.contains("layer2.0.conv1.weight"));
        assertTrue(keys.contains("layer3.2.bn2.bias"));
        assertFalse(keys.stream().anyMatch(k -> k.contains("downsample")));
    }

    /*
     * simple_resnet: the seed texts give 7 convolutions (1 + 3×2), batch norm, global average pooling, 10 classes
     * and 56,170 parameters. With a uniform width C (the blocks add their input, so no width changes without
     * projections, which the 7-convolution count rules out), 3×3 convolutions without bias and one BN per block:
     *   conv1 1→C: 9C, bn1: 2C; 3 blocks of two C→C 3×3 convs and one BN: 3·(2·9C² + 2C); fc C→10: 10C + 10.
     *   Total 54C² + 23C + 10 = 56,170 ⇔ C = 32: 288 + 64 + 3·(18,432 + 64) + 330 = 352 + 55,488 + 330 = 56,170.
     * (Two BNs per block give 56,362 at C = 32; every width from 4 to 128 with any bias/BN choice was tried and only
     * C = 32 reaches 56,170.)
     * MACs at 28×28: 28·28·(9·32 + 6·9·32·32) = 784·55,584 = 43,577,856, plus fc 320.
     */
    @Test
    void simpleResNetHasTheSeedTextsParameterCount() {
        Trace trace = ZooChecks.trace("simple_resnet", 10, 28);
        assertEquals(56_170, trace.parameters());
        assertEquals(56_170, Models.info("simple_resnet").publishedParameters());
        assertEquals(43_577_856L + 320, trace.macs());
        assertEquals(7, trace.layers().stream().filter(l -> l.op().startsWith("conv2d")).count());
        ZooChecks.assertForwardOnBothBackends("simple_resnet", 10, 28);
    }

    private static float[] forward(Module module, Backend backend, Tensor x) {
        try (backend) {
            return Autograd.eval(() -> {
                try (Graph graph = Graph.on(backend)) {
                    return module.call(graph, graph.input(x)).value().toFloatArray();
                }
            });
        }
    }
}

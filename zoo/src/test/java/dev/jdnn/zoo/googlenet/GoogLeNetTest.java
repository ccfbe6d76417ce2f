package dev.jdnn.zoo.googlenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.autograd.Autograd;
import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Trace;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.backend.Backend;
import dev.jdnn.engine.backend.JavaBackend;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.engine.train.Loss;
import dev.jdnn.zoo.Models;
import dev.jdnn.zoo.ZooChecks;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GoogLeNetTest {

    /**
     * The inference counts (trace at 224×224, 1000 classes: the auxiliary heads never run there) and the module
     * tree's, which holds the heads too. ZooChecks.assertCounts wants both equal, which a model carrying training-only
     * heads cannot be, so this checks the same three figures itself.
     */
    private static void assertCounts(String key, long inferenceParameters, long auxParameters, long macs) {
        Trace trace = ZooChecks.trace(key, 1000, 224);
        assertEquals(inferenceParameters, trace.parameters(), key + " parameters (trace)");
        assertEquals(inferenceParameters, Models.info(key).publishedParameters(), key + " parameters (registry)");
        assertEquals(macs, trace.macs(), key + " multiply-accumulates at 3x224x224");
        assertTrue(trace.layers().stream().noneMatch(layer -> layer.name().startsWith("aux")),
                key + ": an auxiliary head ran in the inference trace");
        Module model = Module.shapeOnly(() -> Models.create(key, 1000));
        assertEquals(inferenceParameters + auxParameters, model.parameterCount(), key + " parameters (module tree)");
    }

    @Test
    void googlenetCountsMatchTorchvision() {
        // 6,624,904 parameters and 1,498,376,192 MACs: zoo/tools/torchvision_counts.py (torchvision 0.14.1,
        // aux_logits=False). The heads (torchvision's aux_logits=True count is 13,004,888):
        // aux1 = conv 512·128 + bn 2·128 + fc1 2048·1024 + 1024 + fc2 1024·1000 + 1000 = 3,188,968;
        // aux2 = the same with 528 inputs = 3,191,016; together 6,379,984.
        assertCounts("googlenet", 6_624_904, 6_379_984, 1_498_376_192L);
    }

    @Test
    void googlenetPaperCountsFollowFromTable1() {
        // Convs with bias, no BN, branch3 5×5; sides 112 (conv1), 56 (stem), 28 (3x), 14 (4x), 7 (5x).
        // Per group: parameters / MACs (= weights · output side²).
        //   conv1 3→64 7×7: 9,408 + 64 = 9,472 / 9,408·112² = 118,013,952
        //   conv2 64→64 1×1 and conv3 64→192 3×3: 4,160 + 110,784 = 114,944 / (4,096 + 110,592)·56² = 359,661,568
        //   an inception (in; #1×1, #3×3red, #3×3, #5×5red, #5×5, pool proj) has
        //     in·(#1×1 + #3×3red + #5×5red + proj) + 9·#3×3red·#3×3 + 25·#5×5red·#5×5 weights, and one bias per
        //     output channel of its six convs:
        //   3a (192; 64, 96, 128, 16, 32, 32):     163,696 / 128,049,152
        //   3b (256; 128, 128, 192, 32, 96, 64):   388,736 / 304,267,264
        //   4a (480; 192, 96, 208, 16, 48, 64):    376,176 /  73,608,192
        //   4b (512; 160, 112, 224, 24, 64, 64):   449,160 /  87,908,352
        //   4c (512; 128, 128, 256, 24, 64, 64):   510,104 /  99,850,240
        //   4d (512; 112, 144, 288, 32, 64, 64):   605,376 / 118,515,712
        //   4e (528; 256, 160, 320, 32, 128, 128): 868,352 / 169,996,288
        //   5a (832; 256, 160, 320, 32, 128, 128): 1,043,456 / 51,079,168
        //   5b (832; 384, 192, 384, 48, 128, 128): 1,444,080 / 70,697,984
        //   fc 1024→1000: 1,025,000 / 1,024,000
        // Total 6,998,552 parameters (the paper's Table 1 rounds its own sum to 6.8M) and 1,582,671,872 MACs.
        // The same arithmetic with BN and 3×3 in branch3 gives torchvision's 6,624,904 and 1,498,376,192 exactly.
        // Heads: aux1 = conv 512·128 + 128 + fc1 2,098,176 + fc2 1,025,000 = 3,188,840; aux2 (528 in) 3,190,888.
        assertCounts("googlenet_paper", 6_998_552, 3_188_840 + 3_190_888, 1_582_671_872L);
    }

    @Test
    void googlenetForwardsOnBothBackends() {
        // 64×64: 32 after conv1, 16, 8, 4 at inception4a (the heads' 4×4 pool), 2 in stage 5.
        ZooChecks.assertForwardOnBothBackends("googlenet", 10, 64);
    }

    @Test
    void googlenetPaperForwardsOnBothBackends() {
        // The paper's fixed 7×7 average pool needs 7×7 at stage 5, hence the native 224×224.
        ZooChecks.assertForwardOnBothBackends("googlenet_paper", 10, 224);
    }

    @Test
    void stateDictKeysAreTorchvisions() {
        Module model = Module.shapeOnly(() -> Models.create("googlenet", 1000));
        List<String> keys = List.copyOf(model.namedParameters().keySet());
        assertEquals(List.of("conv1.conv.weight", "conv1.bn.weight", "conv1.bn.bias", "conv2.conv.weight"),
                keys.subList(0, 4));
        for (String key : List.of("inception3a.branch1.conv.weight", "inception3a.branch2.0.conv.weight",
                "inception3a.branch2.1.bn.bias", "inception4e.branch3.1.conv.weight", "inception5b.branch4.1.bn.weight",
                "aux1.conv.conv.weight", "aux1.conv.bn.weight", "aux1.fc1.weight", "aux2.fc2.bias")) {
            assertTrue(keys.contains(key), key);
        }
        assertEquals(List.of("aux2.fc2.weight", "aux2.fc2.bias", "fc.weight", "fc.bias"),
                keys.subList(keys.size() - 4, keys.size()));
        assertEquals(Shape.of(32, 16, 3, 3), model.namedParameters().get("inception3a.branch3.1.conv.weight").shape());
        Module paper = Module.shapeOnly(() -> Models.create("googlenet_paper", 1000));
        assertEquals(Shape.of(32, 16, 5, 5), paper.namedParameters().get("inception3a.branch3.1.conv.weight").shape());
        assertTrue(paper.namedParameters().containsKey("conv1.conv.bias"));
        assertFalse(paper.namedParameters().keySet().stream().anyMatch(k -> k.contains(".bn.")));
    }

    @Test
    void trainingLossIsMainPlusWeightedAuxiliaryLosses() {
        int classes = 10;
        int[] labels = {3, 7};
        SplittableRandom random = new SplittableRandom(5);
        float[] pixels = new float[2 * 3 * 64 * 64];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble(-1, 1);
        }
        try (Backend backend = new JavaBackend();
             GoogLeNet model = new GoogLeNet(GoogLeNet.TORCHVISION, classes);
             Tensor x = Tensor.of(pixels, 2, 3, 64, 64)) {
            model.initialize(1);
            double total;
            try (Graph graph = Graph.on(backend).seeded(11)) {
                Loss.Result result = AuxiliaryLoss.paper().compute(graph, model, graph.input(x), labels);
                assertEquals(Shape.of(2, classes), result.logits().shape());
                total = result.loss().value().toFloatArray()[0];
                graph.backward(result.loss());
                Tensor grad = model.namedParameters().get("aux1.fc2.weight").grad();
                assertNotNull(grad, "aux1 receives a gradient");
                assertTrue(maxAbs(grad) > 0, "aux1's gradient is not zero");
            }
            double main;
            double aux1;
            double aux2;
            try (Graph graph = Graph.on(backend).seeded(11)) { // the same dropout masks, the same batch statistics
                GoogLeNet.Outputs outputs = model.forwardWithAuxiliary(graph, graph.input(x));
                assertEquals(Shape.of(2, classes), outputs.aux1().shape());
                assertEquals(Shape.of(2, classes), outputs.aux2().shape());
                main = crossEntropy(outputs.logits(), labels);
                aux1 = crossEntropy(outputs.aux1(), labels);
                aux2 = crossEntropy(outputs.aux2(), labels);
            }
            // Three f32 losses of order log(10) summed with weights 1, 0.3, 0.3.
            assertEquals(main + 0.3 * aux1 + 0.3 * aux2, total, 1e-5 * (main + aux1 + aux2));

            // Evaluation: the heads do not run and the loss is the main cross-entropy.
            Autograd.eval(() -> {
                try (Graph graph = Graph.on(backend)) {
                    GoogLeNet.Outputs outputs = model.forwardWithAuxiliary(graph, graph.input(x));
                    assertNull(outputs.aux1());
                    assertNull(outputs.aux2());
                    float evalLoss = AuxiliaryLoss.paper().compute(graph, model, graph.input(x), labels).loss()
                            .value().toFloatArray()[0];
                    float plain = Loss.crossEntropy(0).compute(graph, model, graph.input(x), labels).loss()
                            .value().toFloatArray()[0];
                    assertEquals(plain, evalLoss, 0f);
                }
                return null;
            });
        }
    }

    private static double crossEntropy(Variable logits, int[] labels) {
        return Functional.crossEntropy(logits, labels, 0).value().toFloatArray()[0];
    }

    private static double maxAbs(Tensor t) {
        double max = 0;
        for (float v : t.toFloatArray()) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}

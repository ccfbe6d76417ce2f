package dev.jdnn.zoo.vgg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import dev.jdnn.zoo.Models;
import dev.jdnn.zoo.ZooChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VGGTest {

    @Test
    void countsMatchTorchvision() {
        // From zoo/tools/torchvision_counts.py (torchvision 0.14.1).
        ZooChecks.assertCounts("vgg11", 132_863_336, 7_609_090_048L);
        ZooChecks.assertCounts("vgg13", 133_047_848, 11_308_466_176L);
        ZooChecks.assertCounts("vgg16", 138_357_544, 15_470_264_320L);
        ZooChecks.assertCounts("vgg19", 143_667_240, 19_632_062_464L);
        ZooChecks.assertCounts("vgg11_bn", 132_868_840, 7_609_090_048L);
        ZooChecks.assertCounts("vgg13_bn", 133_053_736, 11_308_466_176L);
        ZooChecks.assertCounts("vgg16_bn", 138_365_992, 15_470_264_320L);
        ZooChecks.assertCounts("vgg19_bn", 143_678_248, 19_632_062_464L);
    }

    @Test
    void vgg16StateDictMapsTorchvisionsByName() {
        // torchvision's vgg16: 13 convolutions at features.{0,2,5,7,10,12,14,17,19,21,24,26,28} (a ReLU after each,
        // a pooling after each block), classifier.0, .3 and .6 the linear layers.
        List<String> expected = new ArrayList<>();
        for (int index : new int[] {0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28}) {
            expected.add("features." + index + ".weight");
            expected.add("features." + index + ".bias");
        }
        for (int index : new int[] {0, 3, 6}) {
            expected.add("classifier." + index + ".weight");
            expected.add("classifier." + index + ".bias");
        }
        Module model = Module.shapeOnly(() -> Models.create("vgg16", 1000));
        assertEquals(expected, List.copyOf(model.namedParameters().keySet()));
        assertEquals(Shape.of(4096, 25088), model.namedParameters().get("classifier.0.weight").shape());
    }

    @Test
    void batchNormVersionsHaveTorchvisionsStateDictEntries() {
        // Conv, BatchNorm2d, ReLU per layer (vgg11_bn begins features.0 conv, .1 bn, .2 ReLU, .3 pool), the running
        // statistics after each batch norm's parameters; the last linear layer stays classifier.6.
        try (Module model = Models.create("vgg11_bn", 10)) {
            Map<String, Tensor> state = model.stateDict();
            List<String> first = List.copyOf(state.keySet()).subList(0, 7);
            assertEquals(List.of("features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias",
                    "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked"), first);
            assertEquals(List.of("classifier.6.weight", "classifier.6.bias"),
                    List.copyOf(state.keySet()).subList(state.size() - 2, state.size()));
        }
    }

    @Test
    void forwardsOnBothBackends() {
        // 32×32: five poolings leave 1×1 maps, which the adaptive pooling spreads to 7×7. One model (conv, batch norm,
        // pooling, classifier: every layer kind of the family) keeps the class under 10 s; the 138M parameters'
        // initialization dominates it.
        ZooChecks.assertForwardOnBothBackends("vgg16_bn", 10, 32);
    }
}

package dev.jdnn.zoo.alexnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.engine.autograd.Trace;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.zoo.Models;
import dev.jdnn.zoo.ZooChecks;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AlexNetTest {

    @Test
    void torchvisionAlexnetCounts() {
        // From zoo/tools/torchvision_counts.py (torchvision 0.14.1).
        ZooChecks.assertCounts("alexnet", 61_100_840, 714_188_480);
    }

    @Test
    void paperAlexnetCountsFromThePaper() {
        // 227×227 input; groups = 2 halve the input channels each filter sees (conv2, conv4, conv5).
        // conv1 96@11×11×3, 55×55:     34,848 + 96 = 34,944 params;  34,848·3,025 = 105,415,200 MACs
        // conv2 256@5×5×48, 27×27:    307,200 + 256 = 307,456;     307,200·729 = 223,948,800
        // conv3 384@3×3×256, 13×13:   884,736 + 384 = 885,120;     884,736·169 = 149,520,384
        // conv4 384@3×3×192, 13×13:   663,552 + 384 = 663,936;     663,552·169 = 112,140,288
        // conv5 256@3×3×192, 13×13:   442,368 + 256 = 442,624;     442,368·169 =  74,760,192
        // fc6 9,216→4,096: 37,752,832; fc7 4,096→4,096: 16,781,312; fc8 4,096→1,000: 4,097,000;
        //   MACs 37,748,736 + 16,777,216 + 4,096,000 = 58,621,952
        // Parameters: 2,334,080 (conv) + 58,631,144 (fc) = 60,965,224, the commonly quoted figure.
        // MACs: 665,784,864 (conv) + 58,621,952 (fc) = 724,406,816.
        ZooChecks.assertCounts("alexnet_paper", 60_965_224, 724_406_816);
    }

    @Test
    void zfnetCountsFromThePaper() {
        // 224×224 input, no grouping.
        // conv1 96@7×7×3, 110×110:    14,112 + 96 = 14,208 params;     14,112·12,100 = 170,755,200 MACs
        // conv2 256@5×5×96, 26×26:    614,400 + 256 = 614,656;         614,400·676 = 415,334,400
        // conv3 384@3×3×256, 13×13:   884,736 + 384 = 885,120;         884,736·169 = 149,520,384
        // conv4 384@3×3×384, 13×13: 1,327,104 + 384 = 1,327,488;     1,327,104·169 = 224,280,576
        // conv5 256@3×3×384, 13×13:   884,736 + 256 = 884,992;         884,736·169 = 149,520,384
        // fc6 9,216→4,096: 37,752,832; fc7: 16,781,312; fc8: 4,097,000; MACs 58,621,952
        // Parameters: 3,726,464 (conv) + 58,631,144 (fc) = 62,357,608.
        // MACs: 1,109,410,944 (conv) + 58,621,952 (fc) = 1,168,032,896.
        ZooChecks.assertCounts("zfnet", 62_357_608, 1_168_032_896);
    }

    @Test
    void zfnetHasThePapersFeatureMapSizes() {
        // Figure 3: 224 → 110 (conv1, padding 1) → 55 (pool) → 26 (conv2, no padding) → 13 (pool) → 13 → 13 → 13
        // → 6 (pool). Pooling 3×3 stride 2 must round up: floor mode gives 110 → 54 and 26 → 12; padding the pools
        // by 1 instead gives 55 and 13 but 13 → 7.
        Map<String, Shape> shapes = outputs("zfnet", 224);
        assertEquals(Shape.of(1, 96, 110, 110), shapes.get("features.0"));
        assertEquals(Shape.of(1, 96, 55, 55), shapes.get("features.2"));
        assertEquals(Shape.of(1, 256, 26, 26), shapes.get("features.4"));
        assertEquals(Shape.of(1, 256, 13, 13), shapes.get("features.6"));
        assertEquals(Shape.of(1, 256, 6, 6), shapes.get("features.14"));
    }

    @Test
    void paperAlexnetHasThePapersFeatureMapSizes() {
        // 227 → 55 (conv1) → 27 (pool) → 27 (conv2) → 13 (pool) → 13 → 13 → 13 → 6 (pool).
        Map<String, Shape> shapes = outputs("alexnet_paper", 227);
        assertEquals(Shape.of(1, 96, 55, 55), shapes.get("features.0"));
        assertEquals(Shape.of(1, 96, 27, 27), shapes.get("features.3"));
        assertEquals(Shape.of(1, 256, 27, 27), shapes.get("features.4"));
        assertEquals(Shape.of(1, 256, 13, 13), shapes.get("features.7"));
        assertEquals(Shape.of(1, 256, 6, 6), shapes.get("features.14"));
    }

    @Test
    void torchvisionAlexnetStateDictKeys() {
        Module model = Module.shapeOnly(() -> Models.create("alexnet", 1000));
        assertEquals(List.of("features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias",
                "features.6.weight", "features.6.bias", "features.8.weight", "features.8.bias",
                "features.10.weight", "features.10.bias", "classifier.1.weight", "classifier.1.bias",
                "classifier.4.weight", "classifier.4.bias", "classifier.6.weight", "classifier.6.bias"),
                List.copyOf(model.namedParameters().keySet()));
    }

    @Test
    void paperVersionsKeepTheirWeightsAtTheSameClassifierPositionsAsCaffe() {
        // Linear, ReLU, Dropout twice, then the classifier: fc6, fc7, fc8 at classifier.0, .3, .6.
        Module model = Module.shapeOnly(() -> Models.create("alexnet_paper", 1000));
        assertEquals(List.of("features.0.weight", "features.0.bias", "features.4.weight", "features.4.bias",
                "features.8.weight", "features.8.bias", "features.10.weight", "features.10.bias",
                "features.12.weight", "features.12.bias", "classifier.0.weight", "classifier.0.bias",
                "classifier.3.weight", "classifier.3.bias", "classifier.6.weight", "classifier.6.bias"),
                List.copyOf(model.namedParameters().keySet()));
        assertEquals(Shape.of(256, 48, 5, 5), model.namedParameters().get("features.4.weight").shape());
    }

    @Test
    void forwardsOnBothBackends() {
        ZooChecks.assertForwardOnBothBackends("alexnet", 10, 64);
        // No adaptive pooling in the papers' networks: their classifiers need the native 6×6 maps.
        ZooChecks.assertForwardOnBothBackends("alexnet_paper", 10, 227);
        ZooChecks.assertForwardOnBothBackends("zfnet", 10, 224);
    }

    private static Map<String, Shape> outputs(String key, int size) {
        Trace trace = ZooChecks.trace(key, 1000, size);
        return trace.layers().stream().collect(Collectors.toMap(Trace.Layer::name, Trace.Layer::output, (a, b) -> b));
    }
}

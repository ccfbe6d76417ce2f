package dev.jdnn.bench.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.bench.jmh.ConvBenchmark;
import dev.jdnn.engine.backend.PostOp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

class ConvLayersTest {

    /** The C harness's list; surefire runs in the module's directory. */
    private static final Path TEXT = Path.of("native", "conv-layers.txt");

    @Test
    void theHarnessFileIsTheJavaList() throws Exception {
        assertEquals(ConvLayers.text(), Files.readString(TEXT), TEXT + " differs from ConvLayers.text(); "
                + "regenerate it from ConvLayers (its first line says so)");
    }

    @Test
    void theJmhParametersAreTheJavaList() throws Exception {
        Param param = ConvBenchmark.class.getField("layer").getAnnotation(Param.class);
        assertEquals(ConvLayers.benchmarked().stream().map(ConvLayer::name).toList(), List.of(param.value()));
    }

    @Test
    void resnet50HasItsFiftyThreeConvolutionsInTwentyFourShapes() {
        assertEquals(24, ConvLayers.RESNET50.size());
        assertEquals(53, ConvLayers.RESNET50.stream().mapToInt(ConvLayer::occurrences).sum());
        // conv1 plus 16 bottlenecks of three convolutions plus 4 downsamples.
        double gmacs = ConvLayers.RESNET50.stream().mapToDouble(l -> l.occurrences() * l.flops(1) / 2).sum() / 1e9;
        // torchvision's resnet50 is 4.09 GMACs, of which the final fully connected layer is 0.002.
        assertEquals(4.09, gmacs, 0.01);
        ConvLayer expand = ConvLayers.byName("resnet50.layer2.0.conv3");
        assertEquals(PostOp.SUM_RELU, expand.postOp());
        assertEquals(4, expand.occurrences());
        assertEquals("128x28x28-512-1-1-0", expand.shape());
        ConvLayer downsample = ConvLayers.byName("resnet50.layer3.0.downsample.0");
        assertEquals(PostOp.NONE, downsample.postOp());
        assertEquals("512x28x28-1024-1-2-0", downsample.shape());
        assertEquals("128x56x56-128-3-2-1", ConvLayers.byName("resnet50.layer2.0.conv2").shape());
        assertEquals(5, ConvLayers.byName("resnet50.layer3.1.conv2").occurrences());
        assertTrue(ConvLayers.RESNET50.stream().allMatch(ConvLayer::bias));
    }

    @Test
    void vgg16HasItsThirteenConvolutionsInNineShapes() {
        assertEquals(9, ConvLayers.VGG16.size());
        assertEquals(13, ConvLayers.VGG16.stream().mapToInt(ConvLayer::occurrences).sum());
        // torchvision's vgg16 is 15.47 GMACs, of which the classifier is 0.12.
        double gmacs = ConvLayers.VGG16.stream().mapToDouble(l -> l.occurrences() * l.flops(1) / 2).sum() / 1e9;
        assertEquals(15.35, gmacs, 0.01);
        assertEquals(3, ConvLayers.byName("vgg16.features.24").occurrences());
        assertTrue(ConvLayers.VGG16.stream().allMatch(l -> l.postOp() == PostOp.RELU && l.kernel() == 3));
    }

    @Test
    void selectTakesModelsAndNamesInOrderOnce() {
        assertEquals(33, ConvLayers.select("all").size());
        assertEquals(List.of(ConvLayers.PROBE, ConvLayers.RESNET50.getFirst()),
                ConvLayers.select("probe.1x1x1, resnet50.conv1,probe.1x1x1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvLayers.select("resnet50,resnet51"));
        assertTrue(e.getMessage().startsWith("unknown conv layer 'resnet51': expected resnet50, vgg16, all"),
                e.getMessage());
    }
}

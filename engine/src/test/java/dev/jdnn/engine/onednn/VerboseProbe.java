package dev.jdnn.engine.onednn;

import dev.jdnn.engine.backend.Conv2dSpec;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;

/**
 * Run by {@link OneDnnVerboseTest} in a child JVM with {@code ONEDNN_VERBOSE=1}: executes every ResNet-50 and VGG-16
 * convolution once on the oneDNN backend, so that oneDNN's own log on stdout names the implementation that ran.
 */
public final class VerboseProbe {

    private VerboseProbe() {
    }

    public static void main(String[] args) {
        if (!OneDnn.isAvailable()) {
            System.err.println("oneDNN is not available: " + OneDnn.status().reason());
            System.exit(3);
        }
        try (OneDnnBackend backend = new OneDnnBackend()) {
            for (Conv2dSpec spec : OneDnnConv2dForwardTest.resnet50AndVgg16()) {
                try (Tensor x = Tensor.allocate(spec.input(), DType.F32);
                     Tensor w = Tensor.allocate(spec.weightShape(), DType.F32);
                     Tensor b = Tensor.allocate(spec.biasShape(), DType.F32);
                     Tensor y = Tensor.allocate(spec.outputShape(), DType.F32)) {
                    backend.conv2dForward(spec).run(x, w, b, y);
                }
            }
        }
        System.out.flush();
    }
}

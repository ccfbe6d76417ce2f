package dev.jdnn.zoo.googlenet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.kernel.Window2d;
import dev.jdnn.engine.nn.Dropout;
import dev.jdnn.engine.nn.Linear;
import dev.jdnn.engine.nn.Module;

/**
 * An auxiliary classifier: average pooling to 4×4 (torchvision: adaptive; the paper: 5×5 stride 3, which gives 4×4 at
 * 14×14), {@code conv} 1×1 to 128 with ReLU, {@code fc1} 2048 → 1024 with ReLU, {@code dropout}, {@code fc2} to the
 * classes. Used in training only.
 */
final class InceptionAux extends Module {

    private static final Window2d PAPER_POOL = Window2d.square(5, 3, 0);

    private final boolean fixedPool;
    private final BasicConv2d conv;
    private final Linear fc1;
    private final Linear fc2;
    private final Dropout dropout;

    InceptionAux(int inChannels, int numClasses, boolean batchNorm, boolean fixedPool, double dropout) {
        this.fixedPool = fixedPool;
        this.conv = child("conv", new BasicConv2d(inChannels, 128, 1, batchNorm));
        this.fc1 = child("fc1", new Linear(2048, 1024));
        this.fc2 = child("fc2", new Linear(1024, numClasses));
        this.dropout = child("dropout", new Dropout(dropout));
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable y = fixedPool ? Functional.avgPool2d(x, PAPER_POOL, true) : Functional.adaptiveAvgPool2d(x, 4, 4);
        y = Functional.flatten(conv.call(graph, y), 1);
        y = dropout.call(graph, Functional.relu(fc1.call(graph, y)));
        return fc2.call(graph, y);
    }
}

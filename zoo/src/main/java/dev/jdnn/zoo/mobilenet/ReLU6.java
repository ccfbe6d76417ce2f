package dev.jdnn.zoo.mobilenet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.Module;

/**
 * {@code torch.nn.ReLU6}: {@code min(max(x, 0), 6)}. Here until the engine's {@code nn} has it (its element-wise
 * activations are a sealed family over the backends' eltwise op, which has no clip yet).
 */
public final class ReLU6 extends Module {

    @Override
    protected Variable forward(Graph graph, Variable x) {
        return Functional.hardtanh(x, 0f, 6f);
    }
}

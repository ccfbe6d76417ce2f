package dev.jdnn.engine.train.optim;

import dev.jdnn.engine.nn.Parameter;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Updates a fixed list of parameters from their gradients, as {@code torch.optim} does. A parameter whose
 * {@link Parameter#grad()} is {@code null} at a {@link #step()} is skipped: neither it nor its state changes.
 *
 * <p>State (momentum buffers, moments, step counts) is allocated lazily by the first step that updates a parameter, so
 * a parameter that never had a gradient has no state, like PyTorch's. State tensors are keyed
 * {@code <parameter name>.<buffer>} (the parameter's state-dict name, or its index in the list when it has none) and
 * have the parameter's shape; see each optimizer for its buffer names.
 */
public interface Optimizer extends AutoCloseable {

    /** The parameters this optimizer updates, in the order given. */
    List<Parameter> parameters();

    /** Updates every parameter that has a gradient. */
    void step();

    /** Forgets every parameter's gradient ({@link Parameter#zeroGrad()}: PyTorch's {@code set_to_none}). */
    void zeroGrad();

    /** The learning rate the next {@link #step()} uses. */
    double learningRate();

    /** Sets the learning rate (a schedule calls this once per epoch or iteration); must be {@code >= 0}. */
    void setLearningRate(double learningRate);

    /**
     * The state tensors by key, in parameter order: the optimizer's own tensors (not copies), valid until the next
     * {@link #step()}, {@link #loadState} or {@link #close()}; the caller must not close them.
     */
    Map<String, Tensor> stateTensors();

    /** The scalar state by key (the learning rate {@code lr}, per-parameter step counts {@code <name>.step}). */
    Map<String, String> stateScalars();

    /**
     * Replaces the state with a copy of the given one (as written by {@link #stateTensors()} and
     * {@link #stateScalars()}). Every key must belong to this optimizer, every tensor must have its parameter's shape,
     * and a parameter's entries must be all present or all absent; otherwise nothing changes and the
     * {@link IllegalArgumentException} lists every mismatch. {@code lr} is optional; when present it becomes the
     * learning rate.
     */
    void loadState(Map<String, Tensor> tensors, Map<String, String> scalars);

    /** Frees the state tensors (not the parameters); the optimizer cannot step afterwards. */
    @Override
    void close();
}

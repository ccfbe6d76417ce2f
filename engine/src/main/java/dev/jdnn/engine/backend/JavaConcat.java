package dev.jdnn.engine.backend;

import dev.jdnn.engine.kernel.Concatenation;
import dev.jdnn.engine.tensor.Tensor;
import java.util.List;

/** Concatenation and split on the Java bulk copies of {@link Concatenation}. Holds no memory. */
final class JavaConcat implements Concat, AutoCloseable {

    private final ConcatSpec spec;
    private volatile boolean closed;

    JavaConcat(ConcatSpec spec) {
        this.spec = spec;
    }

    @Override
    public ConcatSpec spec() {
        return spec;
    }

    @Override
    public void forward(List<Tensor> inputs, Tensor output) {
        ConcatArguments.checkForward(spec, inputs, output);
        requireOpen();
        Concatenation.concat(inputs, spec.axis(), output);
    }

    @Override
    public void backward(Tensor gradOutput, List<Tensor> gradInputs) {
        ConcatArguments.checkBackward(spec, gradOutput, gradInputs);
        requireOpen();
        Concatenation.split(gradOutput, spec.axis(), gradInputs);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("concat: this Java concat " + spec + " was used after close()");
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}

package dev.jdnn.engine.backend;

/** The primitives on jdnn's own kernels: im2col + SGEMM for convolution. Works wherever the JVM runs. */
public final class JavaBackend implements Backend {

    @Override
    public String name() {
        return "java";
    }

    @Override
    public Conv2dForward conv2dForward(Conv2dSpec spec) {
        return new JavaConv2dForward(spec);
    }
}

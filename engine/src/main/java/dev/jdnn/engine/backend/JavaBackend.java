package dev.jdnn.engine.backend;

/**
 * The primitives on jdnn's own kernels (im2col + SGEMM for convolution, the Vector API element-wise kernels). Works
 * wherever the JVM runs.
 */
public final class JavaBackend implements Backend {

    private final CompiledOps ops = new CompiledOps("java");

    @Override
    public String name() {
        return "java";
    }

    @Override
    public Conv2dForward conv2dForward(Conv2dSpec spec) {
        return ops.get("conv2d.forward", spec, JavaConv2dForward::new);
    }

    @Override
    public BatchNorm2d batchNorm2d(BatchNormSpec spec) {
        return ops.get("batchnorm2d", spec, JavaBatchNorm2d::new);
    }

    @Override
    public void close() {
        ops.close();
    }
}

package dev.jdnn.engine.backend;

/**
 * The primitives on jdnn's own kernels (SGEMM for convolution, the Vector API element-wise kernels). Works
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
        if (!spec.isPlain()) {
            return ops.get("conv2d.forward", spec, s -> new ChannelsLastConv2dForward(s,
                    conv2dForward(s.withFormats(TensorFormat.NCHW, TensorFormat.NCHW)), this::reorder));
        }
        return ops.get("conv2d.forward", spec, JavaConv2dForward::new);
    }

    @Override
    public Eltwise eltwise(EltwiseSpec spec) {
        return ops.get("eltwise", spec, JavaEltwise::new);
    }

    @Override
    public Linear linear(LinearSpec spec) {
        return ops.get("linear", spec, JavaLinear::new);
    }

    @Override
    public Conv2dBackward conv2dBackward(Conv2dSpec spec) {
        return ops.get("conv2d.backward", spec, JavaConv2dBackward::new);
    }

    @Override
    public Pool2d pool2d(Pool2dSpec spec) {
        if (spec.format() != TensorFormat.NCHW) {
            return ops.get("pool2d", spec, s -> new ChannelsLastPool2d(s, pool2d(s.withFormat(TensorFormat.NCHW)),
                    this::reorder));
        }
        return ops.get("pool2d", spec, JavaPool2d::new);
    }

    @Override
    public Lrn lrn(LrnSpec spec) {
        return ops.get("lrn", spec, JavaLrn::new);
    }

    @Override
    public BatchNorm2d batchNorm2d(BatchNormSpec spec) {
        if (spec.format() != TensorFormat.NCHW) {
            return ops.get("batchnorm2d", spec, s -> new ChannelsLastBatchNorm2d(s,
                    batchNorm2d(s.withFormat(TensorFormat.NCHW)), this::reorder));
        }
        return ops.get("batchnorm2d", spec, JavaBatchNorm2d::new);
    }

    @Override
    public Concat concat(ConcatSpec spec) {
        return ops.get("concat", spec, JavaConcat::new);
    }

    @Override
    public Sum sum(SumSpec spec) {
        return ops.get("sum", spec, JavaSum::new);
    }

    @Override
    public Reorder reorder(ReorderSpec spec) {
        return ops.get("reorder", spec, JavaReorder::new);
    }

    @Override
    public void close() {
        ops.close();
    }
}

package dev.jdnn.engine.nn;

import dev.jdnn.engine.autograd.Autograd;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Trace;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Shape;
import dev.jdnn.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A layer or a model: a tree of named children, its own parameters and buffers, and a {@link #forward} written as
 * plain Java over {@link dev.jdnn.engine.autograd.Functional}. Names follow torchvision's, so
 * {@link #namedParameters()} and {@link #stateDict()} keys ({@code features.0.weight},
 * {@code layer1.0.bn1.running_mean}) map onto PyTorch state dicts.
 *
 * <p>Built inside {@link #shapeOnly}, a module allocates nothing: its parameters have shapes only and its buffers
 * none, which is how {@code jdnn summary} traces even the largest models without their memory. Otherwise parameters
 * are initialized as PyTorch initializes them, from a generator seeded 0, on first use of the module (its forward, its
 * parameters or its state dict), unless {@link #initialize} drew them from another seed before. A module owns its
 * parameters and buffers; {@link #close()} frees them.
 */
public abstract class Module implements AutoCloseable {

    private static final ScopedValue<Boolean> SHAPE_ONLY = ScopedValue.newInstance();

    private final boolean shapeOnly = SHAPE_ONLY.orElse(Boolean.FALSE);
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private String nameInParent = "";
    private boolean initialized;

    /** Builds modules with shapes only (no memory) inside {@code body}. */
    public static <T, X extends Throwable> T shapeOnly(ScopedValue.CallableOp<T, X> body) throws X {
        return ScopedValue.where(SHAPE_ONLY, Boolean.TRUE).call(body);
    }

    /** Whether this module was built shape-only. */
    public boolean isShapeOnly() {
        return shapeOnly;
    }

    /** Runs this module's forward inside its name scope (what traces and messages call it). */
    public final Variable call(Graph graph, Variable x) {
        boolean scoped = !nameInParent.isEmpty();
        if (scoped) {
            graph.enterScope(nameInParent);
        }
        try {
            ensureInitialized();
            return forward(graph, x);
        } finally {
            if (scoped) {
                graph.exitScope();
            }
        }
    }

    /**
     * This model's structure for one input shape, from a shape-only pass in evaluation mode: every layer's output
     * shape, parameters and multiply-accumulates. Nothing is computed or allocated (a shape-only model works too).
     */
    public final Trace trace(Shape input) {
        Trace trace = new Trace();
        Autograd.eval(() -> {
            try (Graph graph = Graph.shapeOnly(trace)) {
                return call(graph, graph.input(input));
            }
        });
        return trace;
    }

    /** The layer's computation; call children through {@link #call}, never their forward directly. */
    protected abstract Variable forward(Graph graph, Variable x);

    /** Registers {@code module} as the child {@code name} (its state-dict prefix) and returns it. */
    protected final <M extends Module> M child(String name, M module) {
        requireNewName(name);
        Objects.requireNonNull(module, "module");
        ((Module) module).nameInParent = name;
        children.put(name, module);
        return module;
    }

    /** A new parameter {@code name} of {@code dims} (filled by {@link #resetParameters}). */
    protected final Parameter parameter(String name, int... dims) {
        requireNewName(name);
        Shape shape = Shape.of(dims);
        Parameter parameter = shapeOnly ? Parameter.shapeOnly(shape) : Parameter.zeros(shape);
        parameters.put(name, parameter);
        return parameter;
    }

    /** A new buffer {@code name} of {@code dims} filled with {@code value}, or {@code null} when shape-only. */
    protected final Tensor buffer(String name, float value, int... dims) {
        requireNewName(name);
        if (shapeOnly) {
            return null;
        }
        Tensor tensor = Tensor.allocate(Shape.of(dims), DType.F32);
        tensor.fill(value);
        buffers.put(name, tensor);
        return tensor;
    }

    private void requireNewName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module: a child, parameter or buffer name must be non-empty and"
                    + " without dots, got '" + name + "'");
        }
        if (children.containsKey(name) || parameters.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalArgumentException("module " + getClass().getSimpleName() + ": '" + name
                    + "' is registered twice");
        }
    }

    /** Draws this module's own parameters (not its children's) from {@code random}, as PyTorch's layer does. */
    protected void resetParameters(SplittableRandom random) {
    }

    /**
     * Draws every parameter of the tree again from one generator seeded with {@code seed}, in registration order:
     * the same seed gives the same weights.
     */
    public final void initialize(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Module module : modules()) {
            if (!module.shapeOnly) {
                module.resetParameters(random);
            }
            module.initialized = true;
        }
    }

    private void ensureInitialized() {
        if (!initialized) {
            initialize(0);
        }
    }

    /** This module and all below it, parents before children, in registration order. */
    public final List<Module> modules() {
        List<Module> all = new ArrayList<>();
        collect(this, all);
        return all;
    }

    private static void collect(Module module, List<Module> into) {
        into.add(module);
        for (Module child : module.children.values()) {
            collect(child, into);
        }
    }

    /** The direct children by name. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Every parameter of the tree by its dotted state-dict key, in registration order; names them on the way. */
    public final Map<String, Parameter> namedParameters() {
        ensureInitialized();
        Map<String, Parameter> all = new LinkedHashMap<>();
        walk("", (prefix, module) -> module.parameters.forEach((name, p) -> {
            p.name(prefix + name);
            all.put(prefix + name, p);
        }));
        return all;
    }

    /** The parameters of the tree, in {@link #namedParameters()} order. */
    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every buffer of the tree ({@code running_mean}, {@code running_var}) by dotted key. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        walk("", (prefix, module) -> module.buffers.forEach((name, t) -> all.put(prefix + name, t)));
        return all;
    }

    /**
     * Parameters' values and buffers by torchvision key, in PyTorch's order (each module's parameters, then its
     * buffers, then its children): the tensors themselves, not copies.
     */
    public final Map<String, Tensor> stateDict() {
        ensureInitialized();
        Map<String, Tensor> all = new LinkedHashMap<>();
        walk("", (prefix, module) -> {
            module.parameters.forEach((name, p) -> {
                p.name(prefix + name);
                all.put(prefix + name, p.value());
            });
            module.buffers.forEach((name, t) -> all.put(prefix + name, t));
        });
        return all;
    }

    /** Trainable elements of the tree. */
    public final long parameterCount() {
        long count = 0;
        for (Parameter p : namedParameters().values()) {
            count += p.elementCount();
        }
        return count;
    }

    private interface Visitor {
        void visit(String prefix, Module module);
    }

    private void walk(String prefix, Visitor visitor) {
        visitor.visit(prefix, this);
        for (Map.Entry<String, Module> child : children.entrySet()) {
            child.getValue().walk(prefix + child.getKey() + ".", visitor);
        }
    }

    /** Frees every parameter and buffer of the tree. */
    @Override
    public void close() {
        for (Module child : children.values()) {
            child.close();
        }
        for (Parameter p : parameters.values()) {
            p.close();
        }
        for (Tensor t : buffers.values()) {
            t.close();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}

package dev.jdnn.engine.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The operations a backend has compiled, one per (operation, spec): the first request for a spec compiles it (creates
 * oneDNN's primitives, allocates the Java path's buffers), every later one gets the same object back. The backend
 * owns them; {@link #close()} closes every one that is {@link AutoCloseable}, last compiled first.
 *
 * <p>Specs are records, so equal shapes and attributes are one key. The set only grows: a training run or a service
 * uses a handful of shapes, and closing the backend frees them all.
 */
public final class CompiledOps implements AutoCloseable {

    private record Key(String operation, Object spec, int threads) {
    }

    private final String backend;
    private final Map<Key, Object> ops = new ConcurrentHashMap<>();
    private final List<Object> inOrder = new ArrayList<>();
    private volatile boolean closed;

    /** @param backend the owner's name, for messages ({@code java}, {@code onednn}) */
    public CompiledOps(String backend) {
        this.backend = backend;
    }

    /**
     * The operation compiled for {@code spec} under the name {@code operation} ({@code conv2d.forward}), compiling it
     * with {@code compile} the first time.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public <S, O> O get(String operation, S spec, Function<? super S, ? extends O> compile) {
        return get(operation, spec, 0, compile);
    }

    /**
     * As {@link #get(String, Object, Function)} for an operation that is compiled for a number of threads (oneDNN's
     * primitives fix theirs when they are created): a different count is another key, compiled anew.
     */
    public <S, O> O get(String operation, S spec, int threads, Function<? super S, ? extends O> compile) {
        Key key = new Key(operation, spec, threads);
        Object op = ops.get(key);
        if (op == null) {
            synchronized (this) {
                requireOpen(operation);
                op = ops.get(key);
                if (op == null) {
                    op = compile.apply(spec);
                    ops.put(key, op);
                    inOrder.add(op);
                }
            }
        }
        @SuppressWarnings("unchecked")
        O typed = (O) op;
        return typed;
    }

    /** How many operations are compiled. */
    public int size() {
        return ops.size();
    }

    private void requireOpen(String operation) {
        if (closed) {
            throw new IllegalStateException(backend + " backend: " + operation + " after close()");
        }
    }

    /** Closes every compiled operation, last compiled first; idempotent. Reports the first failure after all ran. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (int i = inOrder.size() - 1; i >= 0; i--) {
            if (inOrder.get(i) instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    RuntimeException wrapped = e instanceof RuntimeException r ? r
                            : new IllegalStateException("closing a " + backend + " operation failed", e);
                    if (failure == null) {
                        failure = wrapped;
                    } else {
                        failure.addSuppressed(wrapped);
                    }
                }
            }
        }
        inOrder.clear();
        ops.clear();
        if (failure != null) {
            throw failure;
        }
    }
}

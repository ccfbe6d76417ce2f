package dev.jdnn.engine.nn;

import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import java.util.List;
import java.util.Map;

/** {@code torch.nn.Sequential}: children named {@code 0, 1, 2, ...} (or as given), run in order. */
public final class Sequential extends Module {

    public Sequential(Module... modules) {
        this(List.of(modules));
    }

    public Sequential(List<? extends Module> modules) {
        for (int i = 0; i < modules.size(); i++) {
            child(Integer.toString(i), modules.get(i));
        }
    }

    /** Children with the given names, in the map's order (use a {@code LinkedHashMap}). */
    public Sequential(Map<String, ? extends Module> modules) {
        modules.forEach(this::child);
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        Variable y = x;
        for (Module module : children().values()) {
            y = module.call(graph, y);
        }
        return y;
    }

    /** The child at position {@code index}. */
    public Module get(int index) {
        return children().values().stream().skip(index).findFirst()
                .orElseThrow(() -> new IndexOutOfBoundsException("Sequential has " + children().size()
                        + " modules, no index " + index));
    }

    public int size() {
        return children().size();
    }
}

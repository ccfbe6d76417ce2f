package dev.jdnn.engine.train.optim;

import dev.jdnn.engine.nn.Parameter;
import dev.jdnn.engine.tensor.DType;
import dev.jdnn.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-parameter state of an optimizer: a few buffers of the parameter's shape ({@code momentum_buffer}, or
 * {@code exp_avg} and {@code exp_avg_sq}) allocated by the parameter's first update, and the number of updates it has
 * had. Keys are {@code <parameter key>.<buffer name>} and, when steps are part of the state, {@code <parameter
 * key>.step}.
 */
final class ParameterStates implements AutoCloseable {

    private static final String STEP = "step";

    private final List<Parameter> parameters;
    private final List<String> keys;
    private final List<String> bufferNames;
    private final boolean stepsSaved;
    private final Tensor[][] buffers; // [parameter][buffer], each of the parameter's shape; null before its first update
    private final long[] steps;       // updates each parameter has had

    ParameterStates(List<Parameter> parameters, List<String> keys, List<String> bufferNames, boolean stepsSaved) {
        this.parameters = parameters;
        this.keys = keys;
        this.bufferNames = List.copyOf(bufferNames);
        this.stepsSaved = stepsSaved;
        this.buffers = new Tensor[parameters.size()][];
        this.steps = new long[parameters.size()];
    }

    /** Whether parameter {@code index} has state (it has been updated at least once). */
    boolean has(int index) {
        return buffers[index] != null;
    }

    /** The buffers of parameter {@code index}, allocated zero-filled if it has none yet. */
    Tensor[] buffersOrAllocate(int index) {
        if (buffers[index] == null) {
            Tensor[] allocated = new Tensor[bufferNames.size()];
            try {
                for (int b = 0; b < allocated.length; b++) {
                    allocated[b] = Tensor.allocate(parameters.get(index).shape(), DType.F32);
                }
            } catch (RuntimeException | OutOfMemoryError e) {
                closeAll(allocated);
                throw e;
            }
            buffers[index] = allocated;
        }
        return buffers[index];
    }

    /** Counts one more update of parameter {@code index} and returns the new count (1 for the first). */
    long advance(int index) {
        return ++steps[index];
    }

    Map<String, Tensor> tensors() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < buffers.length; i++) {
            if (buffers[i] != null) {
                for (int b = 0; b < bufferNames.size(); b++) {
                    tensors.put(key(i, bufferNames.get(b)), buffers[i][b]);
                }
            }
        }
        return tensors;
    }

    Map<String, String> scalars() {
        Map<String, String> scalars = new LinkedHashMap<>();
        if (stepsSaved) {
            for (int i = 0; i < buffers.length; i++) {
                if (buffers[i] != null) {
                    scalars.put(key(i, STEP), Long.toString(steps[i]));
                }
            }
        }
        return scalars;
    }

    /**
     * Replaces the state with copies of {@code tensors} and the step counts in {@code scalars}, after checking every
     * key, shape and pairing; {@code ignoredScalars} are keys the caller handles itself.
     */
    void load(Map<String, Tensor> tensors, Map<String, String> scalars, Set<String> ignoredScalars) {
        List<String> problems = new ArrayList<>();
        Set<String> usedTensors = new HashSet<>();
        Set<String> usedScalars = new HashSet<>(ignoredScalars);
        Tensor[][] sources = new Tensor[buffers.length][];
        long[] loadedSteps = new long[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            Parameter parameter = parameters.get(i);
            List<String> present = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            Tensor[] found = new Tensor[bufferNames.size()];
            for (int b = 0; b < found.length; b++) {
                String key = key(i, bufferNames.get(b));
                Tensor tensor = tensors.get(key);
                if (tensor == null) {
                    missing.add(key);
                    continue;
                }
                present.add(key);
                usedTensors.add(key);
                found[b] = tensor;
                if (!tensor.isOpen()) {
                    problems.add(key + " is a closed tensor");
                } else if (tensor.dtype() != DType.F32) {
                    problems.add(key + ": expected f32, got " + tensor.dtype());
                } else if (!tensor.shape().equals(parameter.shape())) {
                    problems.add(key + ": expected shape " + parameter.shape() + " (the parameter's), got "
                            + tensor.shape());
                }
            }
            String stepKey = key(i, STEP);
            String stepText = stepsSaved ? scalars.get(stepKey) : null;
            if (stepText != null) {
                usedScalars.add(stepKey);
            }
            if (!present.isEmpty() && !missing.isEmpty()) {
                problems.add(String.join(", ", missing) + " missing while " + String.join(", ", present)
                        + " is given (a parameter's state is all present or all absent)");
            }
            boolean hasTensors = missing.isEmpty();
            if (stepsSaved && hasTensors && stepText == null) {
                problems.add(stepKey + " missing while " + String.join(", ", present) + " is given");
            } else if (stepsSaved && !hasTensors && present.isEmpty() && stepText != null) {
                problems.add(stepKey + " given without the state tensors " + String.join(", ", missing));
            } else if (stepText != null) {
                loadedSteps[i] = parseStep(stepKey, stepText, problems);
            }
            if (hasTensors) {
                sources[i] = found;
                if (!stepsSaved) {
                    loadedSteps[i] = 1; // without saved steps, state means "updated before"
                }
            }
        }
        for (String key : tensors.keySet()) {
            if (!usedTensors.contains(key)) {
                problems.add("unexpected state tensor " + key + " (expected keys " + expectedKeysExample() + ")");
            }
        }
        for (String key : scalars.keySet()) {
            if (!usedScalars.contains(key)) {
                problems.add("unexpected state scalar " + key);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("optimizer state does not match its " + buffers.length
                    + " parameters: " + String.join("; ", problems));
        }
        Tensor[][] copies = new Tensor[buffers.length][];
        try {
            for (int i = 0; i < sources.length; i++) {
                if (sources[i] != null) {
                    copies[i] = new Tensor[sources[i].length];
                    for (int b = 0; b < sources[i].length; b++) {
                        copies[i][b] = sources[i][b].copy();
                    }
                }
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            for (Tensor[] copy : copies) {
                closeAll(copy);
            }
            throw e;
        }
        close();
        System.arraycopy(copies, 0, buffers, 0, buffers.length);
        System.arraycopy(loadedSteps, 0, steps, 0, steps.length);
    }

    private static long parseStep(String key, String text, List<String> problems) {
        try {
            long step = Long.parseLong(text.trim());
            if (step >= 1) {
                return step;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(key + ": expected a positive integer, got '" + text + "'");
        return 0;
    }

    private String expectedKeysExample() {
        return "<parameter name>." + String.join(", <parameter name>.", bufferNames);
    }

    private String key(int index, String suffix) {
        return keys.get(index) + "." + suffix;
    }

    /** Frees every buffer; parameters then have no state. */
    @Override
    public void close() {
        for (int i = 0; i < buffers.length; i++) {
            closeAll(buffers[i]);
            buffers[i] = null;
            steps[i] = 0;
        }
    }

    private static void closeAll(Tensor[] tensors) {
        if (tensors != null) {
            for (Tensor tensor : tensors) {
                if (tensor != null) {
                    tensor.close();
                }
            }
        }
    }
}

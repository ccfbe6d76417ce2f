package dev.jdnn.engine.train.optim;

import dev.jdnn.engine.nn.Parameter;
import dev.jdnn.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What every optimizer here shares: the checked parameter list and its state keys, the learning rate, the lazily
 * allocated {@link ParameterStates}, the skip of parameters without a gradient, and the state round trip.
 */
abstract sealed class ParameterOptimizer implements Optimizer permits Sgd, AdamFamily {

    static final String LEARNING_RATE_KEY = "lr";

    private final String optimizerName;
    private final List<Parameter> parameters;
    private final ParameterStates states;
    private double learningRate;
    private boolean closed;

    ParameterOptimizer(String optimizerName, List<Parameter> parameters, double learningRate,
                       List<String> bufferNames, boolean stepsSaved) {
        this.optimizerName = optimizerName;
        this.parameters = checkedParameters(optimizerName, parameters);
        this.learningRate = learningRate;
        this.states = new ParameterStates(this.parameters, keys(optimizerName, this.parameters), bufferNames,
                stepsSaved);
    }

    private static List<Parameter> checkedParameters(String optimizerName, List<Parameter> parameters) {
        if (parameters == null) {
            throw new IllegalArgumentException(optimizerName + ": parameters is null");
        }
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(optimizerName + ": optimizer got an empty parameter list");
        }
        Map<Parameter, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter parameter = parameters.get(i);
            if (parameter == null) {
                throw new IllegalArgumentException(optimizerName + ": parameter " + i + " is null");
            }
            if (!parameter.hasValue()) {
                throw new IllegalArgumentException(optimizerName + ": parameter " + i + " (" + parameter
                        + ") is shape-only: it has no values to update");
            }
            Integer previous = seen.put(parameter, i);
            if (previous != null) {
                throw new IllegalArgumentException(optimizerName + ": parameter " + i + " (" + parameter
                        + ") appears twice in the list, also at " + previous);
            }
        }
        return List.copyOf(parameters);
    }

    /** Each parameter's state-dict name, or its index when it has none (PyTorch keys its state by index). */
    private static List<String> keys(String optimizerName, List<Parameter> parameters) {
        List<String> keys = new ArrayList<>(parameters.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            String name = parameters.get(i).name();
            String key = name != null ? name : Integer.toString(i);
            Integer previous = seen.put(key, i);
            if (previous != null) {
                throw new IllegalArgumentException(optimizerName + ": parameters " + previous + " and " + i
                        + " share the state key '" + key + "'");
            }
            keys.add(key);
        }
        return keys;
    }

    /**
     * Updates parameter {@code index} from {@code grad} with the current learning rate; {@code states} holds its
     * state ({@link ParameterStates#has} tells whether this is its first update).
     */
    abstract void update(int index, Parameter parameter, Tensor grad, ParameterStates states, double learningRate);

    @Override
    public final List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public final void step() {
        requireOpen();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter parameter = parameters.get(i);
            Tensor grad = parameter.grad();
            if (grad != null) {
                update(i, parameter, grad, states, learningRate);
            }
        }
    }

    @Override
    public final void zeroGrad() {
        for (Parameter parameter : parameters) {
            parameter.zeroGrad();
        }
    }

    @Override
    public final double learningRate() {
        return learningRate;
    }

    @Override
    public final void setLearningRate(double learningRate) {
        this.learningRate = HyperParameters.learningRate(optimizerName, learningRate);
    }

    @Override
    public final Map<String, Tensor> stateTensors() {
        requireOpen();
        return Collections.unmodifiableMap(states.tensors());
    }

    @Override
    public final Map<String, String> stateScalars() {
        requireOpen();
        Map<String, String> scalars = new LinkedHashMap<>();
        scalars.put(LEARNING_RATE_KEY, Double.toString(learningRate));
        scalars.putAll(states.scalars());
        return Collections.unmodifiableMap(scalars);
    }

    @Override
    public final void loadState(Map<String, Tensor> tensors, Map<String, String> scalars) {
        requireOpen();
        Objects.requireNonNull(tensors, () -> optimizerName + ": state tensors must not be null");
        Objects.requireNonNull(scalars, () -> optimizerName + ": state scalars must not be null");
        Double loadedRate = null;
        String rateText = scalars.get(LEARNING_RATE_KEY);
        if (rateText != null) {
            try {
                loadedRate = HyperParameters.learningRate(optimizerName, Double.parseDouble(rateText.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(optimizerName + ": state scalar " + LEARNING_RATE_KEY
                        + ": expected a number, got '" + rateText + "'", e);
            }
        }
        states.load(tensors, scalars, Set.of(LEARNING_RATE_KEY));
        if (loadedRate != null) {
            learningRate = loadedRate;
        }
    }

    @Override
    public final void close() {
        closed = true;
        states.close();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(optimizerName + " is closed (it was used after close())");
        }
    }
}

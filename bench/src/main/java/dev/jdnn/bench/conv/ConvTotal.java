package dev.jdnn.bench.conv;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One backend's measured layers summed as the model runs them: each layer's median time counted as often as the
 * model has it ({@link ConvLayer#occurrences()}), and the GFLOP/s of that whole.
 *
 * @param msP50     {@code Σ occurrences · p50} in milliseconds
 * @param gflopsP50 {@code Σ occurrences · flops / Σ occurrences · p50}
 */
public record ConvTotal(String backend, int layers, double msP50, double gflopsP50) {

    /** One total per backend, in the order the backends first appear. */
    public static List<ConvTotal> of(List<ConvMeasurement> measurements) {
        Map<String, double[]> sums = new LinkedHashMap<>(); // backend → {layers, ms, flops}
        for (ConvMeasurement m : measurements) {
            double[] sum = sums.computeIfAbsent(m.backend(), b -> new double[3]);
            sum[0] += 1;
            sum[1] += m.layer().occurrences() * m.latency().p50Ms();
            sum[2] += m.layer().occurrences() * m.layer().flops(m.batch());
        }
        List<ConvTotal> totals = new ArrayList<>();
        sums.forEach((backend, sum) -> totals.add(new ConvTotal(backend, (int) sum[0], sum[1], sum[2] / (sum[1] * 1e6))));
        return totals;
    }
}

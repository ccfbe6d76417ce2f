package dev.jdnn.bench.model;

/**
 * What {@code jdnn bench MODEL} measured for one batch size.
 *
 * @param batch              images per call
 * @param calls              timed calls (all threads)
 * @param p50Ms              median latency of a call
 * @param p90Ms              90th percentile
 * @param p99Ms              99th percentile
 * @param maxMs              slowest call
 * @param imagesPerSecond    images over the timed wall time, all threads together
 * @param compileMs          building the session: tracing the model and compiling one context (its first run)
 * @param firstCallMs        the first call after compiling (what a service's first user would wait)
 * @param launchToFirstMs    JVM start to the first result of this batch size's session
 * @param heapBytesPerCall   Java heap allocated per call by the calling thread, in steady state
 * @param rssPeakMb          the process's peak resident memory so far (VmHWM)
 */
public record ModelMeasurement(int batch, long calls, double p50Ms, double p90Ms, double p99Ms, double maxMs,
                               double imagesPerSecond, double compileMs, double firstCallMs, double launchToFirstMs,
                               double heapBytesPerCall, double rssPeakMb) {
}

package dev.ect.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * JMH profiler adding {@code ·cpu}: the benchmark JVM's process CPU time per operation in µs
 * (all its threads: the benchmark threads, GC, JIT). On a machine shared with other busy
 * processes, wall-clock time per operation includes waiting for a core; CPU time mostly does not,
 * so ratios of CPU time are the steadier measure there. {@code ·cpu.bench} counts only JMH's
 * benchmark threads (no GC, JIT or provider helper threads). Use with
 * {@code -prof dev.ect.benchmarks.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long start;
    private final java.util.Map<Long, Long> workerStart = new java.util.HashMap<>();

    @Override
    public String getDescription() { return "process CPU time per operation (µs/op)"; }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        start = OS.getProcessCpuTime();
        workerStart.clear();
        for (Thread t : workers()) {
            workerStart.put(t.getId(), THREADS.getThreadCpuTime(t.getId()));
        }
    }

    /** JMH's benchmark threads ("...-jmh-worker-N"). */
    private static List<Thread> workers() {
        List<Thread> out = new java.util.ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains("jmh-worker")) {
                out.add(t);
            }
        }
        return out;
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        long cpu = OS.getProcessCpuTime() - start;
        long ops = Math.max(1, result.getMetadata().getMeasuredOps());
        long bench = 0;
        for (Thread t : workers()) {
            long now = THREADS.getThreadCpuTime(t.getId());
            if (now >= 0) {
                bench += now - workerStart.getOrDefault(t.getId(), 0L);
            }
        }
        return List.of(new ScalarResult("cpu", cpu / 1e3 / ops, "µs/op", AggregationPolicy.AVG),
                new ScalarResult("cpu.bench", bench / 1e3 / ops, "µs/op", AggregationPolicy.AVG));
    }
}

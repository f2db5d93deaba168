package dev.ect.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link PairedBenchmark} and prints, per provider and pair, the median of the B/A ratios of
 * adjacent iterations (A and B alternate inside one fork, so each ratio compares two half-second
 * windows under the same machine load).
 *
 * <pre>
 * java -cp ect-benchmarks/target/benchmarks.jar dev.ect.benchmarks.Ratios [--providers jdk,accp]
 *      [--pairs 6] [--forks 1] [--ms 500] [--only verifyVsRawVerify] [--jvm-args "-Xmx4g -XX:+UseParallelGC"] [--quick]
 * </pre>
 * {@code --quick} (smoke): 1 pair of 100 ms, fails on any benchmark error.
 */
public final class Ratios {
    private Ratios() {}

    public static void main(String[] args) throws RunnerException {
        List<String> providers = List.of(Fixtures.JDK, Fixtures.ACCP);
        int pairs = 6;
        int forks = 1;
        int ms = 500;
        String only = null;
        String jvmArgs = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--providers" -> providers = Arrays.asList(args[++i].split(","));
                case "--pairs" -> pairs = Integer.parseInt(args[++i]);
                case "--forks" -> forks = Integer.parseInt(args[++i]);
                case "--ms" -> ms = Integer.parseInt(args[++i]);
                case "--only" -> only = args[++i];
                case "--jvm-args" -> jvmArgs = args[++i];
                case "--quick" -> {
                    pairs = 1;
                    ms = 100;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        boolean quick = ms < 200;
        int warmups = 4; // even: the first measured iteration is a baseline (A) one
        String include = PairedBenchmark.class.getName() + "." + (only == null ? ".*" : only) + "$";
        ChainedOptionsBuilder opts = new OptionsBuilder().include(include)
                .param("provider", providers.toArray(new String[0]))
                .warmupIterations(warmups).warmupTime(TimeValue.milliseconds(ms))
                .measurementIterations(2 * pairs).measurementTime(TimeValue.milliseconds(ms))
                .forks(forks).shouldFailOnError(true).verbosity(VerboseMode.SILENT)
                .addProfiler(CpuTimeProfiler.class);
        if (jvmArgs != null) {
            opts.jvmArgsAppend(jvmArgs.trim().split("\\s+"));
        }
        if (quick) {
            opts.warmupIterations(2).jvmArgsAppend("-Dect.bench.pool=512"); // smoke: a small token pool
        }
        Collection<RunResult> results = new Runner(opts.build()).run();

        System.out.printf(Locale.ROOT, "%nJVM %s (%s), %d cores; %d pairs x %d ms per provider and pair, %d fork(s)%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors(), pairs, ms, forks);
        System.out.printf(Locale.ROOT, "cpu = CPU time of the benchmark thread per op (steadier under load from other processes); wall = JMH score%n");
        System.out.printf(Locale.ROOT, "| provider | pair (B vs A) | A cpu µs | B cpu µs | B/A cpu median | cpu min..max | A wall µs | B wall µs | B/A wall median |%n");
        System.out.printf(Locale.ROOT, "|---|---|---:|---:|---:|---|---:|---:|---:|%n");
        for (RunResult r : results) {
            String bench = r.getParams().getBenchmark();
            String name = bench.substring(bench.lastIndexOf('.') + 1);
            List<Double> a = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            List<Double> wall = new ArrayList<>();
            List<Double> ca = new ArrayList<>();
            List<Double> cb = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            for (BenchmarkResult br : r.getBenchmarkResults()) {
                List<IterationResult> its = new ArrayList<>(br.getIterationResults());
                for (int i = 0; i + 1 < its.size(); i += 2) {
                    double sa = its.get(i).getPrimaryResult().getScore();
                    double sb = its.get(i + 1).getPrimaryResult().getScore();
                    a.add(sa);
                    b.add(sb);
                    wall.add(sb / sa);
                    double xa = cpu(its.get(i));
                    double xb = cpu(its.get(i + 1));
                    ca.add(xa);
                    cb.add(xb);
                    cpu.add(xb / xa);
                }
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.3f | %.3f..%.3f | %.1f | %.1f | %.3f |%n",
                    r.getParams().getParam("provider"), name, median(ca), median(cb), median(cpu),
                    cpu.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    cpu.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                    median(a), median(b), median(wall));
        }
    }

    private static double cpu(IterationResult it) {
        Result<?> x = it.getSecondaryResults().get("cpu.bench");
        return x == null ? Double.NaN : x.getScore();
    }

    static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}

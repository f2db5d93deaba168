package dev.ect.benchmarks;

import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.jdbc.JdbcLedger;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * PostgreSQL ledger appends per second ({@link JdbcLedger}, L-05: each {@code append} returns
 * after its entry committed) with 1, 8 and 32 concurrent appenders per JVM, from 1 and 2 JVMs
 * sharing one ledger table, with append batching (group commit) on and off, alternating (AB, BA,
 * AB, ...) for each configuration so each ratio comes from the same minute of the same machine,
 * and against the local store each JVM would use alone ({@code file}: a {@link FileLedger} per
 * JVM on the local disk, forced before {@code append} returns, with its own group commit);
 * the tables give medians over the rounds (a machine shared with other work is noisy).
 *
 * <p>Every appender JVM is a child process (the parent only coordinates): it pre-mints realistic
 * ECTs (~1 KiB token, free signature, handed over as the verifier hands them), opens its own
 * ledger (pool size {@code max(8, appenders + 1)}, the same for both modes, so the per-append path
 * is not starved of connections), prints {@code ready}, waits for {@code go}, appends as fast as it
 * can for the warm-up and then for the measured window, and prints its count and latency
 * percentiles. Each configuration gets a fresh schema, dropped afterwards.
 *
 * <pre>
 * java -cp ect-benchmarks/target/benchmarks.jar dev.ect.benchmarks.JdbcAppendLoad
 *     [--url jdbc:postgresql://127.0.0.1:5432/test?user=postgres] [--appenders 1,8,32] [--jvms 1,2]
 *     [--modes batched,unbatched] [--warmup 2] [--seconds 5] [--rounds 3] [--pool 10000] [--out file.md]
 * </pre>
 */
public final class JdbcAppendLoad {
    private JdbcAppendLoad() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--worker")) {
            worker(args);
            return;
        }
        String url = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
        List<Integer> appenders = List.of(1, 8, 32);
        List<Integer> jvms = List.of(1, 2);
        List<String> modes = List.of("batched", "unbatched", "file");
        int warmup = 2;
        int seconds = 5;
        int pool = 10_000;
        int rounds = 3;
        Path outFile = null;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--url" -> url = v;
                case "--appenders" -> appenders = ints(v);
                case "--jvms" -> jvms = ints(v);
                case "--modes" -> modes = List.of(v.split(","));
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--seconds" -> seconds = Integer.parseInt(v);
                case "--pool" -> pool = Integer.parseInt(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--out" -> outFile = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("JdbcAppendLoad ").append(Instant.now()).append(", java ").append(System.getProperty("java.version"))
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, warm-up ").append(warmup)
                .append(" s, measured ").append(seconds).append(" s per run, ").append(rounds)
                .append(" rounds per configuration (modes alternate: AB, BA, ...); medians over the rounds\n\n")
                .append("| JVMs | appenders per JVM | mode | appends/s (median) | appends/s per round | p50 ms | p99 ms"
                        + " | entries per commit | batched / unbatched (median of the rounds' ratios) |\n")
                .append("|---:|---:|---|---:|---|---:|---:|---:|---:|\n");
        System.out.print(md);
        for (int j : jvms) {
            for (int a : appenders) {
                List<List<Result>> byMode = new ArrayList<>();
                modes.forEach(m -> byMode.add(new ArrayList<>()));
                for (int r = 0; r < rounds; r++) {
                    for (int k = 0; k < modes.size(); k++) {
                        int m = r % 2 == 0 ? k : modes.size() - 1 - k;
                        byMode.get(m).add(run(url, j, a, modes.get(m), warmup, seconds, pool));
                    }
                }
                int batched = modes.indexOf("batched");
                int unbatched = modes.indexOf("unbatched");
                int file = modes.indexOf("file");
                for (int m = 0; m < modes.size(); m++) {
                    List<Result> rs = byMode.get(m);
                    String ratio = "";
                    if ((m == unbatched || m == file) && batched >= 0) {
                        ratio = ratio(byMode.get(batched), rs) + (m == file ? " (batched / local file)" : "");
                    }
                    StringBuilder each = new StringBuilder();
                    for (Result x : rs) {
                        each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,.0f", x.rate));
                    }
                    String row = String.format(Locale.ROOT, "| %d | %d | %s | %,.0f | %s | %.2f | %.2f | %.1f | %s |%n", j, a,
                            modes.get(m), median(rs.stream().map(Result::rate).toList()), each,
                            median(rs.stream().map(Result::p50Millis).toList()), median(rs.stream().map(Result::p99Millis).toList()),
                            median(rs.stream().map(Result::entriesPerCommit).toList()), ratio);
                    System.out.print(row);
                    md.append(row);
                }
            }
        }
        if (outFile != null) {
            Files.writeString(outFile, md);
        }
    }

    /** The median (min..max) of the per-round ratios a / b. */
    static String ratio(List<Result> a, List<Result> b) {
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < a.size(); r++) {
            ratios.add(a.get(r).rate / b.get(r).rate);
        }
        return String.format(Locale.ROOT, "%.2f (%.2f..%.2f)", median(ratios),
                ratios.stream().mapToDouble(d -> d).min().orElse(0), ratios.stream().mapToDouble(d -> d).max().orElse(0));
    }

    static double median(List<Double> xs) {
        double[] v = xs.stream().mapToDouble(d -> d).sorted().toArray();
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    record Result(double rate, double p50Millis, double p99Millis, double entriesPerCommit) {}

    static Result run(String url, int jvms, int appenders, String mode, int warmup, int seconds, int pool) throws Exception {
        String schema = "ect_bench_" + UUID.randomUUID().toString().substring(0, 8);
        try (JdbcLedger ledger = JdbcLedger.builder(url).schema(schema).build()) {
            ledger.size(); // create the schema once, before the workers race to it
        }
        List<Process> ps = new ArrayList<>();
        List<BufferedReader> outs = new ArrayList<>();
        try {
            for (int i = 0; i < jvms; i++) {
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                        "-cp", System.getProperty("java.class.path"), JdbcAppendLoad.class.getName(), "--worker", url, schema,
                        String.valueOf(appenders), mode, String.valueOf(warmup), String.valueOf(seconds), String.valueOf(pool))
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                ps.add(p);
                outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (BufferedReader r : outs) {
                expect(r, "ready");
            }
            for (Process p : ps) {
                Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
                w.write("go\n");
                w.flush();
            }
            long count = 0;
            double nanos = 0;
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            for (BufferedReader r : outs) {
                String[] f = expect(r, "result").split(" ");
                count += Long.parseLong(f[1]);
                nanos = Math.max(nanos, Double.parseDouble(f[2]));
                p50.add(Double.parseDouble(f[3]));
                p99.add(Double.parseDouble(f[4]));
            }
            for (Process p : ps) {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("a worker did not exit");
                }
            }
            double perCommit = Double.NaN;
            if (!mode.equals("file")) try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*)::float8 / greatest(count(DISTINCT xmin::text), 1) FROM "
                         + schema + ".ect_ledger")) {
                rs.next();
                perCommit = rs.getDouble(1);
            }
            return new Result(count / (nanos / 1e9), p50.stream().mapToDouble(d -> d).max().orElse(0),
                    p99.stream().mapToDouble(d -> d).max().orElse(0), perCommit);
        } finally {
            ps.forEach(Process::destroyForcibly);
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static String expect(BufferedReader r, String prefix) throws IOException {
        for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IllegalStateException("a worker ended before printing '" + prefix + "'");
    }

    private static List<Integer> ints(String v) { return Arrays.stream(v.split(",")).map(Integer::valueOf).toList(); }

    // ---------------------------------------------------------------- the appender JVM

    private static void worker(String[] args) throws Exception {
        String url = args[1];
        String schema = args[2];
        int appenders = Integer.parseInt(args[3]);
        String mode = args[4];
        long warmupNanos = TimeUnit.SECONDS.toNanos(Integer.parseInt(args[5]));
        long measureNanos = TimeUnit.SECONDS.toNanos(Integer.parseInt(args[6]));
        int poolSize = Integer.parseInt(args[7]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        EctSigner signer = EctSigner.builder(Fixtures.key()).clock(Fixtures.CLOCK).crypto(Fixtures.provider(Fixtures.FAKE)).build();
        SignedEct[] tokens = new SignedEct[poolSize];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = fresh(signer);
        }
        AtomicInteger next = new AtomicInteger();
        Path dir = Path.of(System.getProperty("ect.bench.dir", "target"));
        Files.createDirectories(dir);
        Path file = dir.resolve("jdbc-load-file-" + UUID.randomUUID() + ".jsonl");
        AuditLedger ledger = mode.equals("file") ? FileLedger.open(file)
                : JdbcLedger.builder(url).schema(schema).appendBatching(mode.equals("batched"))
                        .maxPoolSize(Math.max(8, appenders + 1)).statementTimeout(Duration.ofSeconds(30)).build();
        try (AutoCloseable closing = (AutoCloseable) ledger;
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            ledger.entries(1, 1);
            out.println("ready");
            if (!"go".equals(in.readLine())) {
                throw new IllegalStateException("expected go");
            }
            long start = System.nanoTime();
            long measureFrom = start + warmupNanos;
            long end = measureFrom + measureNanos;
            AtomicBoolean failed = new AtomicBoolean();
            long[][] latencies = new long[appenders][];
            int[] counts = new int[appenders];
            Thread[] threads = new Thread[appenders];
            for (int t = 0; t < appenders; t++) {
                int me = t;
                threads[t] = new Thread(() -> {
                    long[] lat = new long[1 << 14];
                    int n = 0;
                    try {
                        while (true) {
                            int i = next.getAndIncrement();
                            SignedEct s = i < tokens.length ? tokens[i] : fresh(signer); // pool exhausted: mint (~50 µs)
                            long t0 = System.nanoTime();
                            if (t0 >= end) {
                                break;
                            }
                            LedgerEntry e = ledger.append(s);
                            long t1 = System.nanoTime();
                            if (t0 >= measureFrom && t1 <= end && e != null) {
                                if (n == lat.length) {
                                    lat = Arrays.copyOf(lat, n * 2);
                                }
                                lat[n++] = t1 - t0;
                            }
                        }
                    } catch (RuntimeException e) {
                        failed.set(true);
                        e.printStackTrace();
                    }
                    latencies[me] = lat;
                    counts[me] = n;
                }, "appender-" + t);
                threads[t].start();
            }
            for (Thread th : threads) {
                th.join();
            }
            if (failed.get()) {
                throw new IllegalStateException("an append failed");
            }
            int total = 0;
            for (int c : counts) {
                total += c;
            }
            long[] all = new long[total];
            int k = 0;
            for (int t = 0; t < appenders; t++) {
                System.arraycopy(latencies[t], 0, all, k, counts[t]);
                k += counts[t];
            }
            Arrays.sort(all);
            double p50 = total == 0 ? 0 : all[(int) (total * 0.50)] / 1e6;
            double p99 = total == 0 ? 0 : all[Math.min(total - 1, (int) (total * 0.99))] / 1e6;
            out.println(String.format(Locale.ROOT, "result %d %d %.3f %.3f", total, measureNanos, p50, p99));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static SignedEct fresh(EctSigner signer) {
        return signer.mint(Fixtures.draft(Fixtures.newWid(), List.of())); // what the verifier hands the ledger
    }
}

package dev.ect.benchmarks;

import dev.ect.core.CryptoProvider;
import dev.ect.core.EctVerifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Loopback load test of the servlet filter on embedded Jetty 12 (ee10). One server on 127.0.0.1
 * (ephemeral port) serves {@code /plain} without the filter and {@code /ect} through
 * {@link dev.ect.servlet.EctFilter} with the full pipeline (signature, claims, DAG with three
 * predecessors in an in-memory ledger, replay store, ledger append). A built-in HTTP/1.1
 * keep-alive driver (raw sockets, so the client costs as little CPU as possible on the same
 * machine) sends unique, pre-minted tokens from {@code --connections} connections.
 *
 * <p>Phases: plain (no filter), then the filter with each provider. Each phase: warm-up, then at
 * most {@code --requests} requests or {@code --seconds} seconds, whichever comes first; it always
 * stops by itself. Next to each filter phase the crypto ceiling of that provider is measured in
 * the same JVM (cores / raw ES256 verify time). Driver, server and ceiling share all cores; for a
 * comparison with the server alone on one core and the driver on another, use {@code --split}
 * (see {@link SplitLoadTest}).
 *
 * <pre>
 * java -cp ect-benchmarks/target/benchmarks.jar dev.ect.benchmarks.LoadTest
 *      [--providers jdk,accp] [--connections 16] [--requests 60000] [--seconds 15] [--quick]
 * java -cp ect-benchmarks/target/benchmarks.jar dev.ect.benchmarks.LoadTest --split [SplitLoadTest options]
 * </pre>
 */
public final class LoadTest {
    private LoadTest() {}

    /**
     * Runs the load test and prints a markdown table; exits with status 1 when a request did not
     * get 200.
     *
     * @param args options, see the class description
     */
    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--split")) {
            SplitLoadTest.main(Arrays.stream(args).filter(a -> !a.equals("--split")).toArray(String[]::new));
            return;
        }
        List<String> providers = new ArrayList<>(List.of(Fixtures.JDK, Fixtures.ACCP));
        int connections = 16;
        int requests = 60_000;
        int seconds = 15;
        int warmupSeconds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--providers" -> providers = Arrays.asList(args[++i].split(","));
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--quick" -> {
                    requests = 300;
                    seconds = 2;
                    warmupSeconds = 0;
                    connections = 4;
                }
                case "--help" -> {
                    System.out.println("LoadTest [--providers jdk,accp] [--connections 16] [--requests 60000] [--seconds 15] [--quick]");
                    System.out.println("LoadTest --split ...   (server and driver on separate CPUs; --split --help for its options)");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "JVM %s, %d cores; %d connections, at most %d requests or %d s per phase (after %d s warm-up)%n",
                System.getProperty("java.version"), cores, connections, requests, seconds, warmupSeconds);

        LoadFixture fx = LoadFixture.create();
        List<String[]> rows = new ArrayList<>();
        LoadDriver.Result plain = run("/plain", null, fx, connections, requests, seconds, warmupSeconds);
        rows.add(row("no filter", "-", plain, Double.NaN));
        for (String p : providers) {
            CryptoProvider crypto = Fixtures.provider(p);
            double rawVerifyMicros = RawVerify.micros(p, fx.key.publicKey(), fx.sample());
            double ceiling = cores * 1e6 / rawVerifyMicros;
            LoadDriver.Result r = run("/ect", fx.verifier(crypto), fx, connections, requests, seconds, warmupSeconds);
            double after = RawVerify.micros(p, fx.key.publicKey(), fx.sample());
            double ceilingAfter = cores * 1e6 / after;
            double c = (ceiling + ceilingAfter) / 2;
            rows.add(row("EctFilter", crypto.name() + String.format(Locale.ROOT, " (raw verify %.0f/%.0f µs)", rawVerifyMicros, after), r, c));
        }
        System.out.println();
        System.out.println("| path | provider | requests | s | req/s | p50 ms | p99 ms | non-200 | crypto ceiling req/s | req/s / ceiling |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String[] r : rows) {
            System.out.println("| " + String.join(" | ", r) + " |");
        }
        boolean failed = rows.stream().anyMatch(r -> !r[7].equals("0"));
        if (failed) {
            System.out.println("FAILED: some requests did not get 200");
            System.exit(1);
        }
    }

    private static String[] row(String path, String provider, LoadDriver.Result r, double ceiling) {
        return new String[] {path, provider, Integer.toString(r.count()), String.format(Locale.ROOT, "%.1f", r.seconds()),
            String.format(Locale.ROOT, "%.0f", r.count() / r.seconds()), String.format(Locale.ROOT, "%.2f", r.p50() / 1e6),
            String.format(Locale.ROOT, "%.2f", r.p99() / 1e6), Integer.toString(r.errors()),
            Double.isNaN(ceiling) ? "-" : String.format(Locale.ROOT, "%.0f", ceiling),
            Double.isNaN(ceiling) ? "-" : String.format(Locale.ROOT, "%.2f", r.count() / r.seconds() / ceiling)};
    }

    /** One phase on a fresh server: warm-up, then the measured window. */
    private static LoadDriver.Result run(String path, EctVerifier verifier, LoadFixture fx, int connections,
            int requests, int seconds, int warmupSeconds) throws Exception {
        try (LoadServer server = LoadServer.start(verifier)) {
            String[] warm = verifier == null ? null : fx.mint(warmupSeconds == 0 ? 0 : Math.min(requests, 20_000));
            String[] tokens = verifier == null ? null : fx.mint(requests);
            if (warmupSeconds > 0) {
                LoadDriver.drive(server.port(), path, warm, connections, warm == null ? 20_000 : warm.length, warmupSeconds);
            }
            return LoadDriver.drive(server.port(), path, tokens, connections, requests, seconds);
        }
    }
}

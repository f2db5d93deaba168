package dev.ect.benchmarks;

import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.CryptoProvider;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.servlet.EctFilter;
import dev.ect.servlet.EctFilterConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Loopback load test of the servlet filter on embedded Jetty 12 (ee10). One server on 127.0.0.1
 * (ephemeral port) serves {@code /plain} without the filter and {@code /ect} through
 * {@link EctFilter} with the full pipeline (signature, claims, DAG with three predecessors in an
 * in-memory ledger, replay store, ledger append). A built-in HTTP/1.1 keep-alive driver (raw
 * sockets, so the client costs as little CPU as possible on the same machine) sends unique,
 * pre-minted tokens from {@code --connections} connections.
 *
 * <p>Phases: plain (no filter), then the filter with each provider. Each phase: warm-up, then at
 * most {@code --requests} requests or {@code --seconds} seconds, whichever comes first; it always
 * stops by itself. Next to each filter phase the crypto ceiling of that provider is measured in
 * the same JVM (cores / raw ES256 verify time).
 *
 * <pre>
 * java -cp ect-benchmarks/target/benchmarks.jar dev.ect.benchmarks.LoadTest
 *      [--providers jdk,accp] [--connections 16] [--requests 60000] [--seconds 15] [--quick]
 * </pre>
 */
public final class LoadTest {
    private LoadTest() {}

    public static void main(String[] args) throws Exception {
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
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "JVM %s, %d cores; %d connections, at most %d requests or %d s per phase (after %d s warm-up)%n",
                System.getProperty("java.version"), cores, connections, requests, seconds, warmupSeconds);

        EctKeyPair key = Fixtures.key();
        EctSigner fast = EctSigner.builder(key).clock(Fixtures.CLOCK).crypto(Fixtures.fastest()).build();
        String wid = Fixtures.newWid();
        InMemoryLedger seed = new InMemoryLedger();
        List<String> predJtis = Fixtures.predecessors(fast, seed, wid, 3);
        var draft = Fixtures.draft(wid, predJtis);

        List<String[]> rows = new ArrayList<>();
        Result plain = run("/plain", null, fast, draft, connections, requests, seconds, warmupSeconds, null);
        rows.add(row("no filter", "-", plain, Double.NaN));
        for (String p : providers) {
            CryptoProvider crypto = Fixtures.provider(p);
            double rawVerifyMicros = rawVerifyMicros(p, key.publicKey(), fast.mint(draft));
            double ceiling = cores * 1e6 / rawVerifyMicros;
            InMemoryLedger ledger = new InMemoryLedger();
            for (String j : predJtis) {
                seed.findEntries(j).forEach(e -> ledger.append(e.ect(), e.compact()));
            }
            EctVerifier verifier = Fixtures.pipeline(key, crypto, ledger);
            Result r = run("/ect", verifier, fast, draft, connections, requests, seconds, warmupSeconds, ledger);
            double after = rawVerifyMicros(p, key.publicKey(), fast.mint(draft));
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

    private static String[] row(String path, String provider, Result r, double ceiling) {
        return new String[] {path, provider, Integer.toString(r.count), String.format(Locale.ROOT, "%.1f", r.seconds),
            String.format(Locale.ROOT, "%.0f", r.count / r.seconds), String.format(Locale.ROOT, "%.2f", r.p50 / 1e6),
            String.format(Locale.ROOT, "%.2f", r.p99 / 1e6), Integer.toString(r.errors),
            Double.isNaN(ceiling) ? "-" : String.format(Locale.ROOT, "%.0f", ceiling),
            Double.isNaN(ceiling) ? "-" : String.format(Locale.ROOT, "%.2f", r.count / r.seconds / ceiling)};
    }

    /** Single-thread raw JCA ES256 verify time, about one second of work. */
    static double rawVerifyMicros(String provider, java.security.PublicKey pub, SignedEct sample) throws GeneralSecurityException {
        Signature s = Fixtures.rawSignature(provider);
        byte[] input = Fixtures.signingInput(sample.compact());
        byte[] sig = Fixtures.signature(sample.compact());
        for (int i = 0; i < 2_000; i++) { // JIT warm-up of the JCA path (and of the JDK's EC code)
            s.initVerify(pub);
            s.update(input);
            s.verify(sig);
        }
        long n = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(1000);
        long now;
        do {
            s.initVerify(pub);
            s.update(input);
            if (!s.verify(sig)) {
                throw new IllegalStateException("raw verify failed");
            }
            n++;
            now = System.nanoTime();
        } while (now < end);
        return (now - start) / 1e3 / n;
    }

    record Result(int count, double seconds, long p50, long p99, int errors) {}

    static Result run(String path, EctVerifier verifier, EctSigner fast, dev.ect.core.Ect draft, int connections,
            int requests, int seconds, int warmupSeconds, InMemoryLedger ledger) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ctx.addServlet(new ServletHolder(new Ok()), "/*");
        if (verifier != null) {
            EctFilterConfig cfg = EctFilterConfig.builder().verifier(verifier).requiredPaths("/ect/*")
                    .environment(Map.of()).build();
            ctx.addFilter(new FilterHolder(new EctFilter(cfg)), "/ect/*", EnumSet.of(DispatcherType.REQUEST));
        }
        server.setHandler(ctx);
        server.start();
        int port = connector.getLocalPort();
        try {
            String[] warm = verifier == null ? null : mintPool(fast, draft, warmupSeconds == 0 ? 0 : Math.min(requests, 20_000));
            String[] tokens = verifier == null ? null : mintPool(fast, draft, requests);
            if (warmupSeconds > 0) {
                drive(port, path, warm, connections, warm == null ? 20_000 : warm.length, warmupSeconds);
            }
            return drive(port, path, tokens, connections, requests, seconds);
        } finally {
            server.stop();
        }
    }

    static String[] mintPool(EctSigner fast, dev.ect.core.Ect draft, int n) {
        String[] t = new String[n];
        for (int i = 0; i < n; i++) {
            t[i] = fast.sign(draft);
        }
        return t;
    }

    /** Sends at most {@code max} requests (or for at most {@code seconds}) from {@code connections} keep-alive sockets. */
    static Result drive(int port, String path, String[] tokens, int connections, int max, int seconds) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long[] latencies = new long[max];
        AtomicLong done = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch finished = new CountDownLatch(connections);
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setTcpNoDelay(true);
                    s.setSoTimeout(10_000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 8192);
                    while (System.nanoTime() < deadline) {
                        int i = next.getAndIncrement();
                        if (i >= max) {
                            break;
                        }
                        String req = "GET " + path + "/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + (tokens == null ? "" : "Execution-Context: " + tokens[i] + "\r\n") + "\r\n";
                        long t0 = System.nanoTime();
                        out.write(req.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        int status = readResponse(in);
                        latencies[i] = System.nanoTime() - t0;
                        done.incrementAndGet();
                        if (status != 200) {
                            errors.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                } finally {
                    finished.countDown();
                }
            }, "load-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        if (!finished.await(seconds + 30L, TimeUnit.SECONDS)) {
            throw new IllegalStateException("load driver did not finish in time");
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        int count = (int) done.get();
        long[] l = Arrays.copyOf(Arrays.stream(latencies).filter(x -> x > 0).toArray(), count);
        Arrays.sort(l);
        long p50 = l.length == 0 ? 0 : l[(int) Math.min(l.length - 1, Math.round(l.length * 0.50))];
        long p99 = l.length == 0 ? 0 : l[(int) Math.min(l.length - 1, Math.round(l.length * 0.99))];
        return new Result(count, elapsed, p50, p99, errors.get());
    }

    /** Reads one HTTP/1.1 response (Content-Length or chunked body); returns the status. */
    static int readResponse(InputStream in) throws IOException {
        String h = readUntil(in, 0x0D0A0D0A);
        int status = Integer.parseInt(h.substring(9, 12));
        long cl = 0;
        boolean chunked = false;
        for (String line : h.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                cl = Long.parseLong(line.substring(15).trim());
            } else if (line.regionMatches(true, 0, "Transfer-Encoding:", 0, 18) && line.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        if (!chunked) {
            skip(in, cl);
            return status;
        }
        while (true) {
            String sizeLine = readUntil(in, 0x0D0A).trim();
            int semi = sizeLine.indexOf(';');
            long size = Long.parseLong(semi >= 0 ? sizeLine.substring(0, semi) : sizeLine, 16);
            if (size == 0) {
                readUntil(in, 0x0D0A); // the empty line after the last chunk (no trailers here)
                return status;
            }
            skip(in, size + 2);
        }
    }

    private static String readUntil(InputStream in, int terminator) throws IOException {
        StringBuilder b = new StringBuilder(256);
        int last = 0;
        int mask = terminator > 0xFFFF ? -1 : 0xFFFF;
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            last = (last << 8) | c;
            if ((last & mask) == terminator) {
                return b.toString();
            }
        }
        throw new IOException("connection closed");
    }

    private static void skip(InputStream in, long n) throws IOException {
        long skipped = 0;
        while (skipped < n) {
            long k = in.skip(n - skipped);
            if (k <= 0) {
                if (in.read() < 0) {
                    throw new IOException("truncated body");
                }
                k = 1;
            }
            skipped += k;
        }
    }

    /** The application: a tiny fixed body. */
    static final class Ok extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final byte[] BODY = "ok\n".getBytes(StandardCharsets.US_ASCII);

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.setContentLength(BODY.length);
            resp.getOutputStream().write(BODY);
        }
    }
}

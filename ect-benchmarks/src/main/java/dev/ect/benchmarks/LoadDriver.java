package dev.ect.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client of the load tests: HTTP/1.1 keep-alive over raw sockets (so it costs as little CPU
 * as possible), one thread per connection, each request carrying the next pre-minted token.
 */
final class LoadDriver {
    private LoadDriver() {}

    /** What one measured window gave: requests answered, wall seconds, latency percentiles (ns), failures. */
    record Result(int count, double seconds, long p50, long p99, int errors) {}

    /**
     * Sends at most {@code max} requests (or for at most {@code seconds}) to {@code path + "/x"}
     * from {@code connections} keep-alive sockets; {@code tokens} null sends no token.
     */
    static Result drive(int port, String path, String[] tokens, int connections, int max, int seconds) throws Exception {
        return drive(new int[] {port}, path, tokens, connections, max, seconds);
    }

    /**
     * The same over several servers: connection {@code c} talks to {@code ports[c % ports.length]},
     * all connections draw from one token pool and one request budget, and the window is common.
     */
    static Result drive(int[] ports, String path, String[] tokens, int connections, int max, int seconds) throws Exception {
        if (ports.length == 0 || connections < ports.length) {
            throw new IllegalArgumentException("need at least one connection per server: " + connections + " < " + ports.length);
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long[] latencies = new long[max];
        AtomicLong done = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch finished = new CountDownLatch(connections);
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            int port = ports[c % ports.length];
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
}

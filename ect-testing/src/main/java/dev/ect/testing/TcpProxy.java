package dev.ect.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.Map;

/**
 * A small TCP forwarder on 127.0.0.1 for fault tests against a real server (PostgreSQL, Redis, a
 * JWKS server): the test points its client at {@link #port()} and can then make the server "go
 * away" (every connection cut, the port closed) and "come back" on the same port, cut the
 * connection on which a given statement is sent, swallow a reply (the command ran, the client never
 * hears back), hang (accept, never answer) or slow every reply down, without touching the real
 * server. Daemon threads; {@link #close()} stops it.
 */
public final class TcpProxy implements AutoCloseable {
    private final int targetPort;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private final AtomicReference<byte[]> cutMarker = new AtomicReference<>();
    /** Markers counted in what clients send (e.g. the text of a SQL statement), and how often each was seen. */
    private final Map<String, AtomicInteger> counted = new ConcurrentHashMap<>();
    private volatile long replyDelayNanos;
    private volatile Thread acceptThread;
    private final AtomicBoolean dropNextReply = new AtomicBoolean();
    private volatile boolean hang;

    /** A proxy on a free loopback port to {@code targetPort} on 127.0.0.1, started. */
    public TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    /** The port to connect to instead of the target's. */
    public int port() { return port; }

    /** A PostgreSQL JDBC URL through this proxy: {@code jdbc:postgresql://127.0.0.1:PORT/DATABASE?QUERY}. */
    public String jdbcUrl(String database, String query) { return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?" + query; }

    /** The next chunk the server sends is discarded and that connection is closed. */
    public void dropNextReply() { dropNextReply.set(true); }

    /** While on, new connections are accepted but never forwarded nor answered. */
    public void hang(boolean on) { hang = on; }

    /** Listens again on the same port. */
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            server = s;
            Thread t = new Thread(() -> acceptLoop(s), "tcp-proxy-" + port);
            t.setDaemon(true);
            acceptThread = t;
            t.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Closes the port and cuts every open connection, as a crashed or unreachable server would. When
     * it returns, nothing listens on the port: {@link ServerSocket#close()} alone is not enough, as
     * the JDK releases a socket that a thread is blocked accepting on only when that thread leaves
     * (a connection made in between would still be accepted), so this also waits for the accept
     * thread to end (at most 5 s) and refuses anything it accepted after the close.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        closeQuietly(server);
        server = null;
        Thread t = acceptThread;
        acceptThread = null;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    /**
     * Arms a one-shot cut: the next chunk a client sends that contains {@code marker} (e.g. the
     * text of a SQL statement) is dropped and that connection is closed, as a network failure
     * would; later connections pass through untouched.
     */
    public void cutOnceWhenClientSends(String marker) { cutMarker.set(marker.getBytes(StandardCharsets.UTF_8)); }

    /** True once an armed cut has happened. */
    public boolean cutDone() { return cutMarker.get() == null; }

    /**
     * Counts, from now on, how often clients send {@code marker} (with pgjdbc's
     * {@code prepareThreshold=0} every execution sends its SQL text, so this counts statements).
     */
    public void count(String marker) { counted.put(marker, new AtomicInteger()); }

    /** How often {@code marker} was sent since {@link #count(String)}. */
    public int seen(String marker) { return counted.get(marker).get(); }

    /** Holds every chunk the server sends for {@code delay} before passing it on: a slow network or server. */
    public void delayReplies(java.time.Duration delay) { replyDelayNanos = delay.toNanos(); }

    private byte[] countIn(byte[] tail, byte[] buf, int n) {
        if (counted.isEmpty()) {
            return tail;
        }
        byte[] all = new byte[tail.length + n];
        System.arraycopy(tail, 0, all, 0, tail.length);
        System.arraycopy(buf, 0, all, tail.length, n);
        int longest = 0;
        for (Map.Entry<String, AtomicInteger> e : counted.entrySet()) {
            byte[] m = e.getKey().getBytes(StandardCharsets.UTF_8);
            longest = Math.max(longest, m.length);
            for (int from = 0; ; ) { // occurrences that end in this chunk (those in the tail were counted)
                int i = indexOf(all, from, all.length, m);
                if (i < 0) {
                    break;
                }
                if (i + m.length > tail.length) {
                    e.getValue().incrementAndGet();
                }
                from = i + 1;
            }
        }
        int keep = Math.min(all.length, Math.max(0, longest - 1));
        return java.util.Arrays.copyOfRange(all, all.length - keep, all.length);
    }

    private static int indexOf(byte[] buf, int from, int n, byte[] m) {
        outer:
        for (int i = from; i + m.length <= n; i++) {
            for (int j = 0; j < m.length; j++) {
                if (buf[i + j] != m[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private boolean shouldCut(byte[] buf, int n) {
        byte[] m = cutMarker.get();
        return m != null && indexOf(buf, n, m) >= 0 && cutMarker.compareAndSet(m, null);
    }

    private static int indexOf(byte[] buf, int n, byte[] m) {
        outer:
        for (int i = 0; i + m.length <= n; i++) {
            for (int j = 0; j < m.length; j++) {
                if (buf[i + j] != m[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void acceptLoop(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                if (s.isClosed()) {
                    closeQuietly(client); // accepted while stop() was closing the port: refused
                    break;
                }
                sockets.add(client);
                if (hang) {
                    continue; // keep it open, never read or answer
                }
                Socket upstream = new Socket();
                sockets.add(upstream);
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                // closed by stop(), or the target refused: the client sees its connection closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            byte[] tail = new byte[0];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    if (fromClient && shouldCut(buf, n)) {
                        break; // dropped: both sockets are closed below
                    }
                    if (!fromClient && dropNextReply.compareAndSet(true, false)) {
                        break; // swallowed: both sockets are closed below
                    }
                    if (fromClient) {
                        tail = countIn(tail, buf, n);
                    } else if (replyDelayNanos > 0) {
                        LockSupport.parkNanos(replyDelayNanos); // the simulated slowness, not a test waiting
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable s) {
        try {
            s.close();
        } catch (Exception ignored) {
            // closing
        }
    }

    @Override
    public void close() { stop(); }
}

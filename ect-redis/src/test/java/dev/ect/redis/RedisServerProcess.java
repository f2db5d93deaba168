package dev.ect.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} child process on its own port, so fault tests can kill and
 * restart Redis without touching the machine's shared instance. No persistence; bound to
 * 127.0.0.1. Fails (never skips) when {@code redis-server} is not installed.
 */
final class RedisServerProcess implements AutoCloseable {
    private final int port;
    private final List<String> extraArgs;
    private final boolean tls;
    private final List<String> command;
    private final String readyMarker;
    private Process process;
    private final StringBuilder log = new StringBuilder();

    private RedisServerProcess(int port, List<String> extraArgs, boolean tls) {
        this(port, extraArgs, tls, null, "Ready to accept connections");
    }

    private RedisServerProcess(int port, List<String> extraArgs, boolean tls, List<String> command, String readyMarker) {
        this.port = port;
        this.extraArgs = extraArgs;
        this.tls = tls;
        this.command = command;
        this.readyMarker = readyMarker;
    }

    /**
     * Starts {@code command} as it is (e.g. {@code redis-server sentinel.conf --sentinel}) and waits
     * (bounded) until its log shows {@code readyMarker}.
     */
    static RedisServerProcess launchCommand(int port, List<String> command, String readyMarker) {
        RedisServerProcess r = new RedisServerProcess(port, List.of(), false, List.copyOf(command), readyMarker);
        r.start();
        return r;
    }

    /** Starts a server on a free port with the given extra arguments (e.g. --requirepass x). */
    static RedisServerProcess launch(String... extraArgs) {
        RedisServerProcess r = new RedisServerProcess(freePort(), List.of(extraArgs), false);
        r.start();
        return r;
    }

    /**
     * Starts a server that speaks only TLS ({@code --port 0 --tls-port}) on a free port, presenting
     * this certificate; clients are not asked for one.
     */
    static RedisServerProcess launchTls(TestCa.Leaf leaf, String... extraArgs) {
        List<String> args = new ArrayList<>(tlsArgs(leaf));
        args.addAll(List.of(extraArgs));
        RedisServerProcess r = new RedisServerProcess(freePort(), args, true);
        r.start();
        return r;
    }

    /** The server options that present this certificate and do not ask clients for one. */
    static List<String> tlsArgs(TestCa.Leaf leaf) {
        return List.of("--tls-cert-file", leaf.certificate().toString(), "--tls-key-file", leaf.key().toString(),
                "--tls-ca-cert-file", leaf.ca().toString(), "--tls-auth-clients", "no");
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() { return port; }

    boolean isAlive() { return process != null && process.isAlive(); }

    /** What the process printed so far (for failure messages). */
    String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    String url() { return (tls ? "rediss" : "redis") + "://127.0.0.1:" + port; }

    /** (Re)starts the server on the same port and waits (bounded) until it accepts connections. */
    void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        List<String> cmd = new ArrayList<>(tls ? List.of("redis-server", "--port", "0", "--tls-port", String.valueOf(port))
                : List.of("redis-server", "--port", String.valueOf(port)));
        cmd.addAll(List.of("--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no"));
        cmd.addAll(extraArgs);
        if (command != null) {
            cmd = command;
        }
        CountDownLatch ready = new CountDownLatch(1);
        synchronized (log) {
            log.setLength(0);
        }
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server must be installed for these tests: " + e.getMessage(), e);
        }
        Process p = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    if (line.contains(readyMarker)) {
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process went away
            }
        }, "redis-server-" + port);
        reader.setDaemon(true);
        reader.start();
        try {
            if (!ready.await(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                synchronized (log) {
                    throw new IllegalStateException("redis-server on port " + port + " did not start:\n" + log);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills the server (SIGKILL, like a crash) and waits for it to be gone. */
    void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() { kill(); }
}

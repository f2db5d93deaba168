package dev.ect.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class of the test sources with the test class path: a separate
 * process sharing nothing with the test but the database. Its stdout lines are queued; stderr goes
 * to a log file.
 */
final class JavaProcess implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = new ArrayList<>();
    private final Path log;
    private static final String EOF = "\u0000EOF";

    private JavaProcess(Process p, Path log) {
        this.process = p;
        this.log = log;
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process gone
            } finally {
                lines.add(EOF);
            }
        }, "child-stdout");
        t.setDaemon(true);
        t.start();
    }

    static JavaProcess start(Path logDir, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        Path log = logDir.resolve(main.getSimpleName() + "-" + System.nanoTime() + ".stderr.log");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            return new JavaProcess(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next stdout line, waiting at most {@code seconds}; fails with the child's stderr when it ends first. */
    String nextLine(int seconds) {
        try {
            String line = lines.poll(seconds, TimeUnit.SECONDS);
            if (line == null || line.equals(EOF)) {
                throw new AssertionError("child process " + (line == null ? "said nothing for " + seconds + " s" : "ended")
                        + "; stdout so far " + all + "; stderr:\n" + stderr());
            }
            all.add(line);
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Reads stdout lines until one starts with {@code prefix}; returns the rest of that line. */
    String await(String prefix, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            int left = (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
            String line = nextLine(left);
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
    }

    /** All stdout lines read so far. */
    List<String> linesRead() { return List.copyOf(all); }

    void send(String line) {
        try {
            Writer w = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            w.write(line + "\n");
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (bounded) for the exit and returns the exit code. */
    int waitFor(int seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("child process did not exit within " + seconds + " s; stderr:\n" + stderr());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    String stderr() {
        try {
            return java.nio.file.Files.readString(log);
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    /** SIGKILL ({@code kill -9}: no shutdown hook, no finally block runs), then waits (bounded) for the exit. */
    void kill(int seconds) {
        process.destroyForcibly();
        waitFor(seconds);
    }

    /** Every stdout line up to the end of the stream (after the process ended), waiting at most {@code seconds}. */
    List<String> readToEnd(int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("child stdout did not end within " + seconds + " s");
                }
                if (line.equals(EOF)) {
                    return linesRead();
                }
                all.add(line);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}

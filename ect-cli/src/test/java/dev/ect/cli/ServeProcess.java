package dev.ect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ect serve} from the real jar as a child process: its stderr lines, its port, plain HTTP to it. */
final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    final Process process;
    final List<String> log = new CopyOnWriteArrayList<>();
    final int port;
    private final Thread reader;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private ServeProcess(Process p) throws InterruptedException {
        this.process = p;
        CountDownLatch listening = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.add(line);
                    if (line.contains("listening on")) {
                        listening.countDown();
                    }
                }
            } catch (IOException e) {
                // process ended
            } finally {
                ended.countDown();
                listening.countDown();
            }
        });
        reader.setDaemon(true);
        reader.start();
        assertThat(listening.await(60, TimeUnit.SECONDS)).as("serve started: %s", log).isTrue();
        Matcher m = LISTENING.matcher(String.join("\n", log));
        if (!m.find()) {
            p.destroyForcibly();
            throw new AssertionError("serve did not start: " + String.join("\n", log));
        }
        port = Integer.parseInt(m.group(1));
    }

    /** Starts {@code ect serve --port 0 ARGS} in {@code dir} and waits until it listens. */
    static ServeProcess start(Path dir, String... args) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("serve", "--port", "0"));
        a.addAll(List.of(args));
        return start(dir, JarProcess.command(a.toArray(String[]::new)));
    }

    /** Starts this command line (java ... -jar ect.jar serve ...) in {@code dir} and waits until it listens. */
    static ServeProcess start(Path dir, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.startsWith("ECT_"));
        return new ServeProcess(pb.start());
    }

    URI uri(String pathAndQuery) { return URI.create("http://127.0.0.1:" + port + pathAndQuery); }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String pathAndQuery, String ect) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20))
                .header("Execution-Context", ect).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request line sent as is over a socket (for queries HttpClient refuses to send): status line, headers and body. */
    String raw(String pathAndQuery) throws IOException {
        try (java.net.Socket sock = new java.net.Socket("127.0.0.1", port)) {
            sock.setSoTimeout(20_000);
            sock.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** kill -9: no shutdown hook, no close of the ledger. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
    }

    /** SIGTERM and wait for the clean stop. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        reader.join(10_000);
    }
}

package dev.ect.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.spring.app.TestApp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Interoperability with {@code ect serve} from the real {@code ect.jar} (a child process): the
 * starter's RestClient mints an ECT that {@code ect serve} verifies, and {@code ect serve}'s response
 * ECT is verified by the starter (T-08, F-03). Runs in {@code mvn verify} (failsafe), after ect-cli's
 * package built the jar.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EctServeInteropIT {
    static final TestKeys KEYS;
    static final Serve SERVE;

    static {
        try {
            Path dir = Files.createTempDirectory("ect-starter-serve");
            KEYS = new TestKeys(dir);
            SERVE = new Serve(dir, "serve", "--port", "0", "--id", TestKeys.DOWNSTREAM,
                    "--trust", TestKeys.SERVICE + "=" + KEYS.serviceJwks, "--allow-unresolved", "--response-key", KEYS.downstreamKey.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("ect.verifier-id", () -> TestKeys.SERVICE);
        r.add("ect.trust", () -> KEYS.callerTrust() + "," + TestKeys.DOWNSTREAM + "=" + KEYS.downstreamJwks);
        r.add("ect.response-key-file", () -> KEYS.serviceKey.toString());
        r.add("ect.client.audiences[127.0.0.1:" + SERVE.port + "]", () -> TestKeys.DOWNSTREAM);
    }

    @AfterAll
    static void stop() throws Exception { SERVE.close(); }

    @LocalServerPort
    int port;

    @Test
    @DisplayName("M-01..M-07, T-08, F-03: an ECT minted by the starter's RestClient verifies in ect serve, and ect serve's response ECT verifies in the starter")
    void starterClientToEctServe() {
        String token = KEYS.callerToken("delegate");
        HttpResponse<String> r = Http.get(port, "/call?url=http://127.0.0.1:" + SERVE.port + "/work", token);
        assertThat(r.statusCode()).as("%s / serve: %s", r.body(), SERVE.log).isEqualTo(200);
        assertThat(r.body()).contains("\"level\"");
        assertThat(r.body()).contains(TestKeys.SERVICE); // serve answers with the verified iss
        // F-03: the service's own answer names ect serve's response ECT, which the RestClient verified
        String answer = r.headers().firstValue("Execution-Context").orElseThrow();
        String pred = Tokens.claim(answer, "pred");
        String outbound = SERVE.log.stream().map(l -> Pattern.compile("outcome=accepted .*jti=([0-9a-f-]+)").matcher(l))
                .filter(Matcher::find).map(m -> m.group(1)).findFirst().orElseThrow(() -> new AssertionError(SERVE.log));
        assertThat(pred).as("the verified answer replaced the request's task in the frontier")
                .isNotEqualTo(Tokens.claim(token, "jti")).isNotEqualTo(outbound).matches("[0-9a-f-]{36}");
    }

    /** {@code java -jar ect.jar serve ...}: waits (bounded) for its "listening on" line. */
    static final class Serve implements AutoCloseable {
        private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
        final List<String> log = new CopyOnWriteArrayList<>();
        final Process process;
        final int port;

        Serve(Path dir, String... args) throws IOException {
            Path jar = Path.of(System.getProperty("ect.jar", "../ect-cli/target/ect.jar"));
            assertThat(jar).as("ect-cli's ect.jar (built by mvn verify before this module)").isRegularFile();
            List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar.toAbsolutePath().toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().keySet().removeIf(k -> k.startsWith("ECT_"));
            process = pb.start();
            CountDownLatch listening = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        log.add(line);
                        if (line.contains("listening on")) {
                            listening.countDown();
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                } finally {
                    listening.countDown();
                }
            });
            reader.setDaemon(true);
            reader.start();
            try {
                assertThat(listening.await(60, TimeUnit.SECONDS)).as("ect serve started: %s", log).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Matcher m = LISTENING.matcher(String.join("\n", log));
            if (!m.find()) {
                process.destroyForcibly();
                throw new AssertionError("ect serve did not start: " + String.join("\n", log));
            }
            port = Integer.parseInt(m.group(1));
        }

        @Override
        public void close() throws InterruptedException {
            process.toHandle().destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}

package dev.ect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.testing.EctForgery;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ect serve} from the real jar: HTTP answers, one log line per request, SIGTERM. */
class ServeIT {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";

    @TempDir
    Path dir;

    @Test
    void answersValidAndInvalidRequestsLogsWithoutTokensAndStopsOnSigterm() throws Exception {
        assertThat(JarProcess.run(dir, "keygen", "--kid", "a-1", "--private", "a.jwk", "--public", "a.jwks").code()).isZero();
        String token = JarProcess.run(dir, "mint", "--key", "a.jwk", "--iss", A, "--aud", B, "--exec-act", "review_spec").out().strip();
        String jti = JarProcess.run(dir, "inspect", "--claim", "jti", token).out().strip();

        Process p = new ProcessBuilder(JarProcess.command("serve", "--port", "0", "--id", B, "--trust", A + "=a.jwks"))
                .directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch listening = new CountDownLatch(1);
        CountDownLatch twoRequests = new CountDownLatch(2);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.add(line);
                    if (line.contains("listening on")) {
                        listening.countDown();
                    }
                    if (line.contains("outcome=")) {
                        twoRequests.countDown();
                    }
                }
            } catch (java.io.IOException e) {
                // process ended
            }
        });
        reader.start();
        try {
            assertThat(listening.await(60, TimeUnit.SECONDS)).as("server started: %s", log).isTrue();
            Matcher m = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(String.join("\n", log));
            assertThat(m.find()).isTrue();
            URI base = URI.create("http://127.0.0.1:" + m.group(1) + "/tasks/review");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(base).timeout(Duration.ofSeconds(20))
                    .header("Execution-Context", token).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
            assertThat(JsonText.parseObject(ok.body()).get("claims")).asString().contains(jti).contains("review_spec");

            String[] parts = token.split("\\.");
            String forged = EctForgery.withClaims(token, c -> c.put("exec_act", "approve_all"));
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(base).timeout(Duration.ofSeconds(20))
                    .header("Execution-Context", forged).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(403);
            assertThat(bad.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            assertThat(JsonText.parseObject(bad.body())).containsEntry("ect_error", "invalid_signature");
            assertThat(bad.body()).doesNotContain(parts[2]);
            assertThat(twoRequests.await(20, TimeUnit.SECONDS)).as("request log lines: %s", log).isTrue();
        } finally {
            // SIGTERM; Process.destroy() would also close our end of stderr, losing the last log lines
            p.toHandle().destroy();
        }
        boolean exited = p.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        assertThat(exited).as("stopped on SIGTERM").isTrue();
        reader.join(10_000);
        assertThat(p.exitValue()).as("terminated by SIGTERM after a clean stop").isIn(0, 143);

        List<String> requests = log.stream().filter(l -> l.contains("outcome=")).toList();
        assertThat(requests).as("one line per request").hasSize(2);
        assertThat(requests.get(0)).contains("GET /tasks/review", "outcome=accepted", "jti=" + jti, "iss=" + A);
        assertThat(requests.get(1)).contains("outcome=rejected", "reason=invalid_signature", "status=403", "jti=" + jti);
        assertThat(String.join("\n", log)).as("exit %d", p.exitValue()).contains("stopping").contains("stopped");
        String all = String.join("\n", log);
        assertThat(all).doesNotContain(token).doesNotContain(parts(token)[2]).doesNotContain(parts(token)[1]);
    }

    private static String[] parts(String token) { return token.split("\\."); }
}

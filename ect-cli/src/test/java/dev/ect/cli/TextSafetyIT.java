package dev.ect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.testing.EctForgery;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T-11 through the real {@code ect.jar}: what an unverified token carries never reaches
 * {@code ect serve}'s log or {@code ect inspect}'s terminal output raw. The child JVM writes
 * stdout and stderr as UTF-8, so a raw character would arrive as itself, not as {@code ?}.
 */
class TextSafetyIT {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    /** NEL, CSI, LS, PS, ESC (a colour and a screen clear), BEL, CR LF (a forged log line), a bidi override. */
    static final String EVIL = "\u0085NEL\u009b31m\u2028LS\u2029PS\u001b[2J\u0007\r\n[main] INFO forged\u202e";
    static final char[] RAW = {'\u0085', '\u009b', '\u2028', '\u2029', '\u001b', '\u0007', '\r', '\u202e'};

    @TempDir
    Path dir;

    /** A JWS with {@link #EVIL} in iss, jti and exec_act, and a garbage signature. */
    static String evilToken() {
        String header = "{\"alg\":\"ES256\",\"typ\":\"exec+jwt\",\"kid\":\"a-1\"}";
        long now = System.currentTimeMillis() / 1000;
        String claims = "{\"iss\":\"" + A + json(EVIL) + "\",\"aud\":\"" + B + "\",\"iat\":" + now + ",\"exp\":" + (now + 600)
                + ",\"jti\":\"j" + json(EVIL) + "\",\"exec_act\":\"act" + json(EVIL) + "\",\"pred\":[]}";
        return EctForgery.compact(header, claims, new byte[64]); // a signature of the right size that verifies nothing
    }

    /** JSON string content with only what JSON requires escaped: the other characters travel raw. */
    private static String json(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    private static List<String> utf8Command(String... args) {
        List<String> cmd = new ArrayList<>(JarProcess.command(args));
        cmd.addAll(1, List.of("-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8", "-Dsun.stderr.encoding=UTF-8",
                "-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8"));
        return cmd;
    }

    private CliRun run(String... args) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(utf8Command(args)).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ect " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new CliRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void assertNoRaw(String text) {
        for (char c : RAW) {
            assertThat(text.indexOf(c)).as("raw U+%04X in:%n%s", (int) c, text).isEqualTo(-1);
        }
    }

    @Test
    @DisplayName("T-11 ect inspect --claim prints no ESC, BEL, C1 or U+2028 from the token unless --raw")
    void t11InspectClaimIsEscaped() throws Exception {
        String token = evilToken();
        CliRun claim = run("inspect", "--claim", "exec_act", token);
        assertThat(claim.code()).as(claim.toString()).isZero();
        assertNoRaw(claim.out());
        assertThat(claim.out().strip()).isEqualTo("act\\u0085NEL\\u009b31m\\u2028LS\\u2029PS\\u001b[2J\\u0007\\u000d\\u000a"
                + "[main] INFO forged\\u202e");
        // the full JSON output escapes the same characters (still valid JSON)
        CliRun all = run("inspect", "--compact", token);
        assertThat(all.code()).as(all.toString()).isZero();
        assertNoRaw(all.out());
        assertThat(all.claims()).containsEntry("exec_act", "act" + EVIL);
        // --raw asks for the bytes as they are: the check above can fail
        CliRun raw = run("inspect", "--claim", "exec_act", "--raw", token);
        assertThat(raw.code()).as(raw.toString()).isZero();
        assertThat(raw.out()).contains("\u001b[2J\u0007", "\u2028", "\u009b");
    }

    @Test
    @DisplayName("T-11 ect serve logs the claims of an unverified token and the path escaped")
    void t11ServeLogIsEscaped() throws Exception {
        assertThat(JarProcess.run(dir, "keygen", "--kid", "a-1", "--private", "k.jwk", "--public", "a.jwks").code()).isZero();
        Process p = new ProcessBuilder(utf8Command("serve", "--port", "0", "--id", B, "--trust", A + "=a.jwks"))
                .directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        StringBuilder log = new StringBuilder();
        List<String> lines = new CopyOnWriteArrayList<>();
        CountDownLatch listening = new CountDownLatch(1);
        CountDownLatch twoRequests = new CountDownLatch(2);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                // read by character: the log's own line ends, and any raw one, stay visible
                for (int c; (c = r.read()) >= 0; ) {
                    synchronized (log) {
                        log.append((char) c);
                        if (c == '\n') {
                            String line = log.substring(log.lastIndexOf("\n", log.length() - 2) + 1);
                            lines.add(line);
                            if (line.contains("listening on")) {
                                listening.countDown();
                            }
                            if (line.contains("outcome=")) {
                                twoRequests.countDown();
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // process ended
            }
        });
        reader.start();
        try {
            assertThat(listening.await(60, TimeUnit.SECONDS)).as("server started: %s", lines).isTrue();
            Matcher m = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(String.join("", lines));
            assertThat(m.find()).isTrue();
            String base = "http://127.0.0.1:" + m.group(1);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "/tasks/review")).timeout(Duration.ofSeconds(20))
                    .header("Execution-Context", evilToken()).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(403);
            // U+0085, U+2028, U+202E in the decoded path
            HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(base + "/x%C2%85y%E2%80%A8z%E2%80%AEw"))
                    .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isIn(200, 403);
            assertThat(twoRequests.await(20, TimeUnit.SECONDS)).as("request log lines: %s", lines).isTrue();
        } finally {
            p.toHandle().destroy(); // SIGTERM
        }
        boolean exited = p.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        reader.join(10_000);
        String all;
        synchronized (log) {
            all = log.toString();
        }
        assertNoRaw(all);
        // the capture works: the rejection is there, escaped
        assertThat(all).contains("reason=unknown_key", "\\u2028LS", "x\\u0085y\\u2028z");
        assertThat(all).doesNotContain("\n[main] INFO forged");
    }
}

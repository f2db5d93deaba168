package dev.ect.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ect serve} in-process: the server it builds, its answers and its response ECTs. */
class ServeCommandTest {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";

    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void keys() {
        assertThat(CliRun.run("keygen", "--kid", "a-1", "--private", dir.resolve("a.jwk").toString(), "--public",
                dir.resolve("a.jwks").toString()).code()).isZero();
        assertThat(CliRun.run("keygen", "--kid", "b-1", "--private", dir.resolve("b.jwk").toString(), "--public",
                dir.resolve("b.jwks").toString()).code()).isZero();
    }

    ServeCommand parse(String... args) {
        CommandLine cl = new CommandLine(new EctCli(new ByteArrayInputStream(new byte[0]), Map.of()));
        CommandLine.ParseResult pr = cl.parseArgs(args);
        return (ServeCommand) pr.subcommand().commandSpec().userObject();
    }

    String mint(String... extra) {
        String[] base = {"mint", "--key", dir.resolve("a.jwk").toString(), "--iss", A, "--aud", B, "--exec-act", "ping"};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra)).toArray(String[]::new);
        return CliRun.run(args).out().strip();
    }

    HttpResponse<String> get(int port, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/any/path")).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Execution-Context", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void acceptsValidTokensAndAnswersRejectionsAsProblemJson() throws Exception { // T-04, T-05, T-07
        ServeCommand.Running r = parse("serve", "--port", "0", "--id", B, "--trust", A + "=" + dir.resolve("a.jwks")).start();
        try {
            String token = mint();
            HttpResponse<String> ok = get(r.port(), token);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(JsonText.parseObject(ok.body())).containsEntry("level", "L2");
            assertThat(ok.headers().firstValue("Execution-Context")).isEmpty();

            HttpResponse<String> again = get(r.port(), token);
            assertThat(again.statusCode()).isEqualTo(403);
            assertThat(JsonText.parseObject(again.body())).containsEntry("ect_error", "replay");

            HttpResponse<String> none = get(r.port(), null);
            assertThat(none.statusCode()).isEqualTo(403);
            assertThat(JsonText.parseObject(none.body())).containsEntry("ect_error", "missing_ect");
        } finally {
            r.stop();
        }
        assertThat(r.server.isStopped()).isTrue();
        r.stop(); // idempotent
    }

    @Test
    void signsResponseEctsWithResponseKey() throws Exception { // T-08
        ServeCommand.Running r = parse("serve", "--port", "0", "--id", B, "--trust", A + "=" + dir.resolve("a.jwks"),
                "--response-key", dir.resolve("b.jwk").toString()).start();
        try {
            String token = mint();
            String jti = CliRun.run("inspect", "--claim", "jti", token).out().strip();
            HttpResponse<String> ok = get(r.port(), token);
            assertThat(ok.statusCode()).isEqualTo(200);
            String response = ok.headers().firstValue("Execution-Context").orElseThrow();
            CliRun v = CliRun.run("verify", "--trust", B + "=" + dir.resolve("b.jwks"), "--aud", A, "--allow-unresolved", response);
            assertThat(v.code()).as(v.toString()).isZero();
            assertThat(v.claims()).containsEntry("iss", B).containsEntry("pred", java.util.List.of(jti));
        } finally {
            r.stop();
        }
    }

    @Test
    void badPortAndBadResponseKeyAreUsageErrors() {
        CliRun port = CliRun.run("serve", "--port", "70000", "--id", B, "--trust", A + "=" + dir.resolve("a.jwks"));
        assertThat(port.code()).isEqualTo(2);
        assertThat(port.err()).contains("--port");
        assertThatThrownBy(() -> parse("serve", "--port", "0", "--id", B, "--trust", A + "=" + dir.resolve("a.jwks"),
                "--response-key", dir.resolve("a.jwks").toString()).start())
                .isInstanceOf(CliException.class).hasMessageContaining("--response-key");
    }
}

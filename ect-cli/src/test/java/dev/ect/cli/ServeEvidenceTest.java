package dev.ect.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.CryptoProvider;
import dev.ect.core.tlog.Checkpoint;
import dev.ect.core.tlog.CheckpointVerifier;
import dev.ect.core.tlog.ConsistencyProof;
import dev.ect.core.tlog.InclusionProof;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ect serve --ledger-key --origin} in-process: the evidence endpoints, their errors, {@code --crypto}. */
class ServeEvidenceTest {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    static final String ORIGIN = "ledger.example.com/b";

    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void keys() {
        assertThat(CliRun.run("keygen", "--kid", "a-1", "--private", p("a.jwk"), "--public", p("a.jwks")).code()).isZero();
        assertThat(CliRun.run("keygen", "--alg", "EdDSA", "--kid", "l-1", "--origin", ORIGIN, "--private", p("ledger.jwk"),
                "--public", p("ledger.jwks")).code()).isZero();
    }

    String p(String name) { return dir.resolve(name).toString(); }

    ServeCommand parse(String... args) {
        CommandLine cl = new CommandLine(new EctCli(new ByteArrayInputStream(new byte[0]), Map.of()));
        return (ServeCommand) cl.parseArgs(args).subcommand().commandSpec().userObject();
    }

    ServeCommand.Running start(String... extra) throws Exception {
        String[] base = {"serve", "--port", "0", "--id", B, "--trust", A + "=" + p("a.jwks"), "--ledger", p("ledger.jsonl"),
            "--ledger-key", p("ledger.jwk"), "--origin", ORIGIN};
        return parse(java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new)).start();
    }

    HttpResponse<String> get(ServeCommand.Running r, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.port() + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Execution-Context", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    void accept(ServeCommand.Running r) throws Exception {
        String token = CliRun.run("mint", "--key", p("a.jwk"), "--iss", A, "--aud", B, "--exec-act", "ping").out().strip();
        assertThat(get(r, "/work", token).statusCode()).isEqualTo(200);
    }

    static void problem(HttpResponse<String> res, int status, String code) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(JsonText.parseObject(res.body())).containsEntry("ect_error", code);
    }

    @Test
    @DisplayName("L-07 L-08 checkpoint and proofs of the served ledger, pinned by tree_size; errors 400/404/405")
    void endpoints() throws Exception {
        ServeCommand.Running r = start();
        try {
            for (int i = 0; i < 3; i++) {
                accept(r);
            }
            CheckpointVerifier v = CheckpointVerifier.fromJwks(ORIGIN, Files.readString(dir.resolve("ledger.jwks")));
            String note = get(r, "/.well-known/ect/checkpoint", null).body();
            Checkpoint cp3 = v.verify(note);
            assertThat(cp3.size()).isEqualTo(3);
            assertThat(get(r, "/.well-known/ect/checkpoint", null).body()).isEqualTo(note); // not re-signed
            accept(r);
            Checkpoint cp4 = v.verify(get(r, "/.well-known/ect/checkpoint", null).body());
            assertThat(InclusionProof.parse(get(r, "/.well-known/ect/proof/inclusion?seq=3&tree_size=3", null).body()).verify(cp3)).isTrue();
            assertThat(InclusionProof.parse(get(r, "/.well-known/ect/proof/inclusion?seq=4", null).body()).verify(cp4)).isTrue();
            assertThat(ConsistencyProof.parse(get(r, "/.well-known/ect/proof/consistency?old_size=3", null).body()).verify(cp3, cp4)).isTrue();
            problem(get(r, "/.well-known/ect/proof/inclusion?seq=4&tree_size=3", null), 404, "entry_not_found");
            problem(get(r, "/.well-known/ect/proof/inclusion?seq=1&tree_size=5", null), 400, "invalid_proof_request");
            problem(get(r, "/.well-known/ect/proof/inclusion?seq=99", null), 404, "entry_not_found");
            problem(get(r, "/.well-known/ect/proof/consistency", null), 400, "invalid_proof_request");
            problem(get(r, "/.well-known/ect/", null), 404, "invalid_proof_request");
            problem(get(r, "/work", null), 403, "missing_ect");
            HttpResponse<String> del = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.port()
                    + "/.well-known/ect/checkpoint")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            problem(del, 405, "invalid_proof_request");
            assertThat(del.headers().firstValue("Allow")).hasValue("GET, HEAD");
        } finally {
            r.stop();
        }
    }

    @Test
    @DisplayName("L-08 a tree file damaged under the running server: 503 ledger_unavailable, never 500")
    void damagedTreeFileIs503() throws Exception {
        ServeCommand.Running r = start();
        try {
            accept(r);
            accept(r);
            assertThat(get(r, "/.well-known/ect/proof/inclusion?seq=1", null).statusCode()).isEqualTo(200);
            try (FileChannel ch = FileChannel.open(dir.resolve("ledger.jsonl.tree"), StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            problem(get(r, "/.well-known/ect/proof/inclusion?seq=1", null), 503, "ledger_unavailable");
        } finally {
            r.stop();
        }
    }

    @Test
    @DisplayName("option errors: --ledger-key without --origin or a ledger, --ledger-tree alone, a non-Ed25519 key; --crypto values")
    void optionErrors() {
        String trust = A + "=" + p("a.jwks");
        assertThatThrownBy(() -> parse("serve", "--port", "0", "--id", B, "--trust", trust, "--ledger", p("x.jsonl"),
                "--ledger-key", p("ledger.jwk")).start()).isInstanceOf(CliException.class).hasMessageContaining("go together");
        assertThatThrownBy(() -> parse("serve", "--port", "0", "--id", B, "--trust", trust, "--ledger-key", p("ledger.jwk"),
                "--origin", ORIGIN).start()).isInstanceOf(CliException.class).hasMessageContaining("needs --ledger");
        assertThatThrownBy(() -> parse("serve", "--port", "0", "--id", B, "--trust", trust, "--ledger-tree", p("t")).start())
                .isInstanceOf(CliException.class).hasMessageContaining("--ledger-tree is for");
        assertThatThrownBy(() -> parse("serve", "--port", "0", "--id", B, "--trust", trust, "--ledger", p("y.jsonl"),
                "--ledger-key", p("a.jwk"), "--origin", ORIGIN).start()).isInstanceOf(CliException.class).hasMessageContaining("Ed25519");
        assertThat(ServeCommand.cryptoProvider("jdk").isJdk()).isTrue();
        assertThat(ServeCommand.cryptoProvider("AUTO")).isEqualTo(CryptoProvider.auto());
        assertThat(ServeCommand.describe(CryptoProvider.jdk(), "jdk")).contains("as asked");
        assertThat(ServeCommand.describe(CryptoProvider.jdk(), "auto")).contains("ACCP did not load");
        CryptoProvider.accp().ifPresent(a -> {
            assertThat(ServeCommand.cryptoProvider("accp")).isEqualTo(a);
            assertThat(ServeCommand.describe(a, "auto")).startsWith("AmazonCorrettoCryptoProvider");
        });
        assertThatThrownBy(() -> ServeCommand.cryptoProvider("fast")).isInstanceOf(CliException.class)
                .hasMessageContaining("auto, jdk or accp");
    }
}

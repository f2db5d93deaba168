package dev.ect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.testing.EctForgery;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code ect.jar} as a user runs it: keygen, mint, verify, inspect, usage errors. */
class EctJarIT {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";

    @TempDir
    Path dir;

    @BeforeEach
    void keygen() {
        CliRun k = JarProcess.run(dir, "keygen", "--kid", "a-1", "--private", "a.jwk", "--public", "a.jwks");
        assertThat(k.code()).as(k.toString()).isZero();
        assertThat(dir.resolve("a.jwk")).isRegularFile();
        assertThat(dir.resolve("a.jwks")).isRegularFile();
    }

    String mint() {
        CliRun m = JarProcess.run(dir, "mint", "--key", "a.jwk", "--iss", A, "--aud", B, "--exec-act", "review_spec");
        assertThat(m.code()).as(m.toString()).isZero();
        assertThat(m.err()).as("mint is quiet").isEmpty();
        String token = m.out().strip();
        assertThat(token.split("\\.")).hasSize(3);
        return token;
    }

    @Test
    void keygenMintVerifyAccepted() {
        String token = mint();
        CliRun v = JarProcess.run(dir, "verify", "--trust", A + "=a.jwks", "--aud", B, token);
        assertThat(v.code()).as(v.toString()).isZero();
        assertThat(v.err()).as("verify is quiet").isEmpty();
        assertThat(v.out().strip()).doesNotContain("\n");
        Map<String, Object> json = v.json();
        assertThat(json).containsEntry("level", "L2");
        assertThat(v.claims()).containsEntry("iss", A).containsEntry("exec_act", "review_spec");
        // stdin form
        CliRun stdin = JarProcess.run(dir, Map.of(), token + "\n", "verify", "--trust", A + "=a.jwks", "--aud", B, "-");
        assertThat(stdin.code()).as(stdin.toString()).isZero();
    }

    @Test
    void tamperedTokenExitsOneWithInvalidSignature() { // V-08
        String token = mint();
        String forged = EctForgery.withClaims(token, c -> c.put("aud", "spiffe://example.com/agent/x"));
        CliRun v = JarProcess.run(dir, "verify", "--trust", A + "=a.jwks", "--aud", "spiffe://example.com/agent/x", forged);
        assertThat(v.code()).as(v.toString()).isEqualTo(1);
        assertThat(v.json()).containsEntry("ect_error", "invalid_signature");
        assertThat(v.err()).isEmpty();
    }

    @Test
    void inspectShowsHeaderAndClaimsMarkedUnverified() {
        String token = mint();
        CliRun i = JarProcess.run(dir, "inspect", token);
        assertThat(i.code()).as(i.toString()).isZero();
        assertThat(i.json()).containsEntry("verified", false);
        assertThat(i.json().get("header")).asString().contains("exec+jwt");
        assertThat(i.claims()).containsEntry("exec_act", "review_spec");
        CliRun jti = JarProcess.run(dir, "inspect", "--claim", "jti", token);
        assertThat(jti.out().strip()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    }

    @Test
    void usageErrorExitsTwoWithMessageOnStderr() {
        CliRun missing = JarProcess.run(dir, "mint", "--key", "a.jwk", "--iss", A);
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).contains("Missing required options").contains("--aud").contains("--exec-act");
        CliRun io = JarProcess.run(dir, "verify", "--trust", A + "=nope.jwks", "--aud", B, "x.y.z");
        assertThat(io.code()).isEqualTo(2);
        assertThat(io.err()).contains("nope.jwks does not exist");
        CliRun help = JarProcess.run(dir, "verify", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("TOKEN|-").contains("--allow-unresolved");
    }

    /** Two tasks of one workflow accepted into a ledger file through the jar: root, then its child. */
    Path ledgerOfTwo() {
        String wid = "a0b1c2d3-e4f5-6789-abcd-ef0123456789";
        CliRun root = JarProcess.run(dir, "mint", "--key", "a.jwk", "--iss", A, "--aud", B, "--exec-act", "fetch_data", "--wid", wid);
        CliRun v1 = JarProcess.run(dir, "verify", "--trust", A + "=a.jwks", "--aud", B, "--ledger", "ledger.jsonl", root.out().strip());
        assertThat(v1.code()).as(v1.toString()).isZero();
        assertThat(v1.json()).containsEntry("level", "L3");
        String rootJti = (String) v1.claims().get("jti");
        CliRun child = JarProcess.run(dir, "mint", "--key", "a.jwk", "--iss", A, "--aud", B, "--exec-act", "summarize",
                "--wid", wid, "--pred", rootJti);
        CliRun noLedger = JarProcess.run(dir, "verify", "--trust", A + "=a.jwks", "--aud", B, child.out().strip());
        assertThat(noLedger.code()).isEqualTo(1);
        assertThat(noLedger.json()).containsEntry("ect_error", "dag_unknown_predecessor");
        CliRun v2 = JarProcess.run(dir, "verify", "--trust", A + "=a.jwks", "--aud", B, "--ledger", "ledger.jsonl", child.out().strip());
        assertThat(v2.code()).as(v2.toString()).isZero();
        return dir.resolve("ledger.jsonl");
    }

    @Test
    void ledgerVerifyOnGoodAndCorruptedFiles() throws Exception { // L-04
        Path ledger = ledgerOfTwo();
        CliRun ok = JarProcess.run(dir, "ledger", "verify", "ledger.jsonl");
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("2 entries, hash chain intact");
        java.util.List<String> lines = java.nio.file.Files.readAllLines(ledger);
        lines.set(1, lines.get(1).replace("summarize", "summarise"));
        java.nio.file.Files.write(ledger, lines);
        CliRun bad = JarProcess.run(dir, "ledger", "verify", "ledger.jsonl");
        assertThat(bad.code()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.out()).contains("BROKEN at entry 2 (line 2)");
    }

    @Test
    void dagAsTextMermaidAndDot() {
        ledgerOfTwo();
        CliRun text = JarProcess.run(dir, "dag", "--ledger", "ledger.jsonl", "--format", "text");
        assertThat(text.code()).as(text.toString()).isZero();
        assertThat(text.out()).contains("2 tasks, 1 edge").contains("1. fetch_data by " + A).contains("2. summarize by " + A)
                .contains("after 1");
        CliRun mermaid = JarProcess.run(dir, "dag", "--ledger", "ledger.jsonl", "--format", "mermaid");
        assertThat(mermaid.out()).startsWith("flowchart TD").contains("t1 --> t2");
        CliRun dot = JarProcess.run(dir, "dag", "--ledger", "ledger.jsonl", "--format", "dot");
        assertThat(dot.out()).startsWith("digraph workflow {").contains("t1 -> t2;");
    }

    @Test
    void storePluginsAreInsideTheJar() { // P-04 through ECT_REDIS_URL (ServiceLoader files merged by the shade plugin)
        Map<String, String> env = Map.of("ECT_REDIS_URL", "redis://127.0.0.1:6379?keyPrefix=ect-cli-it:" + java.util.UUID.randomUUID() + ":");
        String token = mint();
        CliRun first = JarProcess.run(dir, env, "", "verify", "--trust", A + "=a.jwks", "--aud", B, token);
        assertThat(first.code()).as(first.toString()).isZero();
        CliRun second = JarProcess.run(dir, env, "", "verify", "--trust", A + "=a.jwks", "--aud", B, token);
        assertThat(second.code()).as(second.toString()).isEqualTo(1);
        assertThat(second.json()).containsEntry("ect_error", "replay");
        CliRun jdbc = JarProcess.run(dir, Map.of("ECT_JDBC_URL", "jdbc:nosuchdb://x"), "", "verify", "--trust", A + "=a.jwks", "--aud", B, token);
        assertThat(jdbc.code()).isEqualTo(2);
        assertThat(jdbc.err()).contains("ECT_JDBC_URL");
    }
}

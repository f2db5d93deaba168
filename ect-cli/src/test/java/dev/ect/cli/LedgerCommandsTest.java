package dev.ect.cli;

import static dev.ect.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify --ledger, ledger verify and dag, in-process. */
class LedgerCommandsTest {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    static final String WID = "a0b1c2d3-e4f5-6789-abcd-ef0123456789";

    @TempDir
    Path dir;
    Path ledger;

    @BeforeEach
    void keys() {
        ledger = dir.resolve("ledger.jsonl");
        assertThat(run("keygen", "--kid", "a-1", "--private", p("a.jwk"), "--public", p("a.jwks")).code()).isZero();
    }

    String p(String name) { return dir.resolve(name).toString(); }

    String mint(String wid, String act, String... pred) {
        List<String> args = new java.util.ArrayList<>(List.of("mint", "--key", p("a.jwk"), "--iss", A, "--aud", B, "--exec-act", act));
        if (wid != null) {
            args.addAll(List.of("--wid", wid));
        }
        for (String x : pred) {
            args.addAll(List.of("--pred", x));
        }
        CliRun r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.toString()).isZero();
        return r.out().strip();
    }

    CliRun verify(String token) {
        return run("verify", "--trust", A + "=" + p("a.jwks"), "--aud", B, "--ledger", ledger.toString(), token);
    }

    String jti(String token) { return run("inspect", "--claim", "jti", token).out().strip(); }

    /** A diamond root → (left, right) → join, accepted one by one into the ledger. */
    List<String> diamond() {
        String root = mint(WID, "plan");
        String left = mint(WID, "research", jti(root));
        String right = mint(WID, "review", jti(root));
        String join = mint(WID, "write", jti(left), jti(right));
        for (String t : List.of(root, left, right, join)) {
            CliRun v = verify(t);
            assertThat(v.code()).as(v.toString()).isZero();
            assertThat(v.json()).containsEntry("level", "L3"); // V-15
        }
        return List.of(root, left, right, join);
    }

    @Test
    void verifyWithLedgerResolvesPredecessorsAndAppends() { // G-02, V-15, L-05
        List<String> tokens = diamond();
        CliRun text = run("dag", "--ledger", ledger.toString());
        assertThat(text.code()).as(text.toString()).isZero();
        assertThat(text.out()).contains("4 tasks, 4 edges").contains("write by " + A).contains("after 2, 3");
        // an unknown predecessor is still refused with the ledger (G-02)
        CliRun orphan = verify(mint(WID, "orphan", UUID.randomUUID().toString()));
        assertThat(orphan.code()).isEqualTo(1);
        assertThat(orphan.json()).containsEntry("ect_error", "dag_unknown_predecessor");
        // the same token again: the ledger already holds it (G-01 refinement)
        CliRun replay = verify(tokens.get(0));
        assertThat(replay.json()).containsEntry("ect_error", "replay");
        // another workflow naming a task of this one (G-03)
        CliRun other = verify(mint(UUID.randomUUID().toString(), "steal", jti(tokens.get(0))));
        assertThat(other.json()).containsEntry("ect_error", "dag_workflow_mismatch");
        assertThat(run("ledger", "verify", ledger.toString()).out()).contains("4 entries, hash chain intact");
    }

    @Test
    void minLevelL3IsReachedWithALedger() {
        CliRun v = run("verify", "--trust", A + "=" + p("a.jwks"), "--aud", B, "--ledger", ledger.toString(),
                "--min-level", "L3", mint(null, "x"));
        assertThat(v.code()).as(v.toString()).isZero();
        assertThat(v.json()).containsEntry("level", "L3");
    }

    @Test
    void ledgerVerifyNamesTheFirstBrokenEntry() throws Exception { // L-04
        diamond();
        CliRun ok = run("ledger", "verify", ledger.toString());
        assertThat(ok.code()).isZero();
        CliRun okJson = run("ledger", "verify", "--json", ledger.toString());
        assertThat(okJson.json()).containsEntry("ok", true).containsEntry("entries_intact", 4L);
        List<String> lines = Files.readAllLines(ledger, StandardCharsets.UTF_8);
        lines.set(2, lines.get(2).replace("\"exec_act\":\"review\"", "\"exec_act\":\"revieW\""));
        Files.write(ledger, lines, StandardCharsets.UTF_8);
        CliRun bad = run("ledger", "verify", ledger.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("BROKEN at entry 3 (line 3)").contains("2 entries before it are intact");
        CliRun badJson = run("ledger", "verify", "--json", ledger.toString());
        assertThat(badJson.code()).isEqualTo(1);
        assertThat(badJson.json()).containsEntry("ok", false).containsEntry("broken_seq", 3L).containsEntry("broken_line", 3L);
        // a broken ledger is refused by every command that opens it, naming the line
        CliRun dag = run("dag", "--ledger", ledger.toString());
        assertThat(dag.code()).isEqualTo(2);
        assertThat(dag.err()).contains("broken at line 3").contains("ect ledger verify");
        CliRun v = verify(mint(null, "x"));
        assertThat(v.code()).isEqualTo(2);
    }

    @Test
    @DisplayName("T-11 ledger verify quotes a tampered entry without its terminal control characters")
    void t11LedgerVerifyEscapesWhatItQuotesFromTheFile() throws Exception {
        diamond();
        List<String> lines = Files.readAllLines(ledger, StandardCharsets.UTF_8);
        lines.set(1, lines.get(1).replaceFirst("\"hash\":\"[0-9a-f]+\"", "\"hash\":\"\\\\u001b[2J\\\\u0007\\\\u009b\""));
        Files.write(ledger, lines, StandardCharsets.UTF_8);
        CliRun bad = run("ledger", "verify", ledger.toString());
        assertThat(bad.code()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.out()).contains("BROKEN at entry 2").doesNotContain("\u001b").doesNotContain("\u0007")
                .doesNotContain("\u009b");
    }

    @Test
    void ledgerVerifyOfMissingFileIsAnIoError() {
        CliRun r = run("ledger", "verify", p("nope.jsonl"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("does not exist");
        assertThat(run("ledger").code()).isEqualTo(2);
        assertThat(run("dag", "--ledger", p("nope.jsonl")).err()).contains("does not exist");
    }

    @Test
    void dagRendersMermaidAndDotAndChoosesWorkflows() throws Exception {
        diamond();
        CliRun mermaid = run("dag", "--ledger", ledger.toString(), "--format", "mermaid");
        assertThat(mermaid.out()).startsWith("flowchart TD").contains("t1 --> t2").contains("t3 --> t4");
        CliRun dot = run("dag", "--ledger", ledger.toString(), "--format", "dot", "--wid", WID);
        assertThat(dot.out()).startsWith("digraph workflow {").contains("t2 -> t4;").contains("t3 -> t4;");
        // a second workflow: text lists both, mermaid/dot need --wid
        String other = UUID.randomUUID().toString();
        assertThat(verify(mint(other, "solo")).code()).isZero();
        assertThat(run("dag", "--ledger", ledger.toString()).out()).contains("workflow " + WID).contains("workflow " + other);
        CliRun ambiguous = run("dag", "--ledger", ledger.toString(), "--format", "dot");
        assertThat(ambiguous.code()).isEqualTo(2);
        assertThat(ambiguous.err()).contains("--wid").contains(WID).contains(other);
        assertThat(run("dag", "--ledger", ledger.toString(), "--wid", UUID.randomUUID().toString()).code()).isEqualTo(2);
        CliRun format = run("dag", "--ledger", ledger.toString(), "--format", "svg");
        assertThat(format.code()).isEqualTo(2);
        assertThat(format.err()).contains("--format");
        Files.writeString(dir.resolve("empty.jsonl"), "");
        assertThat(run("dag", "--ledger", p("empty.jsonl")).err()).contains("is empty");
    }
}

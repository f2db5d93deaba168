package dev.ect.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the whole demo once (four agents over real HTTP) and checks what it claims. */
class WorkflowDemoTest {
    @TempDir
    static Path dir;
    static DemoResult result;
    static String printed;

    @BeforeAll
    static void runDemo() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        result = WorkflowDemo.run(dir, new PrintStream(buf, true, StandardCharsets.UTF_8));
        printed = buf.toString(StandardCharsets.UTF_8);
    }

    DemoResult.Hop hop(String agent, String act) {
        return result.hops().stream().filter(h -> h.agent().equals(agent) && h.execAct().equals(act)).findFirst()
                .orElseThrow(() -> new AssertionError("no hop " + agent + " " + act + " in " + result.hops()));
    }

    @Test
    void everyExpectedOutcomeHappened() {
        assertThat(result.failures()).as(printed).isEmpty();
        assertThat(result.ok()).isTrue();
        assertThat(printed).contains("OK: diamond DAG");
        assertThat(result.report()).startsWith("REPORT").contains("notes:").contains("review:");
    }

    @Test
    void theWorkflowIsADiamondInOneWorkflow() { // M-04, M-05, F-01..F-03 end to end
        assertThat(result.hops()).hasSize(8);
        assertThat(result.hops().stream().map(DemoResult.Hop::wid).distinct()).hasSize(1);
        DemoResult.Hop request = hop("alice", "request_report");
        DemoResult.Hop research = hop("planner", "ask_research");
        DemoResult.Hop review = hop("planner", "ask_review");
        DemoResult.Hop notes = hop("researcher", "research_topic");
        DemoResult.Hop critique = hop("reviewer", "review_sources");
        DemoResult.Hop write = hop("planner", "ask_write");
        DemoResult.Hop report = hop("writer", "write_report");
        DemoResult.Hop answer = hop("planner", "plan_report");
        assertThat(request.pred()).isEmpty();
        // fan-out: both parallel calls depend on the same task
        assertThat(research.pred()).containsExactly(request.jti());
        assertThat(review.pred()).containsExactly(request.jti());
        assertThat(notes.pred()).containsExactly(research.jti());
        assertThat(critique.pred()).containsExactly(review.jti());
        // fan-in: the writer's task depends on both answers
        assertThat(Set.copyOf(write.pred())).isEqualTo(Set.of(notes.jti(), critique.jti()));
        assertThat(report.pred()).containsExactly(write.jti());
        // the planner's answer to alice descends from her request through its own calls (F-04)
        assertThat(answer.pred()).containsExactly(report.jti());
        assertThat(answer.audience()).isEqualTo("alice");
        assertThat(research.audience()).isEqualTo("researcher");
        assertThat(notes.audience()).isEqualTo("planner");
    }

    @Test
    void theLedgerChainIsValidAndTheFilesAreWritten() throws Exception { // L-02, L-04
        assertThat(result.chainValid()).isTrue();
        assertThat(result.files().ledger()).isRegularFile();
        assertThat(Files.readString(result.files().mermaid())).isNotBlank();
        assertThat(Files.readString(result.files().dot())).contains("digraph");
        assertThat(printed).contains(result.files().mermaid().toString()).contains(result.files().dot().toString());
    }

    @Test
    void theThreeAttacksAreRefusedWithTheirReasonCodes() { // V-14/G-01, V-08, V-07
        assertThat(result.defences()).isEqualTo(Map.of(
                "replayed token", "replay",
                "tampered token", "invalid_signature",
                "untrusted key", "unknown_key"));
        assertThat(result.ledgerGrewDuringDefences()).isFalse();
        for (String code : List.of("replay", "invalid_signature", "unknown_key")) {
            assertThat(printed).contains("403 " + code);
        }
    }

    @Test
    void theStoryNamesEveryHopWithShortJtis() {
        for (DemoResult.Hop h : result.hops()) {
            assertThat(printed).contains(WorkflowDemo.shortId(h.jti())).contains(h.execAct());
        }
        assertThat(printed).doesNotContain(result.hops().get(0).jti() + "."); // never a token
    }
}

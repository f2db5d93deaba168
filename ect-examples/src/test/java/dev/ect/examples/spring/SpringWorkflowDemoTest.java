package dev.ect.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.ledger.LedgerEntry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spring Boot example as CI runs it: two services, one ledger, the chain of six ECTs, the replay refused. */
class SpringWorkflowDemoTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("F-02, F-03, T-08, V-15, P-02: two Spring Boot services build one DAG in one ledger; a replay is refused")
    void twoSpringServicesOneDag() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SpringWorkflowDemo.Result r = SpringWorkflowDemo.run(dir, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertThat(r.failures()).as(printed).isEmpty();
        assertThat(r.ok()).isTrue();
        List<LedgerEntry> e = r.entries();
        assertThat(e).extracting(x -> x.ect().execAct())
                .containsExactly("request_plan", "ask_research", "research_topic", "ask_fact_check", "check_facts", "make_plan");
        assertThat(e.get(0).ect().pred()).isEmpty();
        for (int i = 1; i < e.size(); i++) {
            assertThat(e.get(i).ect().pred()).containsExactly(e.get(i - 1).ect().jti());
        }
        assertThat(r.chainValid()).isTrue();
        assertThat(r.replayError()).isEqualTo("replay");
        assertThat(r.mermaid()).startsWith("flowchart").contains("t5 --> t6");
        assertThat(Files.readString(dir.resolve("workflow.mmd"))).isEqualTo(r.mermaid());
        assertThat(printed).contains("OK: two Spring Boot services, 6 ECTs in one DAG");
    }
}

package dev.ect.core.view;

import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.TestEcts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.SignedEct;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** T-11: what {@code ect dag} prints from a ledger it does not re-verify never carries terminal controls raw. */
class WorkflowDagEscapingTest {
    private static final String EVIL = "act\u0085\u009b31m\u2028\u001b[2J\u0007\u202e";
    private static final char[] RAW = {'\u0085', '\u009b', '\u2028', '\u001b', '\u0007', '\u202e'};

    private static void assertNoRaw(String out) {
        for (char c : RAW) {
            assertThat(out.indexOf(c)).as("raw U+%04X in:%n%s", (int) c, out).isEqualTo(-1);
        }
    }

    @Test
    @DisplayName("T-11 the text and DOT views escape control and format characters and keep emoji")
    void t11TextAndDotViewsAreEscaped() {
        InMemoryLedger ledger = new InMemoryLedger(TestEcts.CLOCK);
        String wid = TestEcts.uuid("escaping");
        SignedEct s = TestEcts.mint(wid, EVIL + " \ud83d\ude00", List.of());
        ledger.append(s);
        WorkflowDag dag = WorkflowDag.of(ledger, wid);
        String text = dag.toText();
        assertNoRaw(text);
        assertThat(text).contains("act\\u0085\\u009b31m\\u2028\\u001b[2J\\u0007\\u202e \ud83d\ude00");
        String dot = dag.toDot();
        assertNoRaw(dot);
        assertThat(dot).contains("\ud83d\ude00");
        assertNoRaw(dag.toMermaid());
    }
}

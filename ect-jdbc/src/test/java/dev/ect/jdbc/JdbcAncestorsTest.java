package dev.ect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.ledger.LedgerEntry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The one-query ancestor walk (L-03, G-05) on a long chain: ids matched in canonical lower case
 * whatever case the rows and the {@code pred} elements use, and bounded by a deadline. The chain is
 * written by SQL straight into the table (the link trigger checks it; the hashes are stand-ins,
 * this test is about the walk, not the chain check).
 */
class JdbcAncestorsTest {
    static final String SCHEMA = TestDb.uniqueSchema(JdbcAncestorsTest.class);
    static final int N = 3000;
    static JdbcLedger ledger;

    @BeforeAll
    static void chain() throws Exception {
        ledger = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).build();
        ledger.size(); // creates the table
        // Task-g (mixed case in the row), pred TASK-(g-1) (upper case): only a lower-case match links them
        try (Connection c = TestDb.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + ledger.table() + " (seq, jti, wid, iss, exec_act, pred, recorded_at, compact, prev_hash, hash)"
                    + " SELECT g, 'Task-' || g, 'WID-1', 'spiffe://example.com/a', 'step',"
                    + "   CASE WHEN g = 1 THEN '{}'::text[] ELSE ARRAY['TASK-' || (g - 1)] END, now(), 'x',"
                    + "   CASE WHEN g = 1 THEN repeat('0', 64) ELSE encode(sha256((g - 1)::text::bytea), 'hex') END,"
                    + "   encode(sha256(g::text::bytea), 'hex')"
                    + " FROM generate_series(1, " + N + ") g ORDER BY g");
        }
    }

    @AfterAll
    static void drop() {
        ledger.close();
        TestDb.dropSchema(SCHEMA);
    }

    @Test
    @DisplayName("G-05 L-03 the walk matches jti and pred in lower case: all ancestors of a 3000-entry chain, nearest first")
    void g05WalkMatchesIdsInLowerCase() {
        List<LedgerEntry> all = ledger.ancestors("task-" + N, 10_000);
        assertThat(all).hasSize(N - 1);
        assertThat(all.get(0).jti()).isEqualTo("Task-" + (N - 1));
        assertThat(all.get(N - 2).jti()).isEqualTo("Task-1");
        assertThat(ledger.ancestors("TASK-" + N, 3, Duration.ofSeconds(30))).extracting(LedgerEntry::jti)
                .containsExactly("Task-" + (N - 1), "Task-" + (N - 2), "Task-" + (N - 3));
    }

    @Test
    @DisplayName("G-05 a walk that outlasts its deadline is 503 ledger_unavailable, bounded, and the connection keeps its own timeout")
    void g05WalkIsBoundedByItsDeadline() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> ledger.ancestors("task-" + N, 10_000,
                Duration.ofMillis(1))).isInstanceOfSatisfying(EctUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
                    assertThat(e.httpStatus()).isEqualTo(503);
                }));
        // SET LOCAL ended with the walk's transaction: the next calls on the pool are not cut to 1 ms
        for (int i = 0; i < 10; i++) {
            assertThat(ledger.ancestors("task-" + N, 10_000)).hasSize(N - 1);
        }
        assertThatThrownBy(() -> ledger.ancestors("task-1", 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}

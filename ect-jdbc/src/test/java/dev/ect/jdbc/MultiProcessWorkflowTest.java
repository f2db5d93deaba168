package dev.ect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.ledger.LedgerEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three agents, each in its own JVM, sharing only the PostgreSQL ledger: C's DAG check resolves B's
 * predecessor (A's task) through the ledger that B's process appended to, and an unknown
 * predecessor is rejected (G-02, V-13, V-15, L-03).
 */
class MultiProcessWorkflowTest {
    static final String SCHEMA = TestDb.uniqueSchema(MultiProcessWorkflowTest.class);

    @TempDir
    Path dir;

    @AfterAll
    static void drop() { TestDb.dropSchema(SCHEMA); }

    @Test
    void agentCValidatesTheDagBackToAgentAThroughTheSharedLedger() throws Exception { // G-02, G-03, V-15, L-03
        for (String name : List.of("a", "b", "c")) {
            EctKeyPair k = EctKeys.generate(name + "-key");
            Files.writeString(dir.resolve(name + ".key.json"), k.privateJwk());
            Files.writeString(dir.resolve(name + ".jwks.json"), k.publicJwks());
        }
        String jtiA;
        try (JavaProcess a = JavaProcess.start(dir, AgentMain.class, "a", dir.toString())) {
            jtiA = a.await("minted ", 60);
            assertThat(a.waitFor(60)).isZero();
        }
        String jtiB;
        String jtiX;
        try (JavaProcess b = JavaProcess.start(dir, AgentMain.class, "b", dir.toString(), TestDb.URL, SCHEMA)) {
            assertThat(b.await("accepted ", 60)).isEqualTo(jtiA + " L3");
            jtiB = b.await("minted ", 60);
            jtiX = b.await("minted-orphan ", 60);
            assertThat(b.waitFor(60)).isZero();
        }
        try (JavaProcess c = JavaProcess.start(dir, AgentMain.class, "c", dir.toString(), TestDb.URL, SCHEMA)) {
            assertThat(c.await("accepted ", 60)).isEqualTo(jtiB + " L3");
            assertThat(c.await("ancestors ", 60)).isEqualTo(jtiA + ":" + Agents.A);
            assertThat(c.await("orphan-rejected ", 60)).isEqualTo("dag_unknown_predecessor 403");
            assertThat(c.await("chain ", 60)).isEqualTo("true 2");
            assertThat(c.waitFor(60)).isZero();
        }
        // what the processes left behind: A's task appended by B's process, B's by C's, not the orphan
        try (JdbcLedger ledger = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).build()) {
            List<LedgerEntry> all = ledger.entries(1, 10);
            assertThat(all).extracting(LedgerEntry::jti).containsExactly(jtiA, jtiB);
            assertThat(all.get(1).pred()).containsExactly(jtiA);
            assertThat(ledger.findByJti(jtiX)).isEmpty();
        }
    }
}

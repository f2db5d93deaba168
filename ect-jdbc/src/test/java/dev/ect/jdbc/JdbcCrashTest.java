package dev.ect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.LedgerEntry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a JVM in the middle of batched appends (group commit): no entry it
 * acknowledged is lost, the chain stays intact, and the ledger goes on (the dead JVM's chain-head
 * lock and open transaction die with its connections).
 */
class JdbcCrashTest {
    static final String SCHEMA = TestDb.uniqueSchema(JdbcCrashTest.class);

    @TempDir
    Path dir;

    @AfterAll
    static void drop() { TestDb.dropSchema(SCHEMA); }

    @Test
    @DisplayName("L-05 L-02 kill -9 during batched appends from 16 threads loses no acknowledged entry and leaves one valid chain")
    void l05KillDuringBatchedAppendsLosesNoAcknowledgedEntry() throws Exception {
        Map<String, Long> acked = new HashMap<>();
        try (JavaProcess child = JavaProcess.start(dir, BatchAppendMain.class, TestDb.URL, SCHEMA, "16")) {
            child.await("ready", 90);
            child.send("go");
            for (int n = 0; n < 400; n++) {
                child.await("acked ", 60); // appending at full speed: batches are in flight all the time
            }
            child.kill(30);
            for (String line : child.readToEnd(30)) {
                if (line.startsWith("acked ")) {
                    String[] f = line.split(" ");
                    assertThat(acked.put(f[1], Long.parseLong(f[2]))).as("acknowledged twice").isNull();
                }
            }
        }
        assertThat(acked).hasSizeGreaterThanOrEqualTo(400);
        try (JdbcLedger ledger = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).statementTimeout(Duration.ofSeconds(30)).build()) {
            Map<String, Long> stored = new HashMap<>();
            for (LedgerEntry e : ledger.entries(1, 1_000_000)) {
                stored.put(e.jti(), e.seq());
            }
            for (Map.Entry<String, Long> a : acked.entrySet()) {
                assertThat(stored.get(a.getKey())).as("acknowledged entry %s", a.getKey()).isEqualTo(a.getValue());
            }
            ChainVerification check = ledger.verifyChain();
            assertThat(check.ok()).as("%s", check).isTrue();
            assertThat(check.entriesChecked()).isEqualTo(stored.size());
            // the child really batched: fewer transactions than entries
            try (Connection c = TestDb.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(DISTINCT xmin::text), count(*) FROM " + ledger.table())) {
                rs.next();
                assertThat(rs.getLong(1)).isLessThan(rs.getLong(2));
            }
            // the chain goes on: the killed JVM holds no lock any more
            EctSigner signer = Agents.signer(Clock.systemUTC());
            SignedEct next = Agents.mint(signer, Agents.A, Agents.B, Agents.uuid(), List.of());
            assertThat(ledger.append(next).seq()).isEqualTo(stored.size() + 1L);
            assertThat(ledger.verifyChain().ok()).isTrue();
        }
    }
}

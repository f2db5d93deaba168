package dev.ect.jdbc;

import static dev.ect.jdbc.Agents.A;
import static dev.ect.jdbc.Agents.B;
import static dev.ect.jdbc.Agents.mint;
import static dev.ect.jdbc.Agents.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSigner;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.LedgerEntry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link JdbcLedger} against the machine's PostgreSQL (L-01..L-06). */
class JdbcLedgerTest {
    static final String SCHEMA = TestDb.uniqueSchema(JdbcLedgerTest.class);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00.123456789Z"), ZoneOffset.UTC);
    static JdbcLedger ledger;
    static EctSigner signer = Agents.signer(Clock.systemUTC());

    @BeforeAll
    static void open() { ledger = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).clock(CLOCK).build(); }

    @AfterAll
    static void drop() {
        ledger.close();
        TestDb.dropSchema(SCHEMA);
    }

    @Test
    void appendChainsEntriesAndLookupsFindThem() { // L-02, L-03, L-05
        String wid = uuid();
        SignedEct a = mint(signer, A, B, wid, List.of());
        SignedEct b = mint(signer, A, B, wid, List.of(a.ect().jti()));
        long before = ledger.size();
        LedgerEntry ea = ledger.append(a);
        LedgerEntry eb = ledger.append(b);
        assertThat(ea.seq()).isEqualTo(before + 1);
        assertThat(eb.seq()).isEqualTo(before + 2);
        assertThat(eb.prevHash()).isEqualTo(ea.hash());
        assertThat(ea.recordedAt()).as("milliseconds, as LedgerEntry keeps them").isEqualTo(Instant.parse("2026-03-01T12:00:00.123Z"));
        assertThat(ea.hashMatches()).isTrue();
        assertThat(ledger.findByJti(b.ect().jti())).containsExactly(b);
        assertThat(ledger.findEntries(a.ect().jti())).containsExactly(ea);
        assertThat(ledger.entriesOfWorkflow(wid)).containsExactly(ea, eb);
        assertThat(ledger.ancestors(b.ect().jti(), 10)).containsExactly(ea);
        assertThat(ledger.verifyChain().ok()).isTrue();
    }

    @Test
    void duplicateJtiPerWorkflowIsRefused() { // L-06
        String wid = uuid();
        SignedEct a = mint(signer, A, B, wid, List.of());
        ledger.append(a);
        assertThatThrownBy(() -> ledger.append(a))
                .isInstanceOfSatisfying(EctRejectedException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.DAG_DUPLICATE_JTI));
        // the same jti in another workflow is another task
        SignedEct other = signer.mint(a.ect().toBuilder().wid(uuid()).build());
        assertThat(ledger.append(other).jti()).isEqualTo(a.ect().jti());
        assertThat(ledger.findByJti(a.ect().jti())).hasSize(2);
    }

    @Test
    void absentWidIsOneGlobalNamespace() { // L-06
        SignedEct a = mint(signer, A, B, null, List.of());
        LedgerEntry e = ledger.append(a);
        assertThat(e.wid()).isNull();
        assertThat(ledger.entriesOfWorkflow(null)).contains(e);
        SignedEct again = signer.mint(a.ect().toBuilder().execAct("other").build());
        assertThatThrownBy(() -> ledger.append(again))
                .isInstanceOfSatisfying(EctRejectedException.class, x -> assertThat(x.reason()).isEqualTo(ReasonCode.DAG_DUPLICATE_JTI));
    }

    @Test
    void databaseRefusesUpdateDeleteAndTruncate() throws SQLException { // L-01
        SignedEct a = mint(signer, A, B, uuid(), List.of());
        ledger.append(a);
        try (Connection c = TestDb.connect(); Statement st = c.createStatement()) {
            for (String sql : List.of("UPDATE " + ledger.table() + " SET iss = 'x'",
                    "DELETE FROM " + ledger.table(), "TRUNCATE " + ledger.table())) {
                assertThatThrownBy(() -> st.execute(sql)).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + ledger.table() + " WHERE jti = '" + a.ect().jti() + "'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }
}

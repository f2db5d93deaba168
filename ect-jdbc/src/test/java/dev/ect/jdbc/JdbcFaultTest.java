package dev.ect.jdbc;

import dev.ect.testing.TcpProxy;
import static dev.ect.jdbc.Agents.A;
import static dev.ect.jdbc.Agents.B;
import static dev.ect.jdbc.Agents.mint;
import static dev.ect.jdbc.Agents.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSigner;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.VerificationEvent;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.ChainVerification;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The database unreachable, cut off and back, or too slow: 503 {@code ledger_unavailable}, nothing
 * accepted, and recovery without rebuilding the ledger or the verifier (V-15, T-06, L-05). The
 * real server is never stopped: a TCP proxy in front of it is.
 */
class JdbcFaultTest {
    static final String SCHEMA = TestDb.uniqueSchema(JdbcFaultTest.class);
    final EctKeyPair key = EctKeys.generate("a-key");
    final EctSigner signer = Agents.signer(key, Clock.systemUTC());

    @AfterAll
    static void drop() { TestDb.dropSchema(SCHEMA); }

    static void assertLedgerUnavailable(Runnable r) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(EctUnavailableException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
            assertThat(e.httpStatus()).isEqualTo(503);
        });
    }

    EctVerifier verifierL3(JdbcLedger ledger, List<VerificationEvent> events) {
        return EctVerifier.builder().verifierId(B).keySource(StaticKeySource.builder().key(A, key).build())
                .ledger(ledger).listener(events::add).build();
    }

    @Test
    void unreachableDatabaseIs503AtTheDagCheckAndAtAppend() { // V-13, V-15, T-06
        int unused;
        try (TcpProxy p = new TcpProxy(1)) {
            unused = p.port(); // closed again: nothing listens there
        }
        List<VerificationEvent> events = new CopyOnWriteArrayList<>();
        // each call waits at most the connect timeout for a connection (here 300 ms)
        try (JdbcLedger ledger = JdbcLedger.builder("jdbc:postgresql://127.0.0.1:" + unused + "/test?user=postgres")
                .schema(SCHEMA).connectTimeout(Duration.ofMillis(300)).build()) {
            EctVerifier v = verifierL3(ledger, events);
            SignedEct t = mint(signer, A, B, uuid(), List.of());
            assertLedgerUnavailable(() -> v.verify(t.compact())); // the DAG lookup (G-01) fails first
            assertLedgerUnavailable(() -> ledger.append(t.ect(), t.compact()));
            assertLedgerUnavailable(() -> ledger.findByJti(t.ect().jti()));
            assertLedgerUnavailable(() -> ledger.entriesOfWorkflow(t.ect().wid()));
            assertLedgerUnavailable(() -> ledger.ancestors(t.ect().jti(), 5));
            assertLedgerUnavailable(ledger::verifyChain);
            assertThat(ledger.isAvailable()).isFalse();
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.accepted()).isFalse();
                assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
            });
        }
    }

    @Test
    void databaseCutOffMidTestIs503AndRecoversWithoutRestartingTheVerifier() { // V-15, L-05
        try (TcpProxy proxy = new TcpProxy(5432);
             JdbcLedger ledger = JdbcLedger.builder(proxy.jdbcUrl("test", "user=postgres")).schema(SCHEMA).tablePrefix("cut_").build()) {
            List<VerificationEvent> events = new CopyOnWriteArrayList<>();
            EctVerifier v = verifierL3(ledger, events);
            String wid = uuid();
            SignedEct root = mint(signer, A, B, wid, List.of());
            assertThat(v.verify(root.compact()).level()).hasToString("L3");

            proxy.stop(); // every pooled connection is cut; the port refuses new ones
            SignedEct child = mint(signer, A, B, wid, List.of(root.ect().jti()));
            assertLedgerUnavailable(() -> v.verify(child.compact()));
            assertLedgerUnavailable(() -> v.verify(child.compact()));

            proxy.start(); // same port: the pool reconnects by itself
            assertThat(v.verify(child.compact()).level()).hasToString("L3");
            assertThat(ledger.entriesOfWorkflow(wid)).extracting(e -> e.jti()).containsExactly(root.ect().jti(), child.ect().jti());
            assertThat(ledger.verifyChain().ok()).isTrue();
            assertThat(ledger.isAvailable()).isTrue();
        }
    }

    @Test
    void databaseDownAtStartCreatesTheSchemaOnceItIsUp() {
        try (TcpProxy proxy = new TcpProxy(5432)) {
            proxy.stop();
            try (JdbcLedger ledger = JdbcLedger.builder(proxy.jdbcUrl("test", "user=postgres")).schema(SCHEMA)
                    .tablePrefix("late_").connectTimeout(Duration.ofMillis(300)).build()) {
                SignedEct t = mint(signer, A, B, uuid(), List.of());
                assertLedgerUnavailable(() -> ledger.append(t.ect(), t.compact()));
                proxy.start();
                assertThat(ledger.append(t.ect(), t.compact()).seq()).isEqualTo(1);
            }
        }
    }

    @Test
    void appendWaitingForTheChainHeadLockIsBoundedByTheStatementTimeout() throws Exception { // L-02 lock, timeouts
        try (JdbcLedger ledger = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).tablePrefix("lock_")
                .statementTimeout(Duration.ofMillis(300)).build();
             Connection holder = TestDb.connect()) {
            SignedEct first = mint(signer, A, B, uuid(), List.of());
            ledger.append(first.ect(), first.compact());
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                lock.setInt(1, 0x4543544C);
                lock.setString(2, ledger.table());
                lock.execute(); // another "JVM" is in the middle of an append
            }
            SignedEct t = mint(signer, A, B, uuid(), List.of());
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertLedgerUnavailable(() -> ledger.append(t.ect(), t.compact())));
            // reads do not take the lock
            assertThat(ledger.findByJti(first.ect().jti())).hasSize(1);
            holder.rollback(); // releases the lock
            assertThat(ledger.append(t.ect(), t.compact()).seq()).isEqualTo(2);
        }
    }

    @Test
    void aTokenWhoseAppendTimedOutIsNotAcceptedAndMayBeRetried() throws Exception { // V-15, V-14
        try (JdbcLedger ledger = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).tablePrefix("retry_")
                .statementTimeout(Duration.ofMillis(300)).build();
             Connection holder = TestDb.connect()) {
            List<VerificationEvent> events = new CopyOnWriteArrayList<>();
            EctVerifier v = verifierL3(ledger, events);
            SignedEct t = mint(signer, A, B, uuid(), List.of());
            ledger.size(); // schema in place before the lock is taken
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                lock.setInt(1, 0x4543544C);
                lock.setString(2, ledger.table());
                lock.execute();
            }
            // DAG check and replay record pass; the append waits for the chain head and times out
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertLedgerUnavailable(() -> v.verify(t.compact())));
            assertThat(ledger.size()).isZero();
            holder.rollback();
            // the verifier released the replay key: the client's retry is accepted, not a replay
            assertThat(v.verify(t.compact()).level()).hasToString("L3");
            assertThat(ledger.findEntry(t.ect().wid(), t.ect().jti())).isPresent();
            assertThat(events).extracting(VerificationEvent::reason).containsExactly(ReasonCode.LEDGER_UNAVAILABLE, null);
        }
    }

    @Test
    void tamperingIsFoundByTheChainCheckWhichNamesTheFirstBrokenEntry() throws Exception { // L-04
        try (JdbcLedger ledger = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).tablePrefix("tamper_").build()) {
            for (int i = 0; i < 4; i++) {
                SignedEct t = mint(signer, A, B, uuid(), List.of());
                ledger.append(t.ect(), t.compact());
            }
            assertThat(ledger.verifyChain().ok()).isTrue();
            try (Connection c = TestDb.connect(); Statement st = c.createStatement()) {
                // only the owner can do this, and only by switching the append-only triggers off
                st.execute("ALTER TABLE " + ledger.table() + " DISABLE TRIGGER USER");
                st.execute("UPDATE " + ledger.table() + " SET compact = compact || 'x' WHERE seq = 3");
                st.execute("ALTER TABLE " + ledger.table() + " ENABLE TRIGGER USER");
            }
            ChainVerification check = ledger.verifyChain();
            assertThat(check.ok()).isFalse();
            assertThat(check.brokenSeq()).hasValue(3);
            assertThat(check.entriesChecked()).isEqualTo(2);
            assertThat(check.problem()).hasValueSatisfying(p -> assertThat(p).contains("hash mismatch"));
        }
    }

    @Test
    void aRowThatDoesNotContinueTheChainIsRefusedByTheDatabase() throws Exception { // L-02
        try (JdbcLedger ledger = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).tablePrefix("fork_").build()) {
            SignedEct t = mint(signer, A, B, uuid(), List.of());
            ledger.append(t.ect(), t.compact());
            try (Connection c = TestDb.connect(); Statement st = c.createStatement()) {
                String insert = "INSERT INTO " + ledger.table() + " (seq, jti, wid, iss, exec_act, pred, recorded_at, compact, prev_hash, hash)"
                        + " VALUES (%d, '%s', '', 'i', 'x', '{}', now(), 'c', '%s', '%s')";
                assertThatThrownBy(() -> st.execute(String.format(insert, 2, uuid(), "f".repeat(64), "e".repeat(64))))
                        .hasMessageContaining("does not continue the chain");
                assertThatThrownBy(() -> st.execute(String.format(insert, 5, uuid(), "f".repeat(64), "e".repeat(64))))
                        .hasMessageContaining("does not continue the chain");
            }
            assertThat(ledger.size()).isEqualTo(1);
        }
    }

    @Test
    void aSchemaNewerThanThisLibraryIsRefused() throws Exception {
        String schema = SCHEMA + "_new";
        try (Connection c = TestDb.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
            st.execute("CREATE TABLE " + schema + ".ect_schema_version (version int PRIMARY KEY, description text NOT NULL,"
                    + " applied_at timestamptz NOT NULL DEFAULT now())");
            st.execute("INSERT INTO " + schema + ".ect_schema_version VALUES (99, 'future', now())");
        }
        try (JdbcLedger ledger = JdbcLedger.builder(TestDb.URL).schema(schema).build()) {
            SignedEct t = mint(signer, A, B, uuid(), List.of());
            assertThatThrownBy(() -> ledger.append(t.ect(), t.compact())).isInstanceOf(EctUnavailableException.class)
                    .hasMessageContaining("schema version 99");
        } finally {
            TestDb.dropSchema(schema);
        }
    }

    @Test
    void duplicateIsStill403NotA503() { // L-06: the token's fault, not the database's
        try (JdbcLedger ledger = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).tablePrefix("dup_").build()) {
            SignedEct t = mint(signer, A, B, uuid(), List.of());
            ledger.append(t.ect(), t.compact());
            assertThatThrownBy(() -> ledger.append(t.ect(), t.compact())).isInstanceOfSatisfying(EctRejectedException.class,
                    e -> assertThat(e.httpStatus()).isEqualTo(403));
        }
    }
}

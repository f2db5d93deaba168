package dev.ect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.SignedEct;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.ledger.LedgerTampering;
import dev.ect.core.ledger.TestEcts;
import dev.ect.core.tlog.Checkpoint;
import dev.ect.core.tlog.CheckpointSigner;
import dev.ect.core.tlog.LedgerAudit;
import dev.ect.core.tlog.LedgerAuditResult;
import dev.ect.core.tlog.LedgerAuditResult.Finding;
import dev.ect.core.tlog.LedgerAuditResult.Kind;
import dev.ect.core.tlog.LedgerTree;
import dev.ect.core.tlog.LedgerTreeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * L-09 over the real PostgreSQL ledger: the table's owner (here the superuser) switches the
 * append-only triggers off and rewrites rows, recomputing the hash chain so that
 * {@link JdbcLedger#verifyChain()} alone still says intact. {@link LedgerAudit#audit(dev.ect.core.ledger.AuditLedger)}
 * names the first entry that differs, given the checkpoint signed before (L-07) and the tree file
 * the auditor kept with it, or a trust set (the token signatures).
 */
class JdbcLedgerAuditTest {
    static final String SCHEMA = TestDb.uniqueSchema(JdbcLedgerAuditTest.class);
    static final AtomicInteger TABLES = new AtomicInteger();
    static final String ORIGIN = "ledger.example.com/pg-audit";
    static final CheckpointSigner SIGNER = CheckpointSigner.of(ORIGIN, EctKeys.generate(EctAlgorithm.EDDSA, "ledger"));
    static final KeySource TRUST = StaticKeySource.builder().key(TestEcts.ISS, TestEcts.KEY).build();

    @TempDir
    Path dir;
    Path tree;
    JdbcLedger ledger;
    final String wid = UUID.randomUUID().toString();
    final List<String> jtis = new ArrayList<>();

    @BeforeEach
    void setUp() {
        tree = dir.resolve("pg-ledger.tree");
        ledger = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).tablePrefix("a" + TABLES.incrementAndGet() + "_")
                .clock(TestEcts.CLOCK).build();
    }

    @AfterEach
    void tearDown() { ledger.close(); }

    @AfterAll
    static void dropSchema() { TestDb.dropSchema(SCHEMA); }

    void append(int n) {
        for (int i = 0; i < n; i++) {
            SignedEct s = TestEcts.mint(wid, "task_" + jtis.size(), jtis.isEmpty() ? List.of() : List.of(jtis.get(jtis.size() - 1)));
            ledger.append(s);
            jtis.add(s.ect().jti());
        }
    }

    /** Appends n entries; the auditor then signs the checkpoint, keeping the tree file. */
    String ledgerWithCheckpoint(int n) throws Exception {
        append(n);
        try (LedgerTree t = LedgerTree.open(ledger, tree)) {
            return t.signedCheckpoint(SIGNER);
        }
    }

    LedgerAuditResult audit(String note, boolean withTree, boolean withTrust) throws Exception {
        LedgerAudit.Builder b = LedgerAudit.builder();
        if (note != null) {
            b.checkpoint(note, SIGNER.verifier());
        }
        if (withTree) {
            b.treeFile(tree);
        }
        if (withTrust) {
            b.trust(TRUST);
        }
        return b.build().audit(ledger);
    }

    /**
     * What the table's owner can do: switch the append-only triggers off, replace the rows with
     * {@code change}'s entries re-chained (every prev_hash and hash recomputed), switch them on.
     */
    void tamper(UnaryOperator<List<LedgerEntry>> change) throws SQLException {
        List<LedgerEntry> after = LedgerTampering.rechain(change.apply(new ArrayList<>(ledger.entries())));
        String t = ledger.table();
        try (Connection c = TestDb.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE " + t + " DISABLE TRIGGER USER");
                st.execute("DELETE FROM " + t + " WHERE seq > " + after.size());
                // out of the way of the unique (iss, wid, jti) and hash constraints first
                st.execute("UPDATE " + t + " SET jti = 'moved-' || seq, hash = md5(seq::text || 'a') || md5(seq::text || 'b')");
            }
            try (PreparedStatement up = c.prepareStatement("UPDATE " + t + " SET jti = ?, wid = ?, iss = ?, exec_act = ?, pred = ?,"
                    + " recorded_at = ?, compact = ?, prev_hash = ?, hash = ? WHERE seq = ?")) {
                for (LedgerEntry e : after) {
                    up.setString(1, e.jti());
                    up.setString(2, e.wid() == null ? "" : e.wid());
                    up.setString(3, e.iss());
                    up.setString(4, e.execAct());
                    up.setArray(5, c.createArrayOf("text", e.pred().toArray()));
                    up.setTimestamp(6, Timestamp.from(e.recordedAt()));
                    up.setString(7, e.compact());
                    up.setString(8, e.prevHash());
                    up.setString(9, e.hash());
                    up.setLong(10, e.seq());
                    assertThat(up.executeUpdate()).isEqualTo(1);
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE " + t + " ENABLE TRIGGER USER");
            }
            c.commit();
        }
        assertThat(ledger.verifyChain().ok()).as("the recomputed chain alone looks intact").isTrue();
    }

    static void assertFirst(LedgerAuditResult r, Kind kind, long seq) {
        assertThat(r.ok()).as(r.toString()).isFalse();
        Finding f = r.firstProblem().orElseThrow();
        assertThat(f.kind()).as(r.toString()).isEqualTo(kind);
        assertThat(f.seq()).as(r.toString()).isEqualTo(seq);
    }

    @Test
    @DisplayName("L-07 L-08 L-09 an honest PostgreSQL ledger that grew since the checkpoint passes; the tree file proves it")
    void honestGrownLedgerPasses() throws Exception {
        String note = ledgerWithCheckpoint(5);
        append(3);
        LedgerAuditResult r = audit(note, true, true);
        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThat(r.entries()).isEqualTo(8);
        assertThat(r.signaturesVerified()).isEqualTo(8);
        assertThat(r.checkpoint().orElseThrow().size()).isEqualTo(5);
        // the tree file follows the grown ledger: consistency 5 -> 8 and inclusion of entry 7, against signed checkpoints
        Checkpoint old = SIGNER.verifier().verify(note);
        try (LedgerTree t = LedgerTree.open(ledger, tree)) {
            Checkpoint now = SIGNER.verifier().verify(t.signedCheckpoint(SIGNER));
            assertThat(now.size()).isEqualTo(8);
            assertThat(t.consistencyProof(5).verify(old, now)).isTrue();
            LedgerEntry seventh = ledger.entries(7, 1).get(0);
            assertThat(t.inclusionProof(seventh).verify(now)).isTrue();
        }
        assertThat(Files.size(tree)).as("32 B x (2n - bitCount(n)) for n = 8").isEqualTo(32L * (2 * 8 - 1));
    }

    @Test
    @DisplayName("L-09 the auditor opens the ledger with createSchema(false): an existing one is audited, a mistyped one is 503 naming it, never an empty intact ledger")
    void auditNeverCreatesASchema() throws Exception {
        String note = ledgerWithCheckpoint(3);
        String prefix = ledger.table().substring(ledger.table().indexOf('.') + 1).replace("ledger", "");
        try (JdbcLedger auditor = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).tablePrefix(prefix).createSchema(false).build()) {
            LedgerAuditResult r = LedgerAudit.builder().trust(TRUST).checkpoint(note, SIGNER.verifier()).treeFile(tree).build()
                    .audit(auditor);
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.entries()).isEqualTo(3);
        }
        String typo = SCHEMA + "_x";
        try (JdbcLedger auditor = JdbcLedger.builder(TestDb.URL).schema(typo).createSchema(false).build()) {
            LedgerAudit chainOnly = LedgerAudit.builder().build();
            assertThatThrownBy(() -> chainOnly.audit(auditor)).isInstanceOfSatisfying(EctUnavailableException.class,
                    e -> assertThat(e.getMessage()).contains("the schema " + typo + " does not exist"));
        }
        try (Connection c = TestDb.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = '" + typo + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    @DisplayName("L-09 tail truncation of the PostgreSQL ledger below the checkpoint is named: the first missing entry")
    void tailTruncationIsNamed() throws Exception {
        String note = ledgerWithCheckpoint(5);
        tamper(e -> new ArrayList<>(e.subList(0, 3)));
        LedgerAuditResult r = audit(note, true, true);
        assertFirst(r, Kind.CHECKPOINT, 4);
        assertThat(r.firstProblem().orElseThrow().problem()).contains("entries 4..5 are missing");
        assertThat(audit(note, false, false).firstProblem().orElseThrow().seq()).as("named without the tree file too").isEqualTo(4);
        // the tree file refuses to be extended over the shortened ledger (L-08)
        assertThatThrownBy(() -> LedgerTree.open(ledger, tree)).isInstanceOf(LedgerTreeException.class).hasMessageContaining("truncated");
    }

    @Test
    @DisplayName("L-09 reordered PostgreSQL rows (two rows' contents swapped, chain recomputed) are named: the first moved entry")
    void reorderingIsNamed() throws Exception {
        String note = ledgerWithCheckpoint(5);
        tamper(e -> {
            Collections.swap(e, 1, 2);
            return e;
        });
        LedgerAuditResult r = audit(note, true, true);
        assertFirst(r, Kind.CHECKPOINT, 2);
        assertThat(r.signaturesVerified()).as("every token is still genuinely signed").isEqualTo(5);
        LedgerAuditResult blind = audit(note, false, true);
        assertFirst(blind, Kind.CHECKPOINT, 0);
        assertThat(blind.firstProblem().orElseThrow().problem()).contains("root hash differs");
        assertThatThrownBy(() -> LedgerTree.open(ledger, tree)).isInstanceOf(LedgerTreeException.class)
                .satisfies(x -> assertThat(((LedgerTreeException) x).seq()).hasValue(2));
    }

    @Test
    @DisplayName("L-09 a rewritten PostgreSQL entry (another validly signed token, chain recomputed) is named")
    void rewrittenEntryIsNamed() throws Exception {
        String note = ledgerWithCheckpoint(5);
        SignedEct other = TestEcts.mint(wid, "task_other", List.of(jtis.get(1)));
        tamper(e -> {
            LedgerEntry x = e.get(3);
            e.set(3, new LedgerEntry(4, other.compact(), other.ect().jti(), other.ect().wid(), other.ect().iss(),
                    other.ect().execAct(), other.ect().pred(), x.recordedAt(), x.prevHash(), x.hash()));
            return e;
        });
        LedgerAuditResult r = audit(note, true, true);
        assertThat(r.signaturesVerified()).as("the new token is genuinely signed").isEqualTo(5);
        assertFirst(r, Kind.CHECKPOINT, 4);
        assertThat(r.findings()).hasSize(1);
    }

    @Test
    @DisplayName("L-09 a forged signature AAAA in a PostgreSQL row (chain recomputed) is named by the trust set, and by the checkpoint")
    void forgedSignatureIsNamed() throws Exception {
        String note = ledgerWithCheckpoint(5);
        tamper(e -> {
            e.set(2, LedgerTampering.withCompact(e.get(2), LedgerTampering.forgedSignature(e.get(2).compact())));
            return e;
        });
        LedgerAuditResult byTrust = audit(null, false, true);
        assertFirst(byTrust, Kind.SIGNATURE, 3);
        assertThat(byTrust.findings()).hasSize(1);
        assertThat(byTrust.firstProblem().orElseThrow().problem()).contains("does not verify").contains(jtis.get(2));
        assertThat(byTrust.signaturesVerified()).isEqualTo(4);
        LedgerAuditResult both = audit(note, true, true);
        assertThat(both.findings()).extracting(Finding::kind, Finding::seq).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(Kind.CHECKPOINT, 3L), org.assertj.core.groups.Tuple.tuple(Kind.SIGNATURE, 3L));
        assertThat(audit(null, false, false).ok()).as("without a trust set or checkpoint only the chain is checked").isTrue();
    }
}

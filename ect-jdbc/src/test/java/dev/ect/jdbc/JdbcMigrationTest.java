package dev.ect.jdbc;

import static dev.ect.jdbc.Agents.A;
import static dev.ect.jdbc.Agents.B;
import static dev.ect.jdbc.Agents.C;
import static dev.ect.jdbc.Agents.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSigner;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.jdbc.internal.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A version-1 ledger (unique per (wid, jti)) is migrated to version 2 (unique per (iss, wid, jti))
 * in place; a version-2 ledger gets version 3's DAG bounds in place (its rows keep none).
 */
class JdbcMigrationTest {
    static final String SCHEMA = TestDb.uniqueSchema(JdbcMigrationTest.class);
    final EctSigner signerA = Agents.signer(Clock.systemUTC());
    final EctSigner signerC = Agents.signer(Clock.systemUTC());

    @AfterAll
    static void drop() { TestDb.dropSchema(SCHEMA); }

    static SignedEct mint(EctSigner signer, String iss, String wid, String jti) {
        return signer.mint(Ect.builder().iss(iss).aud(B).wid(wid).jti(jti).execAct("task").pred(List.of()).build());
    }

    /** Appends as the version-1 code did: the ten columns, nothing else. */
    static LedgerEntry appendV1(Connection c, String table, long seq, String prev, SignedEct t) throws Exception {
        LedgerEntry e = LedgerEntry.create(seq, t, Instant.now(), prev);
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + table
                + " (seq, jti, wid, iss, exec_act, pred, recorded_at, compact, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            ins.setLong(1, e.seq());
            ins.setString(2, e.jti());
            ins.setString(3, e.wid() == null ? "" : e.wid());
            ins.setString(4, e.iss());
            ins.setString(5, e.execAct());
            ins.setArray(6, c.createArrayOf("text", e.pred().toArray()));
            ins.setTimestamp(7, Timestamp.from(e.recordedAt()));
            ins.setString(8, e.compact());
            ins.setString(9, e.prevHash());
            ins.setString(10, e.hash());
            ins.executeUpdate();
        }
        return e;
    }

    @Test
    @DisplayName("G-01 L-06 a v1 schema is migrated to (iss, wid, jti) uniqueness; its rows stay; a second issuer can then append")
    void g01V1SchemaIsMigratedAndASecondIssuerCanAppend() throws Exception {
        Schema schema = new Schema(SCHEMA, "ect_");
        String wid = uuid();
        List<SignedEct> old = new ArrayList<>();
        List<LedgerEntry> oldEntries = new ArrayList<>();
        try (Connection c = TestDb.connect()) {
            assertThat(schema.migrate(c, 1)).isZero();
            String prev = LedgerEntry.GENESIS_HASH;
            for (int i = 0; i < 3; i++) {
                SignedEct t = mint(signerA, A, wid, uuid());
                LedgerEntry e = appendV1(c, schema.ledgerTable(), i + 1, prev, t);
                prev = e.hash();
                old.add(t);
                oldEntries.add(e);
            }
            // the v1 constraint: another issuer cannot record the same (wid, jti)
            SignedEct squat = mint(signerC, C, wid, old.get(0).ect().jti());
            assertThatThrownBy(() -> appendV1(c, schema.ledgerTable(), 4, oldEntries.get(2).hash(), squat))
                    .hasMessageContaining("ect_ledger_wid_jti");
        }
        try (JdbcLedger ledger = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).build()) {
            assertThat(ledger.entries()).containsExactlyElementsOf(oldEntries);
            assertThat(ledger.verifyChain().ok()).isTrue();
            try (Connection c = TestDb.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT max(version) FROM " + schema.versionTable())) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(Schema.LATEST).isEqualTo(4);
            }
            SignedEct genuineElsewhere = mint(signerC, C, wid, old.get(0).ect().jti());
            LedgerEntry e = ledger.append(genuineElsewhere);
            assertThat(e.seq()).isEqualTo(4);
            assertThat(ledger.findByJti(old.get(0).ect().jti())).containsExactly(old.get(0), genuineElsewhere);
            // the same issuer's (wid, jti) is still refused
            assertThatThrownBy(() -> ledger.append(old.get(1)))
                    .isInstanceOfSatisfying(EctRejectedException.class, x -> assertThat(x.reason()).isEqualTo(ReasonCode.DAG_DUPLICATE_JTI));
        }
        // opening again does not migrate again
        try (JdbcLedger again = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).build()) {
            assertThat(again.size()).isEqualTo(4);
        }
    }

    @Test
    @DisplayName("G-05 a v2 ledger is migrated to v3 in place: old rows have no bounds, walks through them are exact, new rows get bounds")
    void g05V2SchemaIsMigratedToV3() throws Exception {
        String schemaName = SCHEMA + "_v2";
        Schema schema = new Schema(schemaName, "ect_");
        String wid = uuid();
        List<SignedEct> old = new ArrayList<>();
        try (Connection c = TestDb.connect()) {
            assertThat(schema.migrate(c, 2)).isZero();
            String prev = LedgerEntry.GENESIS_HASH;
            for (int i = 0; i < 3; i++) {
                SignedEct t = signerA.mint(Ect.builder().iss(A).aud(B).wid(wid).jti(uuid()).execAct("task")
                        .pred(i == 0 ? List.of() : List.of(old.get(i - 1).ect().jti())).build());
                prev = appendV1(c, schema.ledgerTable(), i + 1, prev, t).hash();
                old.add(t);
            }
        }
        // opened without DDL (an audit): read as version 2, walks exact, nothing migrated
        try (JdbcLedger ro = JdbcLedger.builder(TestDb.URL).schema(schemaName).createSchema(false).build()) {
            assertThat(ro.verifyChain().ok()).isTrue();
            assertThat(ro.walkAncestors(List.of(old.get(2)), uuid(), 10, java.time.Duration.ofSeconds(5)))
                    .isEqualTo(dev.ect.core.dag.AncestorWalk.complete(3));
            assertThat(ro.walkCounts()).containsExactly(0, 1);
            try (Connection c = TestDb.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT max(version) FROM " + schema.versionTable())) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
        try (Connection c = TestDb.connect()) {
            schema.migrate(c, 3); // version 3 as it was: its bounds (version 4 drops them)
        }
        try (JdbcLedger ledger = JdbcLedger.builder(TestDb.URL).schema(schemaName).createSchema(false).dagCacheSize(0).build()) {
            assertThat(ledger.verifyChain().ok()).isTrue();
            SignedEct child = signerA.mint(Ect.builder().iss(A).aud(B).wid(wid).jti(uuid()).execAct("task")
                    .pred(List.of(old.get(2).ect().jti())).build());
            ledger.append(child);
            SignedEct root = signerA.mint(Ect.builder().iss(A).aud(B).wid(wid).jti(uuid()).execAct("task").pred(List.of()).build());
            ledger.append(root);
            try (Connection c = TestDb.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT seq, anc_upper, anc_lower, late FROM " + schema.ledgerTable() + " ORDER BY seq")) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getLong(1) + ":" + rs.getObject(2) + ":" + rs.getObject(3) + ":" + rs.getObject(4));
                }
                // rows 1-3 predate v3; row 4's ancestry runs through them (upper bound unknown, at least 2 entries)
                assertThat(rows).containsExactly("1:null:null:null", "2:null:null:null", "3:null:null:null", "4:null:2:false",
                        "5:1:1:false");
            }
            java.time.Duration t = java.time.Duration.ofSeconds(5);
            long[] before = ledger.walkCounts();
            assertThat(ledger.walkAncestors(List.of(child), uuid(), 10, t)).isEqualTo(dev.ect.core.dag.AncestorWalk.complete(4));
            assertThat(ledger.walkAncestors(List.of(child), uuid(), 3, t)).isEqualTo(dev.ect.core.dag.AncestorWalk.limitExceeded(3));
            assertThat(ledger.walkCounts()[1] - before[1]).as("exact walks").isEqualTo(2);
            assertThat(ledger.walkAncestors(List.of(root), uuid(), 10, t)).isEqualTo(dev.ect.core.dag.AncestorWalk.complete(0));
        } finally {
            TestDb.dropSchema(schemaName);
        }
    }
}

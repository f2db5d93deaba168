package dev.ect.cli;

import static dev.ect.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.ledger.LedgerEntry;
import dev.ect.jdbc.JdbcLedger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ect ledger checkpoint} and {@code ect ledger verify} over the real PostgreSQL ledger
 * (127.0.0.1:5432, db test, a schema of its own per test), filled by {@code ect verify} with
 * {@code ECT_JDBC_URL}; the tampering is the table owner's, with the triggers off and the chain
 * recomputed (L-07, L-09).
 */
class LedgerJdbcCommandsTest {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    static final String ORIGIN = "ledger.example.com/pg";
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    @TempDir
    Path dir;
    final String schema = "ect_cli_pgaudit_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    final String url = PG + "&ect.schema=" + schema;
    final List<String> jtis = new ArrayList<>();

    @BeforeEach
    void keys() {
        assertThat(run("keygen", "--kid", "a-1", "--private", p("a.jwk"), "--public", p("a.jwks")).code()).isZero();
        CliRun k = run("keygen", "--alg", "EdDSA", "--kid", "ledger-1", "--origin", ORIGIN, "--private", p("ledger.jwk"),
                "--public", p("ledger.jwks"));
        assertThat(k.code()).as(k.toString()).isZero();
    }

    @AfterEach
    void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(PG); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    String p(String name) { return dir.resolve(name).toString(); }

    /** n tokens accepted by ect verify into the PostgreSQL ledger of ECT_JDBC_URL (L3). */
    void accept(int n) {
        for (int i = 0; i < n; i++) {
            CliRun m = run("mint", "--key", p("a.jwk"), "--iss", A, "--aud", B, "--exec-act", "task_" + jtis.size());
            assertThat(m.code()).as(m.toString()).isZero();
            String token = m.out().strip();
            CliRun v = run(Map.of("ECT_JDBC_URL", url), "", "verify", "--trust", A + "=" + p("a.jwks"), "--aud", B, token);
            assertThat(v.code()).as(v.toString()).isZero();
            assertThat(v.json()).containsEntry("level", "L3");
            jtis.add(run("inspect", "--claim", "jti", token).out().strip());
        }
    }

    /** The auditor's checkpoint of the PostgreSQL ledger, its tree file kept as pg.tree. */
    void checkpoint(String file) throws Exception {
        CliRun c = run("ledger", "checkpoint", "--key", p("ledger.jwk"), "--origin", ORIGIN, "--tree", p("pg.tree"),
                "--jdbc-url", url);
        assertThat(c.code()).as(c.toString()).isZero();
        Files.writeString(dir.resolve(file), c.out());
    }

    CliRun verifyAgainst(String checkpointFile, String... more) {
        List<String> args = new ArrayList<>(List.of("ledger", "verify", "--trust", A + "=" + p("a.jwks"), "--checkpoint",
                p(checkpointFile), "--checkpoint-key", p("ledger.jwks"), "--tree", p("pg.tree"), "--jdbc-url", url));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    /** The table owner: triggers off, rows replaced by {@code change}'s entries with the chain recomputed, triggers on. */
    void tamper(UnaryOperator<List<LedgerEntry>> change) throws Exception {
        List<LedgerEntry> before;
        try (JdbcLedger l = JdbcLedger.builder(PG).schema(schema).build()) {
            before = l.entries();
        }
        List<LedgerEntry> after = new ArrayList<>();
        String prev = LedgerEntry.GENESIS_HASH;
        long seq = 1;
        for (LedgerEntry e : change.apply(new ArrayList<>(before))) {
            LedgerEntry n = new LedgerEntry(seq, e.compact(), e.jti(), e.wid(), e.iss(), e.execAct(), e.pred(), e.recordedAt(), prev, "");
            n = new LedgerEntry(seq, e.compact(), e.jti(), e.wid(), e.iss(), e.execAct(), e.pred(), e.recordedAt(), prev,
                    n.computeHash());
            prev = n.hash();
            after.add(n);
            seq++;
        }
        String t = schema + ".ect_ledger";
        try (Connection c = DriverManager.getConnection(PG)) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE " + t + " DISABLE TRIGGER USER");
                st.execute("DELETE FROM " + t + " WHERE seq > " + after.size());
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
        CliRun chain = run("ledger", "verify", "--jdbc-url", url);
        assertThat(chain.code()).as("the recomputed chain alone passes: " + chain).isZero();
    }

    @Test
    @DisplayName("L-07 L-08 L-09 ledger checkpoint/verify/prove --jdbc-url: an honest PostgreSQL ledger that grew since the checkpoint exits 0")
    void honestGrownLedgerPasses() throws Exception {
        accept(3);
        checkpoint("cp.txt");
        assertThat(Files.readString(dir.resolve("cp.txt"))).startsWith(ORIGIN + "\n3\n");
        assertThat(Files.size(dir.resolve("pg.tree"))).isEqualTo(32L * (2 * 3 - 2));
        accept(2);
        CliRun v = verifyAgainst("cp.txt");
        assertThat(v.code()).as(v.toString()).isZero();
        assertThat(v.out()).contains("5 entries, hash chain intact").contains("5 token signatures verified")
                .contains("extends the checkpoint of 3 entries of " + ORIGIN).doesNotContain("user=postgres");
        // ECT_JDBC_URL names the ledger when neither LEDGER_FILE nor --jdbc-url is given, as for ect verify
        CliRun env = run(Map.of("ECT_JDBC_URL", url), "", "ledger", "verify", "--json", "--checkpoint", p("cp.txt"),
                "--checkpoint-key", p("ledger.jwks"), "--tree", p("pg.tree"));
        assertThat(env.code()).as(env.toString()).isZero();
        assertThat(env.json()).containsEntry("ok", true).containsEntry("checkpoint_size", 3L).containsKey("ledger");
        // a later checkpoint extends the same tree file
        checkpoint("cp2.txt");
        assertThat(Files.readString(dir.resolve("cp2.txt"))).startsWith(ORIGIN + "\n5\n");
        // L-08: proofs from the PostgreSQL ledger's tree file, checked against the signed checkpoints
        CliRun inc = run("ledger", "prove", "--jti", jtis.get(1), "--tree-size", "3", "--tree", p("pg.tree"), "--jdbc-url", url);
        assertThat(inc.code()).as(inc.toString()).isZero();
        assertThat(inc.json()).containsEntry("leaf_index", 1L).containsEntry("tree_size", 3L);
        Files.writeString(dir.resolve("inc.json"), inc.out());
        CliRun vi = run("ledger", "verify-proof", "--checkpoint", p("cp.txt"), "--checkpoint-key", p("ledger.jwks"), p("inc.json"));
        assertThat(vi.code()).as(vi.toString()).isZero();
        CliRun con = run(Map.of("ECT_JDBC_URL", url), "", "ledger", "prove", "--consistency", "3");
        assertThat(con.code()).as("in memory without --tree: " + con).isZero();
        Files.writeString(dir.resolve("con.json"), con.out());
        CliRun vc = run("ledger", "verify-proof", "--old-checkpoint", p("cp.txt"), "--checkpoint", p("cp2.txt"),
                "--checkpoint-key", p("ledger.jwks"), p("con.json"));
        assertThat(vc.code()).as(vc.toString()).isZero();
    }

    @Test
    @DisplayName("L-09 ledger verify --jdbc-url exits 1 on swapped PostgreSQL rows (chain recomputed), naming entry 2; checkpoint refuses")
    void reorderedRowsFail() throws Exception {
        accept(4);
        checkpoint("cp.txt");
        tamper(e -> {
            Collections.swap(e, 1, 2);
            return e;
        });
        CliRun v = verifyAgainst("cp.txt");
        assertThat(v.code()).as(v.toString()).isEqualTo(1);
        assertThat(v.out()).contains("NOT INTACT").contains("CHECKPOINT at entry 2");
        CliRun c = run("ledger", "checkpoint", "--key", p("ledger.jwk"), "--origin", ORIGIN, "--tree", p("pg.tree"), "--jdbc-url", url);
        assertThat(c.code()).as("no checkpoint is signed over a rewritten ledger: " + c).isEqualTo(1);
        assertThat(c.out()).isEmpty();
        assertThat(c.err()).contains("entry 2");
        CliRun prove = run("ledger", "prove", "--seq", "1", "--tree", p("pg.tree"), "--jdbc-url", url);
        assertThat(prove.code()).as("no proof from a tree file the table no longer fits: " + prove).isEqualTo(1);
    }

    @Test
    @DisplayName("L-09 ledger verify --jdbc-url exits 1 on a truncated PostgreSQL tail, naming the first missing entry")
    void truncatedTailFails() throws Exception {
        accept(4);
        checkpoint("cp.txt");
        tamper(e -> new ArrayList<>(e.subList(0, 2)));
        CliRun v = verifyAgainst("cp.txt");
        assertThat(v.code()).as(v.toString()).isEqualTo(1);
        assertThat(v.out()).contains("CHECKPOINT at entry 3").contains("entries 3..4 are missing");
    }

    @Test
    @DisplayName("L-09 ledger verify --trust --jdbc-url exits 1 on a forged signature AAAA in a PostgreSQL row, naming the entry")
    void forgedSignatureFails() throws Exception {
        accept(3);
        tamper(e -> {
            LedgerEntry x = e.get(1);
            String c = x.compact();
            e.set(1, new LedgerEntry(x.seq(), c.substring(0, c.lastIndexOf('.') + 1) + "AAAA", x.jti(), x.wid(), x.iss(),
                    x.execAct(), x.pred(), x.recordedAt(), x.prevHash(), x.hash()));
            return e;
        });
        CliRun v = run("ledger", "verify", "--trust", A + "=" + p("a.jwks"), "--jdbc-url", url);
        assertThat(v.code()).as(v.toString()).isEqualTo(1);
        assertThat(v.out()).contains("SIGNATURE at entry 2").contains("does not verify").contains(jtis.get(1));
    }

    @Test
    @DisplayName("L-09 ledger verify/checkpoint: usage errors and an unreachable database exit 2, never a verdict")
    void usageAndUnavailable() throws Exception {
        accept(1);
        CliRun noTree = run("ledger", "checkpoint", "--key", p("ledger.jwk"), "--origin", ORIGIN, "--jdbc-url", url);
        assertThat(noTree.code()).as(noTree.toString()).isEqualTo(2);
        assertThat(noTree.err()).contains("--tree");
        CliRun both = run("ledger", "verify", "--jdbc-url", url, p("x.jsonl"));
        assertThat(both.code()).as(both.toString()).isEqualTo(2);
        CliRun none = run("ledger", "verify");
        assertThat(none.code()).as(none.toString()).isEqualTo(2);
        assertThat(none.err()).contains("ECT_JDBC_URL");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun down = run("ledger", "verify", "--jdbc-url", "jdbc:postgresql://127.0.0.1:" + port + "/test?user=postgres&password=s3cret");
        assertThat(down.code()).as(down.toString()).isEqualTo(2);
        assertThat(down.out() + down.err()).doesNotContain("s3cret");
    }

    @Test
    @DisplayName("L-09 ledger verify/checkpoint/prove --jdbc-url of a mistyped schema or table prefix exit 2 naming it, and create nothing")
    void mistypedSchemaIsAnErrorNotAnEmptyLedger() throws Exception {
        accept(1);
        String typo = schema + "x";
        String typoUrl = PG + "&ect.schema=" + typo + "&ect.createSchema=true"; // the audit overrides it
        try {
            CliRun v = run("ledger", "verify", "--jdbc-url", typoUrl);
            assertThat(v.code()).as(v.toString()).isEqualTo(2);
            assertThat(v.err()).contains("the schema " + typo + " does not exist").doesNotContain("0 entries");
            CliRun env = run(Map.of("ECT_JDBC_URL", typoUrl), "", "ledger", "verify", "--json");
            assertThat(env.code()).as(env.toString()).isEqualTo(2);
            CliRun cp = run("ledger", "checkpoint", "--key", p("ledger.jwk"), "--origin", ORIGIN, "--tree", p("t.tree"),
                    "--jdbc-url", typoUrl);
            assertThat(cp.code()).as(cp.toString()).isEqualTo(2);
            assertThat(cp.err()).contains("does not exist");
            CliRun pr = run("ledger", "prove", "--consistency", "1", "--jdbc-url", typoUrl);
            assertThat(pr.code()).as(pr.toString()).isEqualTo(2);
            CliRun prefix = run("ledger", "verify", "--jdbc-url", url + "&ect.tablePrefix=ect_typo_");
            assertThat(prefix.code()).as(prefix.toString()).isEqualTo(2);
            assertThat(prefix.err()).contains("the table " + schema + ".ect_typo_ledger does not exist");
            try (Connection c = DriverManager.getConnection(PG);
                 PreparedStatement q = c.prepareStatement("SELECT count(*) FROM pg_namespace WHERE nspname = ?")) {
                q.setString(1, typo);
                try (var rs = q.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("schema created by the audit").isZero();
                }
                try (var rs = c.createStatement().executeQuery("SELECT to_regclass('" + schema + ".ect_typo_ledger') IS NULL")) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).as("no table created").isTrue();
                }
            }
            // the right schema still verifies
            CliRun ok = run("ledger", "verify", "--jdbc-url", url);
            assertThat(ok.code()).as(ok.toString()).isZero();
        } finally {
            try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + typo + " CASCADE");
            }
        }
    }
}

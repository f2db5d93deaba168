package dev.ect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ect.jar} against the local PostgreSQL (a schema of its own): {@code ect verify}
 * appends through {@code ECT_JDBC_URL}, the auditor checkpoints with {@code --jdbc-url --tree}, and
 * the table owner's truncation (triggers off) is named by {@code ect ledger verify} (L-07, L-09).
 */
class LedgerJdbcIT {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    static final String ORIGIN = "ledger.example.com/pg";
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    @TempDir
    Path dir;
    final String schema = "ect_cli_pgit_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    final Map<String, String> env = Map.of("ECT_JDBC_URL", PG + "&ect.schema=" + schema);

    @AfterEach
    void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(PG); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    CliRun ect(String... args) { return JarProcess.run(dir, env, "", args); }

    void accept() {
        CliRun m = ect("mint", "--key", "a.jwk", "--iss", A, "--aud", B, "--exec-act", "step");
        assertThat(m.code()).as(m.toString()).isZero();
        CliRun v = ect("verify", "--trust", A + "=a.jwks", "--aud", B, m.out().strip());
        assertThat(v.code()).as(v.toString()).isZero();
        assertThat(v.json()).containsEntry("level", "L3");
    }

    CliRun audit() {
        return ect("ledger", "verify", "--trust", A + "=a.jwks", "--checkpoint", "cp3.txt", "--checkpoint-key", "ledger.jwks",
                "--tree", "audit.tree");
    }

    @Test
    @DisplayName("L-07 L-09 ledger checkpoint and verify of a PostgreSQL ledger through the jar; the owner's truncation exits 1 naming entry 3")
    void checkpointAndAuditOfPostgresLedger() throws Exception {
        assertThat(ect("keygen", "--kid", "a-1", "--private", "a.jwk", "--public", "a.jwks").code()).isZero();
        assertThat(ect("keygen", "--alg", "EdDSA", "--kid", "l-1", "--origin", ORIGIN, "--private", "ledger.jwk",
                "--public", "ledger.jwks").code()).isZero();
        for (int i = 0; i < 3; i++) {
            accept();
        }
        CliRun cp = ect("ledger", "checkpoint", "--key", "ledger.jwk", "--origin", ORIGIN, "--tree", "audit.tree");
        assertThat(cp.code()).as(cp.toString()).isZero();
        assertThat(cp.out()).startsWith(ORIGIN + "\n3\n");
        Files.writeString(dir.resolve("cp3.txt"), cp.out());
        accept();

        CliRun ok = audit();
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("4 entries").contains("4 token signatures verified").contains("checkpoint of 3 entries");

        try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
            String t = schema + ".ect_ledger";
            st.execute("ALTER TABLE " + t + " DISABLE TRIGGER USER");
            st.execute("DELETE FROM " + t + " WHERE seq > 2");
            st.execute("ALTER TABLE " + t + " ENABLE TRIGGER USER");
        }
        CliRun chain = ect("ledger", "verify");
        assertThat(chain.code()).as("the chain alone passes: " + chain).isZero();
        CliRun cut = audit();
        assertThat(cut.code()).as(cut.toString()).isEqualTo(1);
        assertThat(cut.out()).contains("NOT INTACT").contains("CHECKPOINT at entry 3").contains("entry 3 is missing");
        CliRun refused = ect("ledger", "checkpoint", "--key", "ledger.jwk", "--origin", ORIGIN, "--tree", "audit.tree");
        assertThat(refused.code()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("truncated");
    }
}

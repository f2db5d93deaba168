package dev.ect.cli;

import static dev.ect.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ECT_REDIS_URL and ECT_JDBC_URL: separate {@code ect verify} runs share one replay store and one
 * ledger (the local Redis at 127.0.0.1:6379 and PostgreSQL at 127.0.0.1:5432, db test).
 */
class SharedStoresTest {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    @TempDir
    Path dir;
    final String schema = "ect_cli_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @BeforeEach
    void keys() {
        assertThat(run("keygen", "--kid", "a-1", "--private", dir.resolve("a.jwk").toString(), "--public",
                dir.resolve("a.jwks").toString()).code()).isZero();
    }

    @AfterEach
    void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(PG); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    String mint(String... extra) {
        String[] base = {"mint", "--key", dir.resolve("a.jwk").toString(), "--iss", A, "--aud", B, "--exec-act", "x"};
        return run(java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new)).out().strip();
    }

    CliRun verify(Map<String, String> env, String token) {
        return run(env, "", "verify", "--trust", A + "=" + dir.resolve("a.jwks"), "--aud", B, token);
    }

    @Test
    void redisReplayStoreIsSharedBetweenRuns() { // P-04
        Map<String, String> env = Map.of("ECT_REDIS_URL", "redis://127.0.0.1:6379?keyPrefix=ect-cli-test:" + schema + ":");
        String token = mint();
        CliRun first = verify(env, token);
        assertThat(first.code()).as(first.toString()).isZero();
        CliRun second = verify(env, token);
        assertThat(second.code()).as(second.toString()).isEqualTo(1);
        assertThat(second.json()).containsEntry("ect_error", "replay").containsEntry("rule", "V-14");
        // without the shared store each run has its own in-process store
        assertThat(verify(Map.of(), token).code()).isZero();
    }

    @Test
    void jdbcLedgerRecordsAndResolvesAcrossRuns() { // V-15, G-02 across processes
        Map<String, String> env = Map.of("ECT_JDBC_URL", PG + "&ect.schema=" + schema);
        String wid = UUID.randomUUID().toString();
        String root = mint("--wid", wid);
        CliRun r1 = verify(env, root);
        assertThat(r1.code()).as(r1.toString()).isZero();
        assertThat(r1.json()).containsEntry("level", "L3");
        String child = mint("--wid", wid, "--pred", (String) r1.claims().get("jti"));
        CliRun r2 = run(env, "", "verify", "--trust", A + "=" + dir.resolve("a.jwks"), "--aud", B, "--min-level", "L3", child);
        assertThat(r2.code()).as(r2.toString()).isZero();
        assertThat(verify(env, root).json()).containsEntry("ect_error", "replay");
    }

    @Test
    void unusableStoreUrlsAreUsageErrorsNamingTheVariable() {
        CliRun r = verify(Map.of("ECT_REDIS_URL", "memcached://x"), mint());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("ECT_REDIS_URL");
        CliRun j = verify(Map.of("ECT_JDBC_URL", "jdbc:oracle:thin:@x"), mint());
        assertThat(j.code()).isEqualTo(2);
        assertThat(j.err()).contains("ECT_JDBC_URL");
    }
}

package dev.ect.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.config.EctRuntime;
import dev.ect.spring.app.TestApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code ect.datasource-ledger.enabled=true}: the ledger in the application's PostgreSQL DataSource
 * (the local server, a schema of this test's own, dropped afterwards), at level L3.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EctDataSourceLedgerTest {
    static final TestKeys KEYS;
    static final String SCHEMA = "ect_spring_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    static {
        try {
            KEYS = new TestKeys(Files.createTempDirectory("ect-starter-ds"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.autoconfigure.exclude", () -> "");
        r.add("spring.datasource.url", () -> "jdbc:postgresql://127.0.0.1:5432/test");
        r.add("spring.datasource.username", () -> "postgres");
        r.add("ect.verifier-id", () -> TestKeys.SERVICE);
        r.add("ect.trust", KEYS::callerTrust);
        r.add("ect.min-level", () -> "L3");
        r.add("ect.datasource-ledger.enabled", () -> "true");
        r.add("ect.datasource-ledger.schema", () -> SCHEMA);
        r.add("ect.exclude-paths", () -> "/actuator/*");
    }

    static DataSource dataSource;

    @Autowired
    void dataSource(DataSource ds) { dataSource = ds; }

    @AfterAll
    static void dropSchema() throws Exception {
        if (dataSource != null) {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            }
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    EctRuntime runtime;

    @Test
    @DisplayName("V-15, G-02: at L3 each accepted ECT is appended to the ledger in the DataSource's database, and a child naming it passes the DAG check")
    void ledgerInTheApplicationsDatabase() throws Exception {
        String root = KEYS.callerToken("start");
        assertThat(Http.get(port, "/hello", root).statusCode()).isEqualTo(200);
        String rootJti = Tokens.claim(root, "jti");
        String child = EctSigner.builder(KEYS.caller).build().sign(Ect.builder().iss(TestKeys.CALLER).aud(TestKeys.SERVICE)
                .execAct("next").wid(Tokens.claim(root, "wid")).pred(List.of(rootJti)).build());
        assertThat(Http.get(port, "/hello", child).statusCode()).isEqualTo(200);
        String orphan = EctSigner.builder(KEYS.caller).build().sign(Ect.builder().iss(TestKeys.CALLER).aud(TestKeys.SERVICE)
                .execAct("orphan").pred(List.of(UUID.randomUUID().toString())).build());
        var refused = Http.get(port, "/hello", orphan);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(Http.ectError(refused.body())).isEqualTo("dag_unknown_predecessor");

        assertThat(runtime.ledger()).isPresent();
        assertThat(runtime.ledger().get().verifyChain().ok()).isTrue();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + SCHEMA + ".ect_ledger")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
    }
}

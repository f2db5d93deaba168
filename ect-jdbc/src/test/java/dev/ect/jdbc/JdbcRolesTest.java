package dev.ect.jdbc;

import static dev.ect.jdbc.Agents.A;
import static dev.ect.jdbc.Agents.B;
import static dev.ect.jdbc.Agents.mint;
import static dev.ect.jdbc.Agents.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctSigner;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * L-11: the role the verifier runs as cannot change or remove ledger rows. Runs the README's role
 * setup SQL, as written there, against the machine's PostgreSQL with unique role and schema names
 * (dropped afterwards), and then attacks the ledger as the runtime role.
 */
class JdbcRolesTest {
    final String suffix = uuid().substring(0, 8);
    final String owner = "ect_t_owner_" + suffix;
    final String runtime = "ect_t_runtime_" + suffix;
    final String schema = "ect_t_roles_" + suffix;
    final EctSigner signer = Agents.signer(Clock.systemUTC());

    @AfterEach
    void dropRolesAndSchema() throws SQLException {
        try (Connection c = TestDb.connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            for (String role : List.of(runtime, owner)) {
                st.execute("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN"
                        + " EXECUTE 'DROP OWNED BY " + role + "'; EXECUTE 'DROP ROLE " + role + "'; END IF; END $$");
            }
        }
    }

    /** The SQL block of the ect-jdbc README between the given markers, with this test's names. */
    String readmeSql(String marker) throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<!-- " + marker + ":begin -->\\s*```sql\\n(.*?)```\\s*<!-- " + marker + ":end -->", Pattern.DOTALL)
                .matcher(readme);
        assertThat(m.find()).as("README block " + marker).isTrue();
        return m.group(1).replaceAll("\\bect_owner\\b", owner).replaceAll("\\bect_runtime\\b", runtime)
                .replaceAll("\\bect\\b", schema);
    }

    static void runAsAdmin(String sql) throws SQLException {
        try (Connection c = TestDb.connect(); Statement st = c.createStatement()) {
            for (String statement : sql.split(";")) {
                if (!statement.isBlank()) {
                    st.execute(statement);
                }
            }
        }
    }

    String url(String role) { return "jdbc:postgresql://" + TestDb.HOST_PORT + "/test?user=" + role + "&ect.schema=" + schema; }

    void setUpAsTheReadmeSays() throws Exception {
        runAsAdmin(readmeSql("l11-roles"));
        try (JdbcLedger asOwner = JdbcLedger.fromUrl(url(owner))) {
            assertThat(asOwner.size()).isZero(); // the owner created the tables
        }
        runAsAdmin(readmeSql("l11-grants"));
    }

    static void assertInsufficientPrivilege(Statement st, String sql) {
        assertThatThrownBy(() -> st.execute(sql)).as(sql).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo("42501"));
    }

    @Test
    @DisplayName("L-11 the runtime role opens the ledger, appends and reads, without any DDL privilege")
    void l11RuntimeRoleAppendsAndReads() throws Exception {
        setUpAsTheReadmeSays();
        try (JdbcLedger asRuntime = JdbcLedger.fromUrl(url(runtime))) {
            String wid = uuid();
            SignedEct root = mint(signer, A, B, wid, List.of());
            SignedEct child = mint(signer, A, B, wid, List.of(root.ect().jti()));
            asRuntime.append(root);
            asRuntime.append(child);
            assertThat(asRuntime.findByJti(child.ect().jti())).containsExactly(child);
            assertThat(asRuntime.ancestors(child.ect().jti(), 10)).hasSize(1);
            assertThat(asRuntime.verifyChain().ok()).isTrue();
        }
    }

    @Test
    @DisplayName("L-11 the runtime role cannot update, delete, truncate, alter (disable the triggers) or drop the ledger")
    void l11RuntimeRoleCannotChangeOrRemoveRows() throws Exception {
        setUpAsTheReadmeSays();
        String table = schema + ".ect_ledger";
        try (JdbcLedger asRuntime = JdbcLedger.fromUrl(url(runtime))) {
            SignedEct t = mint(signer, A, B, uuid(), List.of());
            asRuntime.append(t);
        }
        try (Connection c = DriverManager.getConnection(url(runtime).replace("&ect.schema=" + schema, ""));
             Statement st = c.createStatement()) {
            assertInsufficientPrivilege(st, "ALTER TABLE " + table + " DISABLE TRIGGER USER");
            assertInsufficientPrivilege(st, "UPDATE " + table + " SET compact = compact || 'x'");
            assertInsufficientPrivilege(st, "DELETE FROM " + table);
            assertInsufficientPrivilege(st, "TRUNCATE " + table);
            assertInsufficientPrivilege(st, "DROP TABLE " + table);
            assertInsufficientPrivilege(st, "DELETE FROM " + schema + ".ect_schema_version");
            assertInsufficientPrivilege(st, "CREATE TABLE " + schema + ".shadow (x int)");
        }
        try (JdbcLedger asOwner = JdbcLedger.fromUrl(url(owner))) {
            assertThat(asOwner.size()).isEqualTo(1);
            assertThat(asOwner.verifyChain().ok()).isTrue();
        }
    }

    @Test
    @DisplayName("L-11 a schema that needs a migration is 503 ledger_unavailable for the runtime role, until the owner migrates it")
    void l11RuntimeRoleCannotMigrate() throws Exception {
        runAsAdmin(readmeSql("l11-roles"));
        runAsAdmin("GRANT USAGE ON SCHEMA " + schema + " TO " + runtime); // no tables yet: nothing else to grant
        try (JdbcLedger asRuntime = JdbcLedger.fromUrl(url(runtime))) {
            SignedEct t = mint(signer, A, B, uuid(), List.of());
            assertThatThrownBy(() -> asRuntime.append(t)).isInstanceOfSatisfying(EctUnavailableException.class, e -> {
                assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
                assertThat(e.getMessage()).contains("permission denied");
            });
            try (JdbcLedger asOwner = JdbcLedger.fromUrl(url(owner))) {
                asOwner.size();
            }
            runAsAdmin(readmeSql("l11-grants"));
            assertThat(asRuntime.append(t).seq()).isEqualTo(1); // the same instance recovers
        }
    }
}

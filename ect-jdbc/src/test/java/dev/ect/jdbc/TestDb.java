package dev.ect.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The machine's PostgreSQL (127.0.0.1:5432, database {@code test}, user {@code postgres}, trust
 * auth). Each test class gets its own schema, dropped at the end; no test skips when the server is
 * missing: it fails.
 */
final class TestDb {
    static final String HOST_PORT = "127.0.0.1:5432";
    static final String URL = "jdbc:postgresql://" + HOST_PORT + "/test?user=postgres";

    private TestDb() {}

    /** A fresh schema name for a test class, e.g. {@code ect_t_jdbcledgertest_1a2b3c4d}. */
    static String uniqueSchema(Class<?> testClass) {
        String name = testClass.getSimpleName().toLowerCase(Locale.ROOT);
        return "ect_t_" + name.substring(0, Math.min(20, name.length())) + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Connection connect() throws SQLException { return DriverManager.getConnection(URL); }

    /**
     * A version-3 ledger (the G-05 probe of stored bounds, which version 4 drops) in {@code schema},
     * opened as it is: {@code createSchema(false)} and no DAG cache, so every DAG check is SQL.
     */
    static JdbcLedger v3Ledger(String url, String schema) {
        try (Connection c = connect()) {
            new dev.ect.jdbc.internal.Schema(schema, JdbcLedger.DEFAULT_TABLE_PREFIX).migrate(c, 3);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create a version-3 ledger in " + schema, e);
        }
        return JdbcLedger.builder(url).schema(schema).createSchema(false).dagCacheSize(0).build();
    }

    /** Drops the schema and everything in it (the append-only triggers do not stop DROP). */
    static void dropSchema(String schema) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test schema " + schema, e);
        }
    }
}

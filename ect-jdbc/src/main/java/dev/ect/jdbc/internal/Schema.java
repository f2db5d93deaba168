package dev.ect.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The ledger's tables, created or migrated in one transaction under an advisory lock, so several
 * JVMs starting at once apply each version exactly once. Versions live in
 * {@code <prefix>schema_version}; the scripts are the {@code schema-vN.sql} resources.
 */
public final class Schema {
    /** The newest schema version this library knows. */
    public static final int LATEST = 4;
    /** advisory lock class id of schema migrations ("ECTM"). */
    static final int MIGRATION_LOCK_CLASS = 0x4543544D;
    /** advisory lock class id of the chain head ("ECTL"). */
    public static final int APPEND_LOCK_CLASS = 0x4543544C;

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,39}");
    private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,19}|");

    private final String schema;
    private final String prefix;

    public Schema(String schema, String prefix) {
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must be a lowercase SQL identifier ([a-z_][a-z0-9_]*, at most 40 characters): " + schema);
        }
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("tablePrefix must be empty or a lowercase SQL identifier ([a-z_][a-z0-9_]*, at most 20 characters): " + prefix);
        }
        this.schema = schema;
        this.prefix = prefix;
    }

    public String schema() { return schema; }

    public String prefix() { return prefix; }

    /** The ledger table, schema-qualified. */
    public String ledgerTable() { return schema + "." + prefix + "ledger"; }

    /** The function giving a {@code pred} array's ids in lower case (schema version 3), schema-qualified. */
    public String lowerIdsFunction() { return schema + "." + prefix + "ledger_lower_ids"; }

    /** The schema version table, schema-qualified. */
    public String versionTable() { return schema + "." + prefix + "schema_version"; }

    /**
     * Creates or migrates the tables to {@link #LATEST}; returns the version found before.
     *
     * @throws IllegalStateException when the database holds a newer schema than this library knows
     */
    public int migrate(Connection c) throws SQLException { return migrate(c, LATEST); }

    /**
     * Creates or migrates the tables to {@code target} (at most {@link #LATEST}); returns the
     * version found before. A schema already at {@code target} or newer is only read: no DDL is
     * issued, so a runtime role without CREATE privileges (L-11) can open it.
     */
    public int migrate(Connection c, int target) throws SQLException {
        if (target < 1 || target > LATEST) {
            throw new IllegalArgumentException("target version must be 1.." + LATEST);
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                lock.setInt(1, MIGRATION_LOCK_CLASS);
                lock.setString(2, ledgerTable());
                lock.execute();
            }
            int found = installedVersion(c);
            if (found >= target) {
                if (found > LATEST) {
                    throw newer(found);
                }
                c.commit();
                return found; // up to date: read only, no DDL (L-11 runtime role)
            }
            if (!schemaExists(c)) {
                // only when missing: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even
                // when the schema exists, which an owner role of one schema (L-11) does not have
                st.execute("CREATE SCHEMA " + schema);
            }
            st.execute("CREATE TABLE IF NOT EXISTS " + versionTable() + " (version int PRIMARY KEY, description text NOT NULL,"
                    + " applied_at timestamptz NOT NULL DEFAULT now())");
            int current;
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM " + versionTable())) {
                rs.next();
                current = rs.getInt(1);
            }
            if (current > LATEST) {
                throw newer(current);
            }
            for (int v = current + 1; v <= target; v++) {
                for (String sql : statements(v)) {
                    st.execute(sql);
                }
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + versionTable() + " (version, description) VALUES (?, ?)")) {
                    ins.setInt(1, v);
                    ins.setString(2, "schema-v" + v + ".sql");
                    ins.executeUpdate();
                }
            }
            c.commit();
            return current;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(auto);
            } catch (SQLException ignored) {
                // the connection is broken; the pool will drop it
            }
        }
    }

    /**
     * The version of an existing ledger, without creating or migrating anything (an audit, or a
     * deployment that must never issue DDL): no statement but reads.
     *
     * @return the installed version (an older one than {@link #LATEST} is returned as it is)
     * @throws IllegalStateException when the schema, the ledger table or the version table does
     *     not exist (or cannot be seen by this role), or the version is newer than this library's
     */
    public int inspect(Connection c) throws SQLException {
        if (!schemaExists(c)) {
            throw new IllegalStateException("the schema " + schema + " does not exist (it is never created here:"
                    + " ect.createSchema=false); check the schema name (ect.schema or currentSchema)");
        }
        for (String t : List.of(ledgerTable(), versionTable())) {
            try (PreparedStatement q = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                q.setString(1, t);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        throw new IllegalStateException("the table " + t + " does not exist, or this role cannot see it (it is"
                                + " never created here: ect.createSchema=false); check the schema and ect.tablePrefix");
                    }
                }
            }
        }
        int found = installedVersion(c);
        if (found > LATEST) {
            throw newer(found);
        }
        if (found < 1) {
            throw new IllegalStateException("the ledger " + ledgerTable() + " has no schema version recorded in " + versionTable());
        }
        return found;
    }

    private IllegalStateException newer(int version) {
        return new IllegalStateException("the ledger " + ledgerTable() + " has schema version " + version
                + ", newer than this library supports (" + LATEST + ")");
    }

    private boolean schemaExists(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            q.setString(1, schema);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The version recorded in the version table; 0 when the table does not exist (or cannot be seen). */
    private int installedVersion(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            q.setString(1, versionTable());
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return 0;
                }
            }
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM " + versionTable())) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The statements of {@code schema-vN.sql} with the schema and prefix substituted. */
    List<String> statements(int version) {
        String script = resource("/dev/ect/jdbc/schema-v" + version + ".sql")
                .replace("${schema}", schema).replace("${prefix}", prefix);
        List<String> out = new ArrayList<>();
        for (String part : script.split("(?m)^;;\\s*$")) {
            StringBuilder sql = new StringBuilder();
            for (String line : part.split("\n")) {
                if (!line.stripLeading().startsWith("--")) {
                    sql.append(line).append('\n');
                }
            }
            if (!sql.toString().isBlank()) {
                out.add(sql.toString().strip());
            }
        }
        return out;
    }

    /** The text of a classpath resource, UTF-8. */
    public static String resource(String name) {
        try (InputStream in = Schema.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

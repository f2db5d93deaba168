package dev.ect.spring.internal;

import dev.ect.spring.EctProperties;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * {@code ect.datasource-ledger.enabled=true}: the ledger lives in the database of the application's
 * {@code DataSource}. The DataSource's JDBC URL and credentials become the {@code ect.jdbc-url} that
 * ect-core's assembler opens (through ect-jdbc's plug-in), so the ledger is configured in one place.
 * The ledger keeps its own small pool: it sets {@code statement_timeout} on its sessions and falls
 * back to direct connections after a failure, neither of which may leak into the application's pool.
 */
public final class DataSourceLedgerUrl {
    /** The property that turns this on; named in every error. */
    public static final String PROPERTY = "ect.datasource-ledger.enabled";
    private static final String HIKARI = "com.zaxxer.hikari.HikariDataSource";
    private static final String BOOT_PROPERTIES = "org.springframework.boot.jdbc.autoconfigure.DataSourceProperties";

    private DataSourceLedgerUrl() { }

    /** {@code ect.jdbc-url} for the assembler, or nothing when the option is off. */
    public static Map<String, String> properties(EctProperties p, ApplicationContext context) {
        if (!p.getDatasourceLedger().isEnabled()) {
            return Map.of();
        }
        if (p.getJdbcUrl() != null && !p.getJdbcUrl().isBlank() || p.getLedgerFile() != null && !p.getLedgerFile().isBlank()) {
            throw new InvalidEctPropertyException(PROPERTY, PROPERTY + "=true cannot be combined with ect.jdbc-url or ect.ledger-file: choose one ledger");
        }
        String[] conn = connection(context);
        if (conn[0] == null || !conn[0].startsWith("jdbc:postgresql:")) {
            throw new InvalidEctPropertyException(PROPERTY, PROPERTY + "=true needs the application's DataSource on PostgreSQL (jdbc:postgresql:...)"
                    + (conn[0] == null ? ", but no JDBC URL could be read from it" : ""));
        }
        StringBuilder url = new StringBuilder(conn[0]);
        char sep = conn[0].indexOf('?') >= 0 ? '&' : '?';
        if (conn[1] != null && !conn[1].isEmpty()) {
            url.append(sep).append("user=").append(enc(conn[1]));
            sep = '&';
        }
        if (conn[2] != null && !conn[2].isEmpty()) {
            url.append(sep).append("password=").append(enc(conn[2]));
            sep = '&';
        }
        url.append(sep).append("ect.schema=").append(enc(p.getDatasourceLedger().getSchema()));
        return Map.of("ect.jdbc-url", url.toString());
    }

    /** URL, user, password of the application's DataSource (Boot's Hikari pool, or spring.datasource.*). */
    private static String[] connection(ApplicationContext context) {
        ObjectProvider<DataSource> ds = context.getBeanProvider(DataSource.class);
        DataSource d = ds.getIfUnique();
        if (d == null) {
            throw new InvalidEctPropertyException(PROPERTY, PROPERTY + "=true needs one DataSource bean in the application");
        }
        if (ClassUtils.isPresent(HIKARI, DataSourceLedgerUrl.class.getClassLoader())) {
            String[] h = Hikari.connection(d);
            if (h != null) {
                return h;
            }
        }
        if (ClassUtils.isPresent(BOOT_PROPERTIES, DataSourceLedgerUrl.class.getClassLoader())) {
            String[] b = BootProperties.connection(context);
            if (b != null) {
                return b;
            }
        }
        return new String[3];
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    /** Loaded only when HikariCP is present. */
    private static final class Hikari {
        static String[] connection(DataSource d) {
            try {
                com.zaxxer.hikari.HikariDataSource h = d instanceof com.zaxxer.hikari.HikariDataSource x ? x
                        : d.isWrapperFor(com.zaxxer.hikari.HikariDataSource.class) ? d.unwrap(com.zaxxer.hikari.HikariDataSource.class) : null;
                return h == null ? null : new String[] {h.getJdbcUrl(), h.getUsername(), h.getPassword()};
            } catch (java.sql.SQLException e) {
                return null;
            }
        }
    }

    /** Loaded only when spring-boot-jdbc is present. */
    private static final class BootProperties {
        static String[] connection(ApplicationContext context) {
            org.springframework.boot.jdbc.autoconfigure.DataSourceProperties p = context
                    .getBeanProvider(org.springframework.boot.jdbc.autoconfigure.DataSourceProperties.class).getIfUnique();
            if (p == null) {
                return null;
            }
            return new String[] {p.determineUrl(), p.determineUsername(), p.determinePassword()};
        }
    }
}

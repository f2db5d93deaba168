package dev.ect.jdbc;

import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.spi.LedgerProvider;
import java.time.Clock;
import java.util.Locale;

/**
 * Makes {@code jdbc:postgresql:} URLs (e.g. {@code ECT_JDBC_URL}) usable through
 * {@link dev.ect.core.spi.EctStores}: a {@link JdbcLedger} with every default, whose schema is the
 * URL's {@code currentSchema} parameter when present (else {@code public}).
 */
public final class JdbcLedgerProvider implements LedgerProvider {
    /** For {@link java.util.ServiceLoader}. */
    public JdbcLedgerProvider() {}

    @Override
    public boolean supports(String url) { return url.trim().toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:"); }

    @Override
    public AuditLedger create(String url, Clock clock) { return JdbcLedger.builder(url).clock(clock).build(); }
}

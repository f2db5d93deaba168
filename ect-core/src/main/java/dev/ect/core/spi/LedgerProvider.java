package dev.ect.core.spi;

import dev.ect.core.ledger.AuditLedger;
import java.time.Clock;

/**
 * Plug-in point for shared audit ledgers (profile section 8), found with
 * {@link java.util.ServiceLoader} by {@link EctStores}. The {@code ect-jdbc} module provides one for
 * {@code jdbc:postgresql:} URLs.
 *
 * <p>Implementations need a public no-argument constructor and a
 * {@code META-INF/services/dev.ect.core.spi.LedgerProvider} entry.
 */
public interface LedgerProvider {
    /** True when this provider creates ledgers for URLs like this one (usually decided by the scheme). */
    boolean supports(String url);

    /**
     * Creates a ledger for the URL. Must not require the backing service to be reachable now: an
     * unreachable ledger fails closed per call ({@code ledger_unavailable}, 503) and recovers by
     * itself when the service is back.
     *
     * @param url the URL {@link #supports(String)} accepted
     * @param clock the clock of the entries' {@code recordedAt}
     * @throws IllegalArgumentException when the URL is invalid (the message never contains a password)
     */
    AuditLedger create(String url, Clock clock);
}

package dev.ect.core.ledger;

import dev.ect.core.Ect;
import dev.ect.core.dag.EctStore;

/**
 * The audit ledger SPI (profile section 8, V-15). Append-only (L-01), hash-chained (L-02),
 * durable before acknowledging (L-05), never holding the same ({@code wid}, {@code jti}) twice
 * (L-06). Every ledger is also an {@link EctStore}, so the DAG rules can run against it.
 *
 * <p>Implementations must be thread-safe.
 */
public interface AuditLedger extends EctStore {
    /**
     * Appends a verified ECT; returns only once the entry is durable (L-05).
     *
     * @param ect the verified ECT
     * @param compact its compact serialization
     * @return the new entry
     * @throws dev.ect.core.EctUnavailableException {@code ledger_unavailable} when the append failed
     *     (the ECT must then not be accepted, V-15)
     * @throws dev.ect.core.EctRejectedException {@code dag_duplicate_jti} when the
     *     ({@code wid}, {@code jti}) is already present (L-06)
     */
    LedgerEntry append(Ect ect, String compact);
}

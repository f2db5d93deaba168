package dev.ect.jdbc;

/**
 * The same contract (L-01..L-06, lookups, concurrent appenders) with append batching off
 * ({@code appendBatching(false)}: one transaction per append), so both append paths stay correct.
 */
class JdbcLedgerUnbatchedContractTest extends JdbcLedgerContractTest {
    @Override
    protected boolean batching() { return false; }
}

package dev.ect.jdbc;

import static dev.ect.jdbc.Agents.A;
import static dev.ect.jdbc.Agents.B;
import static dev.ect.jdbc.Agents.uuid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A fresh ledger (a table autovacuum has not analyzed yet) must not settle into plans that scan
 * the whole table: PostgreSQL caches a prepared statement's generic plan, and one planned while the
 * table held a handful of rows scanned every row on every later execution, for as long as the
 * connection lived (the G-05 probe took 3.4 ms instead of 0.05 ms at 9,000 rows; BENCHMARKS.md §8b).
 *
 * <p>Counted by PostgreSQL itself ({@code pg_stat_user_tables.seq_scan} of this test's own table),
 * after the ledger's sessions have ended (a backend reports its counters when it exits).
 */
class JdbcNoTableScanTest {
    final String schema = TestDb.uniqueSchema(JdbcNoTableScanTest.class);

    @AfterEach
    void drop() {
        TestDb.dropSchema(schema);
    }

    @Test
    @DisplayName("G-05/L-05: verifying and appending on a fresh, unanalyzed ledger never scans the table nor a workflow (index probes only)")
    void freshLedgerNeverScansTheTable() throws Exception {
        EctKeyPair key = EctKeys.generate("k-scan");
        EctSigner signer = Agents.signer(key, Clock.systemUTC());
        String wid = uuid();
        List<String> seeds = List.of(uuid(), uuid(), uuid());
        String app = "ect-scan-" + uuid().substring(0, 8);
        String url = TestDb.URL + "&ApplicationName=" + app;
        String table;
        List<String> seedJtis = new ArrayList<>();
        try (JdbcLedger ledger = JdbcLedger.builder(url).schema(schema).build()) {
            table = ledger.table();
            EctVerifier verifier = EctVerifier.builder().verifierId(B)
                    .keySource(StaticKeySource.builder().key(A, key).build()).ledger(ledger).build();
            for (String s : seeds) {
                seedJtis.add(verifier.verify(Agents.mint(signer, A, B, wid, List.of()).compact()).ect().jti());
            }
        }
        awaitSessionsEnded(app);
        long before = seqScans(table);
        long indexReadsBefore = indexEntriesRead(table);

        // the shape of the multi-instance load test: every task a child of the same three seeds,
        // from several threads (batched appends), well past PostgreSQL's switch to generic plans
        // (the seeds' ids come from their verification, not from a query of the test's own: on a plain
        // session that query was itself the one sequential scan of the 3-row table)
        try (JdbcLedger ledger = JdbcLedger.builder(url).schema(schema).build()) {
            assertThat(seedJtis).hasSize(3);
            EctVerifier verifier = EctVerifier.builder().verifierId(B)
                    .keySource(StaticKeySource.builder().key(A, key).build()).ledger(ledger).build();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    fs.add(pool.submit(() -> {
                        for (int i = 0; i < 60; i++) {
                            verifier.verify(Agents.mint(signer, A, B, wid, seedJtis).compact());
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(ledger.size()).isEqualTo(3 + 240);
        }
        awaitSessionsEnded(app);
        long during = seqScans(table) - before;
        // 240 verifications, each with a lookup, a G-05 probe and its share of an append batch (pre-check,
        // inserts whose trigger looks up the predecessors): a table-scanning plan shows up hundreds of times
        assertThat(during).as("sequential scans of %s while 240 ECTs were verified and appended", table).isZero();
        // and no plan walks an index over the whole workflow (all 243 entries share one wid): the
        // ledger's sessions use generic plans (plan_cache_mode = force_generic_plan), planned once
        // while the table was fresh; a pre-check that let the planner pick the lower(wid) index read
        // every entry of the workflow per batch entry (132 per verification here, growing with it)
        long perVerification = (indexEntriesRead(table) - indexReadsBefore) / 240;
        assertThat(perVerification).as("index entries of %s read per verification (lookups, probe, pre-check, triggers)", table)
                .isLessThan(INDEX_READS_PER_VERIFICATION);
    }

    /** Measured: 10 with index probes only; 132 with the pre-check unfenced under generic plans (it grows with the ledger). */
    static final long INDEX_READS_PER_VERIFICATION = 30;

    /** {@code idx_tup_read} of every index of the table, summed: index entries returned by its index scans. */
    private static long indexEntriesRead(String qualifiedTable) throws SQLException {
        try (Connection c = TestDb.connect();
             PreparedStatement q = c.prepareStatement("SELECT coalesce(sum(idx_tup_read), 0) FROM pg_stat_user_indexes"
                     + " WHERE schemaname || '.' || relname = ?")) {
            q.setString(1, qualifiedTable);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long seqScans(String qualifiedTable) throws SQLException {
        try (Connection c = TestDb.connect();
             PreparedStatement q = c.prepareStatement("SELECT seq_scan FROM pg_stat_user_tables WHERE schemaname || '.' || relname = ?")) {
            q.setString(1, qualifiedTable);
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).as("statistics of %s", qualifiedTable).isTrue();
                return rs.getLong(1);
            }
        }
    }

    /** Waits (bounded) until no session of this application is left: each reported its counters on exit. */
    private static void awaitSessionsEnded(String app) throws SQLException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        try (Connection c = TestDb.connect();
             PreparedStatement q = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            q.setString(1, app);
            while (true) {
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                assertThat(Instant.now()).as("sessions of %s still open", app).isBefore(deadline);
                Thread.onSpinWait();
            }
        }
    }
}

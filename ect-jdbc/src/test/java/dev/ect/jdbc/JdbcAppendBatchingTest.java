package dev.ect.jdbc;

import static dev.ect.jdbc.Agents.A;
import static dev.ect.jdbc.Agents.B;
import static dev.ect.jdbc.Agents.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSigner;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.LedgerEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Group commit (append batching): the appends waiting in one JVM go into one transaction, and
 * still each call returns only after its entry committed (L-05), a duplicate fails only its own
 * call (L-06, G-01), and every other instance sees an acknowledged entry at once. Batches are made
 * deterministic by holding the chain-head lock from another connection while the calls queue up.
 */
class JdbcAppendBatchingTest {
    static final String SCHEMA = TestDb.uniqueSchema(JdbcAppendBatchingTest.class);
    static final int LOCK_CLASS = 0x4543544C;
    final EctKeyPair key = EctKeys.generate("batch-key");
    final EctSigner signer = Agents.signer(key, Clock.systemUTC());
    final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterAll
    static void drop() { TestDb.dropSchema(SCHEMA); }

    @AfterEach
    void stop() { threads.shutdownNow(); }

    JdbcLedger ledger(String prefix) {
        return JdbcLedger.builder(TestDb.URL).schema(SCHEMA).tablePrefix(prefix).statementTimeout(Duration.ofSeconds(30))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    SignedEct mint(String wid, String jti, String execAct) {
        return signer.mint(Ect.builder().iss(A).aud(B).wid(wid).jti(jti).execAct(execAct).pred(List.of()).build());
    }

    /** Bounded wait for a condition (fails after {@code seconds}); polls every millisecond. */
    static void await(String what, int seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Another "JVM" in the middle of an append: holds the chain-head lock until rolled back. */
    static Connection holdHeadLock(JdbcLedger ledger) throws Exception {
        Connection holder = TestDb.connect();
        holder.setAutoCommit(false);
        try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            lock.setInt(1, LOCK_CLASS);
            lock.setString(2, ledger.table());
            lock.execute();
        }
        return holder;
    }

    /** True when some session waits for the chain-head lock of this ledger (the writer thread, here). */
    static boolean someoneWaitsForTheLock(Connection c, JdbcLedger ledger) {
        try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                + " AND classid = ?::bigint::oid AND objid = (hashtext(?)::bigint & 4294967295)::oid AND objsubid = 2")) {
            q.setLong(1, LOCK_CLASS);
            q.setString(2, ledger.table());
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Lets {@code first} reach the writer (which then waits for the held lock), queues
     * {@code rest} behind it, releases the lock: {@code rest} is then ONE batch. Returns the futures
     * of {@code first} and then {@code rest}, in order.
     */
    List<Future<LedgerEntry>> oneBatch(JdbcLedger ledger, SignedEct first, List<SignedEct> rest) throws Exception {
        List<Future<LedgerEntry>> out = new ArrayList<>();
        try (Connection holder = holdHeadLock(ledger); Connection observer = TestDb.connect()) {
            out.add(threads.submit(() -> ledger.append(first)));
            await("the writer waits for the chain-head lock", 20, () -> someoneWaitsForTheLock(observer, ledger));
            for (SignedEct s : rest) {
                int before = ledger.queuedAppends();
                out.add(threads.submit(() -> ledger.append(s)));
                await("the append is queued", 20, () -> ledger.queuedAppends() == before + 1); // keeps the order
            }
            holder.rollback();
        }
        return out;
    }

    static LedgerEntry get(Future<LedgerEntry> f) throws Exception { return f.get(60, TimeUnit.SECONDS); }

    static void assertFails(Future<LedgerEntry> f, ReasonCode reason) {
        assertThatThrownBy(() -> f.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().satisfies(e -> assertThat(e).isInstanceOfAny(EctRejectedException.class, EctUnavailableException.class)
                        .extracting(x -> ((dev.ect.core.EctException) x).reason()).isEqualTo(reason));
    }

    /** The distinct transactions (xmin) that wrote these jtis. */
    static long transactions(JdbcLedger ledger, List<String> jtis) throws Exception {
        try (Connection c = TestDb.connect();
             PreparedStatement q = c.prepareStatement("SELECT count(DISTINCT xmin::text) FROM " + ledger.table() + " WHERE jti = ANY(?)")) {
            q.setArray(1, c.createArrayOf("text", jtis.toArray()));
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The row's {@code jti_shared} (schema version 4), by (wid, jti). */
    static Boolean jtiShared(JdbcLedger ledger, String wid, String jti) throws Exception {
        try (Connection c = TestDb.connect(); PreparedStatement q = c.prepareStatement("SELECT jti_shared FROM " + ledger.table()
                + " WHERE lower(wid) = lower(?) AND lower(jti) = lower(?)")) {
            q.setString(1, wid);
            q.setString(2, jti);
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return (Boolean) rs.getObject(1);
            }
        }
    }

    @Test
    @DisplayName("G-07 P-01 jti_shared (the DAG cache's completeness mark): false for a jti's first row; true against the table and within one batch")
    void jtiSharedAgainstTheTableAndWithinABatch() throws Exception {
        try (JdbcLedger ledger = ledger("shared_")) {
            String w1 = uuid();
            String w2 = uuid();
            String old = uuid();
            String inBatch = uuid();
            ledger.append(mint(w1, old, "old"));
            SignedEct first = mint(w1, uuid(), "first");
            SignedEct oldElsewhere = mint(w2, old.toUpperCase(Locale.ROOT), "old elsewhere"); // a row of the table carries it
            SignedEct a = mint(w1, inBatch, "a");
            SignedEct b = mint(w2, inBatch.toUpperCase(Locale.ROOT), "b"); // the batch-mate a carries it
            List<Future<LedgerEntry>> f = oneBatch(ledger, first, List.of(oldElsewhere, a, b));
            for (Future<LedgerEntry> x : f) {
                get(x);
            }
            assertThat(transactions(ledger, List.of(old.toUpperCase(Locale.ROOT), inBatch, inBatch.toUpperCase(Locale.ROOT))))
                    .as("the batch-mates went in together").isEqualTo(1);
            assertThat(jtiShared(ledger, w1, old)).isFalse();
            assertThat(jtiShared(ledger, w2, old)).isTrue();
            assertThat(jtiShared(ledger, w1, inBatch)).isFalse();
            assertThat(jtiShared(ledger, w2, inBatch)).isTrue();
            assertThat(jtiShared(ledger, w1, first.ect().jti())).isFalse();
        }
    }

    @Test
    @DisplayName("L-06 G-01 a duplicate in a batch (against the table, in another letter case, or twice in the batch) fails only its own append")
    void l06DuplicatesInABatchFailOnlyThemselves() throws Exception {
        try (JdbcLedger ledger = ledger("dup_")) {
            String wid = uuid();
            SignedEct x = mint(wid, uuid(), "x");
            LedgerEntry ex = ledger.append(x);
            String zJti = uuid();
            SignedEct first = mint(wid, uuid(), "first");
            SignedEct y1 = mint(wid, uuid(), "y1");
            SignedEct xAgain = mint(wid, x.ect().jti(), "x again");
            SignedEct xUpper = mint(wid.toUpperCase(Locale.ROOT), x.ect().jti().toUpperCase(Locale.ROOT), "X upper");
            SignedEct z = mint(wid, zJti, "z");
            SignedEct zTwice = mint(wid, zJti, "z twice");
            SignedEct zUpper = mint(wid, zJti.toUpperCase(Locale.ROOT), "Z upper");
            SignedEct y2 = mint(wid, uuid(), "y2");
            List<Future<LedgerEntry>> f = oneBatch(ledger, first, List.of(y1, xAgain, xUpper, z, zTwice, zUpper, y2));

            LedgerEntry eFirst = get(f.get(0));
            LedgerEntry e1 = get(f.get(1));
            assertFails(f.get(2), ReasonCode.DAG_DUPLICATE_JTI); // against the table
            assertFails(f.get(3), ReasonCode.DAG_DUPLICATE_JTI); // against the table, other letter case (P-01)
            LedgerEntry ez = get(f.get(4));
            assertFails(f.get(5), ReasonCode.DAG_DUPLICATE_JTI); // twice in the batch
            assertFails(f.get(6), ReasonCode.DAG_DUPLICATE_JTI); // twice in the batch, other letter case
            LedgerEntry e2 = get(f.get(7));

            assertThat(List.of(ex, eFirst, e1, ez, e2)).extracting(LedgerEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(ez.execAct()).isEqualTo("z");
            assertThat(ledger.entries(1, 100)).containsExactly(ex, eFirst, e1, ez, e2);
            // the batch-mates went in together: one transaction, one commit
            assertThat(transactions(ledger, List.of(y1.ect().jti(), zJti, y2.ect().jti()))).isEqualTo(1);
            ChainVerification check = ledger.verifyChain();
            assertThat(check.ok()).as("%s", check).isTrue();
        }
    }

    @Test
    @DisplayName("L-05 an entry the database refuses (NUL in exec_act) fails alone: its batch is appended one by one, the others commit")
    void l05AnEntryTheDatabaseRefusesDoesNotPoisonItsBatch() throws Exception {
        try (JdbcLedger ledger = ledger("poison_")) {
            String wid = uuid();
            SignedEct first = mint(wid, uuid(), "first");
            SignedEct good1 = mint(wid, uuid(), "good1");
            SignedEct nul = mint(wid, uuid(), "bad\u0000act"); // valid JSON ("\u0000"), but PostgreSQL text cannot hold NUL
            SignedEct good2 = mint(wid, uuid(), "good2");
            List<Future<LedgerEntry>> f = oneBatch(ledger, first, List.of(good1, nul, good2));
            get(f.get(0));
            LedgerEntry e1 = get(f.get(1));
            assertFails(f.get(2), ReasonCode.LEDGER_UNAVAILABLE);
            LedgerEntry e2 = get(f.get(3));
            assertThat(e2.seq()).isEqualTo(e1.seq() + 1);
            assertThat(ledger.findByJti(nul.ect().jti())).isEmpty();
            assertThat(ledger.size()).isEqualTo(3);
            assertThat(ledger.verifyChain().ok()).isTrue();
        }
    }

    @Test
    @DisplayName("L-05 G-01 an acknowledged append is seen at once by another instance's lookups and DAG check")
    void l05AnAcknowledgedEntryIsVisibleToEveryInstance() throws Exception {
        try (JdbcLedger one = ledger("seen_"); JdbcLedger two = ledger("seen_")) {
            EctVerifier atTwo = EctVerifier.builder().verifierId(B).keySource(StaticKeySource.builder().key(A, key).build())
                    .ledger(two).build();
            int appenders = 8;
            int each = 15;
            List<Future<?>> fs = new ArrayList<>();
            List<String> missed = new CopyOnWriteArrayList<>();
            for (int t = 0; t < appenders; t++) {
                fs.add(threads.submit(() -> {
                    String wid = uuid();
                    for (int i = 0; i < each; i++) {
                        SignedEct s = mint(wid, uuid(), "t");
                        one.append(s);
                        if (two.findByJti(s.ect().jti()).isEmpty()) {
                            missed.add(s.ect().jti());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertThat(missed).as("acknowledged but not visible to the other instance").isEmpty();
            assertThat(two.size()).isEqualTo((long) appenders * each);

            // the DAG check at instance two resolves a predecessor instance one just acknowledged
            String wid = uuid();
            SignedEct parent = mint(wid, uuid(), "parent");
            one.append(parent);
            SignedEct child = signer.mint(Ect.builder().iss(A).aud(B).wid(wid).execAct("child")
                    .pred(List.of(parent.ect().jti())).build());
            assertThat(atTwo.verify(child.compact()).level()).hasToString("L3");
            // and a replay of the parent at instance two is refused by the shared ledger (G-01)
            assertThatThrownBy(() -> atTwo.verify(parent.compact())).isInstanceOfSatisfying(EctRejectedException.class,
                    e -> assertThat(e.reason()).isIn(ReasonCode.REPLAY, ReasonCode.DAG_DUPLICATE_JTI));
            assertThat(one.verifyChain().ok()).isTrue();
        }
    }

    @Test
    @DisplayName("L-02 L-06 32 concurrent appenders from two batching instances: every entry once, one chain, fewer transactions than entries")
    void l02ConcurrentAppendersShareTransactions() throws Exception {
        try (JdbcLedger one = ledger("many_"); JdbcLedger two = ledger("many_")) {
            int appenders = 32;
            int each = 10;
            List<SignedEct> all = new ArrayList<>();
            for (int i = 0; i < appenders * each; i++) {
                all.add(mint(uuid(), uuid(), "t"));
            }
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < appenders; t++) {
                JdbcLedger l = t % 2 == 0 ? one : two;
                List<SignedEct> mine = all.subList(t * each, (t + 1) * each);
                fs.add(threads.submit(() -> {
                    for (SignedEct s : mine) {
                        l.append(s);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
            List<String> jtis = all.stream().map(s -> s.ect().jti()).toList();
            assertThat(one.size()).isEqualTo(appenders * each);
            assertThat(one.entries(1, 10_000)).extracting(LedgerEntry::jti).containsExactlyInAnyOrderElementsOf(jtis);
            assertThat(transactions(one, jtis)).isLessThan(appenders * each);
            ChainVerification check = two.verifyChain();
            assertThat(check.ok()).as("%s", check).isTrue();
        }
    }

    @Test
    @DisplayName("L-05 appendBatching(false) and ect.appendBatching=false: one transaction per append, same chain rules")
    void l05BatchingOffIsOneTransactionPerAppend() throws Exception {
        try (JdbcLedger off = JdbcLedger.builder(TestDb.URL + "&ect.appendBatching=false").schema(SCHEMA).tablePrefix("off_").build();
             JdbcLedger offToo = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).tablePrefix("off_").appendBatching(false).build()) {
            List<Future<?>> fs = new ArrayList<>();
            List<String> jtis = new CopyOnWriteArrayList<>();
            for (int t = 0; t < 8; t++) {
                JdbcLedger l = t % 2 == 0 ? off : offToo;
                fs.add(threads.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        SignedEct s = mint(uuid(), uuid(), "t");
                        l.append(s);
                        jtis.add(s.ect().jti());
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertThat(off.queuedAppends()).isZero();
            assertThat(transactions(off, jtis)).isEqualTo(40);
            SignedEct dup = mint(uuid(), jtis.get(0), "dup");
            assertThat(off.findByJti(jtis.get(0))).hasSize(1);
            assertThat(offToo.verifyChain().ok()).isTrue();
            // same (iss, wid, jti) refused by the per-append path too
            LedgerEntry e = off.findEntries(jtis.get(0)).get(0);
            SignedEct again = mint(e.wid(), e.jti(), "again");
            assertThatThrownBy(() -> off.append(again)).isInstanceOf(EctRejectedException.class);
            assertThat(off.append(dup).seq()).isEqualTo(41); // another wid: not a duplicate
        }
        assertThatThrownBy(() -> JdbcLedger.builder(TestDb.URL + "&ect.appendBatching=maybe"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ect.appendBatching");
        assertThatThrownBy(() -> JdbcLedger.builder(TestDb.URL).appendBatching(true).appendBatching(false))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("L-05 appends queued when the ledger closes are still committed; later appends are 503")
    void l05CloseFinishesQueuedAppendsThenRefuses() throws Exception {
        JdbcLedger ledger = ledger("close_");
        SignedEct first = mint(uuid(), uuid(), "first");
        SignedEct queued = mint(uuid(), uuid(), "queued");
        List<Future<LedgerEntry>> f = oneBatchThenClose(ledger, first, queued);
        assertThat(get(f.get(0)).seq()).isEqualTo(1);
        assertThat(get(f.get(1)).seq()).isEqualTo(2);
        SignedEct late = mint(uuid(), uuid(), "late");
        assertThatThrownBy(() -> ledger.append(late)).isInstanceOfSatisfying(EctUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE));
        try (JdbcLedger again = ledger("close_")) {
            assertThat(again.size()).isEqualTo(2);
        }
    }

    private List<Future<LedgerEntry>> oneBatchThenClose(JdbcLedger ledger, SignedEct first, SignedEct queued) throws Exception {
        List<Future<LedgerEntry>> out = new ArrayList<>();
        Future<?> closing;
        try (Connection holder = holdHeadLock(ledger); Connection observer = TestDb.connect()) {
            out.add(threads.submit(() -> ledger.append(first)));
            await("the writer waits for the chain-head lock", 20, () -> someoneWaitsForTheLock(observer, ledger));
            out.add(threads.submit(() -> ledger.append(queued)));
            await("the append is queued", 20, () -> ledger.queuedAppends() == 1);
            closing = threads.submit(ledger::close);
            await("close() has signalled the writer", 20, () -> ledger.queuedAppends() == 2);
            holder.rollback();
        }
        closing.get(60, TimeUnit.SECONDS);
        return out;
    }
}

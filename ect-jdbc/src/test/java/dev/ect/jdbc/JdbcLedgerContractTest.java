package dev.ect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSigner;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.ledger.WorkflowDag;
import dev.ect.core.keys.EctKeys;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@code AuditLedger} shares (profile section 8), as ect-core's
 * {@code AuditLedgerContract} states it for {@code InMemoryLedger} and {@code FileLedger}, run
 * against {@link JdbcLedger}: each test on fresh tables (its own table prefix).
 */
class JdbcLedgerContractTest {
    static final String SCHEMA = TestDb.uniqueSchema(JdbcLedgerContractTest.class);
    static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final EctSigner SIGNER = EctSigner.builder(EctKeys.generate("k1")).clock(CLOCK).build();
    static final AtomicInteger TABLES = new AtomicInteger();

    final String w1 = UUID.randomUUID().toString();
    final String w2 = UUID.randomUUID().toString();
    final String prefix = "c" + TABLES.incrementAndGet() + "_";
    JdbcLedger ledger;

    @AfterEach
    void closeLedger() {
        if (ledger != null) {
            ledger.close();
        }
    }

    @AfterAll
    static void drop() { TestDb.dropSchema(SCHEMA); }

    JdbcLedger open() {
        return JdbcLedger.builder(TestDb.URL + "&ect.statementTimeout=60000&ect.connectTimeout=30000")
                .schema(SCHEMA).tablePrefix(prefix).clock(CLOCK).build();
    }

    JdbcLedger ledger() {
        if (ledger == null) {
            ledger = open();
        }
        return ledger;
    }

    static SignedEct mint(String jti, String wid, String act, List<String> pred) {
        return SIGNER.mint(Ect.builder().iss(Agents.A).aud(Agents.B).jti(jti).wid(wid).execAct(act).pred(pred)
                .iat(NOW.minusSeconds(30)).build());
    }

    SignedEct append(String wid, String act, String... pred) {
        SignedEct s = mint(UUID.randomUUID().toString(), wid, act, List.of(pred));
        ledger().append(s.ect(), s.compact());
        return s;
    }

    @Test
    void l02EntriesCarryTheEctFieldsAndChainByHash() { // L-02
        SignedEct a = append(w1, "plan");
        SignedEct b = append(w1, "review", a.ect().jti());
        SignedEct c = append(null, "audit");
        List<LedgerEntry> all = ledger().entries();
        assertThat(all).extracting(LedgerEntry::seq).containsExactly(1L, 2L, 3L);
        assertThat(all.get(0).prevHash()).isEqualTo(LedgerEntry.GENESIS_HASH);
        assertThat(all.get(1).prevHash()).isEqualTo(all.get(0).hash());
        assertThat(all.get(2).prevHash()).isEqualTo(all.get(1).hash());
        assertThat(all).allMatch(LedgerEntry::hashMatches);
        LedgerEntry eb = all.get(1);
        assertThat(eb.compact()).isEqualTo(b.compact());
        assertThat(eb.jti()).isEqualTo(b.ect().jti());
        assertThat(eb.wid()).isEqualTo(w1);
        assertThat(eb.iss()).isEqualTo(Agents.A);
        assertThat(eb.execAct()).isEqualTo("review");
        assertThat(eb.pred()).containsExactly(a.ect().jti());
        assertThat(all.get(2).wid()).isNull();
        assertThat(all.get(2).jti()).isEqualTo(c.ect().jti());
    }

    @Test
    void l02TheSameEctsMakeTheSameChainAsTheInMemoryLedger() { // L-02: one canonical form for every store
        InMemoryLedger memory = new InMemoryLedger(CLOCK);
        SignedEct a = mint(UUID.randomUUID().toString(), w1, "a", List.of());
        SignedEct b = mint(UUID.randomUUID().toString(), w1, "b", List.of(a.ect().jti()));
        SignedEct c = mint(UUID.randomUUID().toString(), null, "c\u00e9\"\\", List.of());
        for (SignedEct s : List.of(a, b, c)) {
            LedgerEntry db = ledger().append(s.ect(), s.compact());
            LedgerEntry mem = memory.append(s.ect(), s.compact());
            assertThat(db).isEqualTo(mem);
        }
        assertThat(ledger().entries()).isEqualTo(memory.entries());
        assertThat(ChainVerification.of(ledger().entries()).lastHash()).isEqualTo(memory.verifyChain().lastHash());
    }

    @Test
    void workflowDagExportIsTheSameAsFromTheInMemoryLedger() { // L-03 views
        InMemoryLedger memory = new InMemoryLedger(CLOCK);
        SignedEct a = mint(UUID.randomUUID().toString(), w1, "plan", List.of());
        SignedEct b = mint(UUID.randomUUID().toString(), w1, "review", List.of(a.ect().jti()));
        SignedEct c = mint(UUID.randomUUID().toString(), w1, "test", List.of(a.ect().jti()));
        SignedEct d = mint(UUID.randomUUID().toString(), w1, "merge", List.of(b.ect().jti(), c.ect().jti()));
        SignedEct other = mint(UUID.randomUUID().toString(), w2, "other", List.of());
        for (SignedEct s : List.of(a, b, other, c, d)) {
            ledger().append(s.ect(), s.compact());
            memory.append(s.ect(), s.compact());
        }
        WorkflowDag fromDb = WorkflowDag.of(ledger(), w1);
        WorkflowDag fromMemory = WorkflowDag.of(memory, w1);
        assertThat(fromDb.nodes()).hasSize(4);
        assertThat(fromDb.edges()).hasSize(4);
        assertThat(fromDb.toMermaid()).isEqualTo(fromMemory.toMermaid()).contains("review");
        assertThat(fromDb.toDot()).isEqualTo(fromMemory.toDot());
        assertThat(fromDb.toText()).isEqualTo(fromMemory.toText());
        assertThat(fromDb.topologicalOrder()).extracting(LedgerEntry::execAct).startsWith("plan").endsWith("merge");
    }

    @Test
    void l01AppendsNeverChangeEarlierEntriesAndSnapshotsAreReadOnly() { // L-01
        append(w1, "plan");
        List<LedgerEntry> snapshot = ledger().entries();
        append(w1, "more");
        append(w1, "more");
        assertThat(ledger().entries().subList(0, 1)).isEqualTo(snapshot);
        assertThat(snapshot).hasSize(1);
        assertThatThrownBy(() -> snapshot.remove(0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ledger().entriesOfWorkflow(w1).clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void l03LooksUpByJtiWorkflowAndAncestors() { // L-03
        SignedEct a = append(w1, "a");
        SignedEct b = append(w1, "b", a.ect().jti());
        SignedEct c = append(w1, "c", a.ect().jti());
        SignedEct other = append(w2, "other");
        SignedEct d = append(w1, "d", b.ect().jti(), c.ect().jti());
        SignedEct free = append(null, "free");

        assertThat(ledger().findByJti(b.ect().jti())).containsExactly(b.ect());
        assertThat(ledger().findByJti(UUID.randomUUID().toString())).isEmpty();
        assertThat(ledger().findEntries(d.ect().jti())).extracting(LedgerEntry::seq).containsExactly(5L);
        assertThat(ledger().findEntry(w1, a.ect().jti())).map(LedgerEntry::seq).contains(1L);
        assertThat(ledger().findEntry(w2, a.ect().jti())).isEmpty();
        assertThat(ledger().findEntry(null, free.ect().jti())).map(LedgerEntry::seq).contains(6L);
        assertThat(ledger().entriesOfWorkflow(w1)).extracting(LedgerEntry::execAct).containsExactly("a", "b", "c", "d");
        assertThat(ledger().entriesOfWorkflow(w2)).extracting(LedgerEntry::jti).containsExactly(other.ect().jti());
        assertThat(ledger().entriesOfWorkflow(null)).extracting(LedgerEntry::jti).containsExactly(free.ect().jti());
        assertThat(ledger().entriesOfWorkflow(UUID.randomUUID().toString())).isEmpty();

        assertThat(ledger().ancestors(d.ect().jti(), 100)).extracting(LedgerEntry::execAct).containsExactly("b", "c", "a");
        assertThat(ledger().ancestors(d.ect().jti(), 2)).extracting(LedgerEntry::execAct).containsExactly("b", "c");
        assertThat(ledger().ancestors(d.ect().jti(), 0)).isEmpty();
        assertThat(ledger().ancestors(a.ect().jti(), 100)).isEmpty();
        assertThat(ledger().ancestors(UUID.randomUUID().toString(), 100)).isEmpty();
        assertThatThrownBy(() -> ledger().ancestors(a.ect().jti(), -1)).isInstanceOf(IllegalArgumentException.class);

        assertThat(ledger().entries(2, 2)).extracting(LedgerEntry::seq).containsExactly(2L, 3L);
        assertThat(ledger().entries(6, 10)).extracting(LedgerEntry::seq).containsExactly(6L);
        assertThat(ledger().entries(7, 10)).isEmpty();
        assertThat(ledger().entries(1, 0)).isEmpty();
        assertThatThrownBy(() -> ledger().entries(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger().entries(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void l03AncestorsSkipUnresolvedPredecessors() { // L-03, G-02 ALLOW
        SignedEct a = append(w1, "a");
        SignedEct b = append(w1, "b", UUID.randomUUID().toString(), a.ect().jti());
        assertThat(ledger().ancestors(b.ect().jti(), 10)).extracting(LedgerEntry::execAct).containsExactly("a");
    }

    @Test
    void l03AncestorsOfALongChainAreBoundedByTheLimit() { // L-03
        List<String> jtis = new ArrayList<>();
        SignedEct prev = append(w1, "t0");
        jtis.add(prev.ect().jti());
        for (int i = 1; i < 30; i++) {
            prev = append(w1, "t" + i, prev.ect().jti());
            jtis.add(prev.ect().jti());
        }
        assertThat(ledger().ancestors(prev.ect().jti(), 1000)).hasSize(29);
        assertThat(ledger().ancestors(prev.ect().jti(), 5)).extracting(LedgerEntry::execAct)
                .containsExactly("t28", "t27", "t26", "t25", "t24");
    }

    @Test
    void l04VerifyChainCountsEveryEntry() { // L-04
        assertThat(ledger().verifyChain().ok()).isTrue();
        assertThat(ledger().verifyChain().entriesChecked()).isZero();
        assertThat(ledger().verifyChain().lastHash()).isEqualTo(LedgerEntry.GENESIS_HASH);
        for (int i = 0; i < 5; i++) {
            append(w1, "t" + i);
        }
        ChainVerification v = ledger().verifyChain();
        assertThat(v.ok()).isTrue();
        assertThat(v.entriesChecked()).isEqualTo(5);
        assertThat(v.lastHash()).isEqualTo(ledger().entries().get(4).hash());
        assertThat(v.brokenSeq()).isEmpty();
        assertThat(v.problem()).isEmpty();
        assertThat(v.toString()).contains("intact", "5 entries");
    }

    @Test
    void l05AcknowledgedEntriesSurviveReopening() { // L-05
        SignedEct a = append(w1, "a");
        SignedEct b = append(w1, "b", a.ect().jti());
        List<LedgerEntry> before = ledger().entries();
        ledger.close();
        ledger = open();
        assertThat(ledger.entries()).isEqualTo(before);
        assertThat(ledger.findByJti(b.ect().jti())).containsExactly(b.ect());
        SignedEct c = append(w1, "c", b.ect().jti());
        assertThat(ledger.findEntry(w1, c.ect().jti()).orElseThrow().prevHash()).isEqualTo(before.get(1).hash());
        assertThat(ledger.verifyChain().entriesChecked()).isEqualTo(3);
    }

    @Test
    void l06RefusesTheSameWidAndJtiTwice() { // L-06
        SignedEct a = append(w1, "a");
        assertThatThrownBy(() -> ledger().append(a.ect(), a.compact())).isInstanceOfSatisfying(EctRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.DAG_DUPLICATE_JTI);
            assertThat(e.error().ruleId()).isEqualTo("L-06");
            assertThat(e.httpStatus()).isEqualTo(403);
        });
        SignedEct again = mint(a.ect().jti(), w1, "different", List.of());
        assertThatThrownBy(() -> ledger().append(again.ect(), again.compact())).isInstanceOf(EctRejectedException.class);
        SignedEct otherWid = mint(a.ect().jti(), w2, "a", List.of());
        SignedEct noWid = mint(a.ect().jti(), null, "a", List.of());
        ledger().append(otherWid.ect(), otherWid.compact());
        ledger().append(noWid.ect(), noWid.compact());
        assertThatThrownBy(() -> ledger().append(noWid.ect(), noWid.compact())).isInstanceOf(EctRejectedException.class);
        assertThat(ledger().entries()).hasSize(3);
        assertThat(ledger().findEntries(a.ect().jti())).hasSize(3);
        assertThat(ledger().verifyChain().ok()).isTrue();
    }

    @Test
    void l06ConcurrentAppendsOfOneEctRecordItOnce() throws Exception { // L-06
        SignedEct a = mint(UUID.randomUUID().toString(), w1, "a", List.of());
        JdbcLedger l = ledger();
        int threads = 6;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger won = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    start.await();
                    try {
                        l.append(a.ect(), a.compact());
                        won.incrementAndGet();
                    } catch (EctRejectedException e) {
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(won.get()).isEqualTo(1);
        assertThat(refused.get()).isEqualTo(threads - 1);
        assertThat(l.entries()).hasSize(1);
    }

    @Test
    void eightConcurrentAppendersProduceOneValidChainWithExactCounts() throws Exception { // L-02, L-06
        int threads = 8;
        int perThread = 25;
        JdbcLedger l = ledger();
        List<SignedEct> tokens = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            tokens.add(mint(UUID.randomUUID().toString(), i % 2 == 0 ? w1 : null, "t" + i, List.of()));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<LedgerEntry> returned = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<SignedEct> mine = tokens.subList(t * perThread, (t + 1) * perThread);
                fs.add(pool.submit(() -> {
                    start.await();
                    for (SignedEct s : mine) {
                        returned.add(l.append(s.ect(), s.compact()));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int n = threads * perThread;
        List<LedgerEntry> all = l.entries();
        assertThat(all).hasSize(n);
        assertThat(returned).hasSize(n).containsExactlyInAnyOrderElementsOf(all);
        Set<String> jtis = new HashSet<>();
        all.forEach(e -> jtis.add(e.jti()));
        assertThat(jtis).hasSize(n);
        ChainVerification v = l.verifyChain();
        assertThat(v.ok()).as("%s", v).isTrue();
        assertThat(v.entriesChecked()).isEqualTo(n);
        assertThat(l.entriesOfWorkflow(w1)).hasSize(n / 2);
        assertThat(l.entriesOfWorkflow(null)).hasSize(n / 2);
    }

    @Test
    void refusesACompactThatDoesNotCarryTheEct() {
        SignedEct a = mint(UUID.randomUUID().toString(), w1, "a", List.of());
        SignedEct b = mint(UUID.randomUUID().toString(), w1, "b", List.of());
        assertThatThrownBy(() -> ledger().append(a.ect(), b.compact())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger().append(a.ect(), "not-a-token")).isInstanceOf(IllegalArgumentException.class);
        Ect noJti = Ect.builder().iss("i").aud("a").execAct("x").build();
        assertThatThrownBy(() -> ledger().append(noJti, a.compact())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger().append(null, a.compact())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ledger().append(a.ect(), null)).isInstanceOf(NullPointerException.class);
        assertThat(ledger().entries()).isEmpty();
        ledger().append(a.ect(), a.compact());
        assertThat(ledger().entries()).hasSize(1);
    }
}

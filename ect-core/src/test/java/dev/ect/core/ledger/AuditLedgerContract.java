package dev.ect.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctRejectedException;
import dev.ect.core.ReasonCode;
import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link AuditLedger} shares (profile section 8), run against each implementation
 * (also by ect-jdbc, through ect-core's test-jar).
 */
public abstract class AuditLedgerContract {
    protected final String w1 = UUID.randomUUID().toString();
    protected final String w2 = UUID.randomUUID().toString();
    protected AuditLedger ledger;

    protected abstract AuditLedger newLedger() throws Exception;

    /** The same ledger after a restart (for durable ledgers), or the same object. */
    protected abstract AuditLedger reopen() throws Exception;

    @AfterEach
    public void closeLedger() throws Exception {
        if (ledger instanceof AutoCloseable c) {
            c.close();
        }
    }

    protected AuditLedger ledger() throws Exception {
        if (ledger == null) {
            ledger = newLedger();
        }
        return ledger;
    }

    protected SignedEct append(String wid, String act, String... pred) throws Exception {
        SignedEct s = TestEcts.mint(wid, act, List.of(pred));
        ledger().append(s);
        return s;
    }

    // L-02
    @Test
    public void l02EntriesCarryTheEctFieldsAndChainByHash() throws Exception {
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
        assertThat(eb.iss()).isEqualTo(TestEcts.ISS);
        assertThat(eb.execAct()).isEqualTo("review");
        assertThat(eb.pred()).containsExactly(a.ect().jti());
        assertThat(all.get(2).wid()).isNull();
        assertThat(all.get(2).jti()).isEqualTo(c.ect().jti());
    }

    // L-01: append-only; what was returned never changes
    @Test
    public void l01AppendsNeverChangeEarlierEntriesAndSnapshotsAreReadOnly() throws Exception {
        append(w1, "plan");
        List<LedgerEntry> snapshot = ledger().entries();
        append(w1, "more");
        append(w1, "more");
        assertThat(ledger().entries().subList(0, 1)).isEqualTo(snapshot);
        assertThat(snapshot).hasSize(1);
        assertThatThrownBy(() -> snapshot.remove(0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ledger().entriesOfWorkflow(w1).clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    // L-03: lookups by jti, by wid, of ancestors
    @Test
    public void l03LooksUpByJtiWorkflowAndAncestors() throws Exception {
        SignedEct a = append(w1, "a");
        SignedEct b = append(w1, "b", a.ect().jti());
        SignedEct c = append(w1, "c", a.ect().jti());
        SignedEct other = append(w2, "other");
        SignedEct d = append(w1, "d", b.ect().jti(), c.ect().jti());
        SignedEct free = append(null, "free");

        assertThat(ledger().findByJti(b.ect().jti())).containsExactly(b);
        assertThat(ledger().findByJti(UUID.randomUUID().toString())).isEmpty();
        assertThat(ledger().findEntries(d.ect().jti())).extracting(LedgerEntry::seq).containsExactly(5L);
        assertThat(ledger().findEntry(w1, a.ect().jti())).map(LedgerEntry::seq).contains(1L);
        assertThat(ledger().findEntry(w2, a.ect().jti())).isEmpty();
        assertThat(ledger().entriesOfWorkflow(w1)).extracting(LedgerEntry::execAct).containsExactly("a", "b", "c", "d");
        assertThat(ledger().entriesOfWorkflow(w2)).extracting(LedgerEntry::jti).containsExactly(other.ect().jti());
        assertThat(ledger().entriesOfWorkflow(null)).extracting(LedgerEntry::jti).containsExactly(free.ect().jti());
        assertThat(ledger().entriesOfWorkflow(UUID.randomUUID().toString())).isEmpty();

        assertThat(ledger().ancestors(d.ect().jti(), 100)).extracting(LedgerEntry::execAct).containsExactly("b", "c", "a");
        assertThat(ledger().ancestors(d.ect().jti(), 2)).extracting(LedgerEntry::execAct).containsExactly("b", "c");
        assertThat(ledger().ancestors(d.ect().jti(), 1)).extracting(LedgerEntry::execAct).containsExactly("b");
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

    // L-03: ancestors skip predecessors that are not in the ledger (ALLOW policy of G-02)
    @Test
    public void l03AncestorsSkipUnresolvedPredecessors() throws Exception {
        SignedEct a = append(w1, "a");
        SignedEct b = append(w1, "b", UUID.randomUUID().toString(), a.ect().jti());
        assertThat(ledger().ancestors(b.ect().jti(), 10)).extracting(LedgerEntry::execAct).containsExactly("a");
    }

    // L-04
    @Test
    public void l04VerifyChainCountsEveryEntry() throws Exception {
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

    // L-05: an acknowledged entry is there after a restart
    @Test
    public void l05AcknowledgedEntriesSurviveReopening() throws Exception {
        SignedEct a = append(w1, "a");
        SignedEct b = append(w1, "b", a.ect().jti());
        SignedEct n = append(null, "no_wid");
        List<LedgerEntry> before = ledger().entries();
        ledger = reopen();
        assertThat(ledger.entries()).isEqualTo(before);
        assertThat(ledger.findByJti(b.ect().jti())).containsExactly(b);
        assertThat(ledger.findByJti(n.ect().jti())).containsExactly(n);
        assertThat(ledger.entriesOfWorkflow(null)).extracting(LedgerEntry::jti).containsExactly(n.ect().jti());
        SignedEct c = append(w1, "c", b.ect().jti());
        assertThat(ledger.findEntry(w1, c.ect().jti()).orElseThrow().prevHash()).isEqualTo(before.get(2).hash());
        assertThat(ledger.verifyChain().entriesChecked()).isEqualTo(4);
    }

    // L-06
    @Test
    public void l06RefusesTheSameWidAndJtiTwice() throws Exception {
        SignedEct a = append(w1, "a");
        assertThatThrownBy(() -> ledger().append(a)).isInstanceOfSatisfying(EctRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.DAG_DUPLICATE_JTI);
            assertThat(e.error().ruleId()).isEqualTo("L-06");
            assertThat(e.httpStatus()).isEqualTo(403);
        });
        // another token with the same jti in the same workflow
        SignedEct again = TestEcts.mint(a.ect().jti(), w1, "different", List.of(), -30);
        assertThatThrownBy(() -> ledger().append(again)).isInstanceOf(EctRejectedException.class);
        // the same jti in another workflow, or without a wid, is another key
        SignedEct otherWid = TestEcts.mint(a.ect().jti(), w2, "a", List.of(), -30);
        SignedEct noWid = TestEcts.mint(a.ect().jti(), null, "a", List.of(), -30);
        ledger().append(otherWid);
        ledger().append(noWid);
        assertThatThrownBy(() -> ledger().append(noWid)).isInstanceOf(EctRejectedException.class);
        assertThat(ledger().entries()).hasSize(3);
        assertThat(ledger().findEntries(a.ect().jti())).hasSize(3);
        assertThat(ledger().verifyChain().ok()).isTrue();
    }

    // L-06 with P-01: the key is (iss, wid, jti) with ids compared ignoring letter case; another
    // issuer's ECT with the same (wid, jti) is another key (found by findEntry(iss, wid, jti))
    @Test
    public void l06KeyIgnoresIdCaseAndIncludesTheIssuer() throws Exception {
        SignedEct a = append(w1, "a");
        String jti = a.ect().jti();
        SignedEct upper = TestEcts.mint(jti.toUpperCase(java.util.Locale.ROOT), w1.toUpperCase(java.util.Locale.ROOT), "a", List.of(), -30);
        assertThatThrownBy(() -> ledger().append(upper)).isInstanceOfSatisfying(EctRejectedException.class,
                e -> assertThat(e.error().ruleId()).isEqualTo("L-06"));
        EctSigner otherIssuer = EctSigner.builder(TestEcts.KEY).clock(TestEcts.CLOCK).build();
        SignedEct b = otherIssuer.mint(Ect.builder().iss("spiffe://example.com/agent/c").aud(TestEcts.AUD).jti(jti).wid(w1)
                .execAct("a").iat(TestEcts.NOW.minusSeconds(30)).build());
        ledger().append(b);
        assertThat(ledger().findEntry(TestEcts.ISS, w1.toUpperCase(java.util.Locale.ROOT), jti)).map(LedgerEntry::seq).contains(1L);
        assertThat(ledger().findEntry("spiffe://example.com/agent/c", w1, jti.toUpperCase(java.util.Locale.ROOT)))
                .map(LedgerEntry::seq).contains(2L);
        assertThat(ledger().findEntry("spiffe://example.com/agent/d", w1, jti)).isEmpty();
        assertThat(ledger().findEntry(TestEcts.ISS, w2, jti)).isEmpty();
        assertThatThrownBy(() -> ledger().append(b)).isInstanceOf(EctRejectedException.class);
        assertThat(ledger().entries()).hasSize(2);
    }

    // L-06 under concurrency: exactly one of many simultaneous appends of one ECT wins
    @Test
    public void l06ConcurrentAppendsOfOneEctRecordItOnce() throws Exception {
        SignedEct a = TestEcts.mint(w1, "a", List.of());
        AuditLedger l = ledger();
        int threads = 8;
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
                        l.append(a);
                        won.incrementAndGet();
                    } catch (EctRejectedException e) {
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(won.get()).isEqualTo(1);
        assertThat(refused.get()).isEqualTo(threads - 1);
        assertThat(l.entries()).hasSize(1);
    }

    // L-02/L-06 under concurrency: 8 appending threads, a valid chain, nothing lost or doubled
    @Test
    public void eightConcurrentAppendersProduceOneValidChainWithExactCounts() throws Exception {
        int threads = 8;
        int perThread = appendsPerThread();
        AuditLedger l = ledger();
        List<SignedEct> tokens = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            tokens.add(TestEcts.unsigned(i % 2 == 0 ? w1 : null, "t" + i, List.of()));
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
                        LedgerEntry e = l.append(s);
                        assertThat(e.jti()).isEqualTo(s.ect().jti());
                        returned.add(e);
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
        assertThat(tokens).allMatch(s -> jtis.contains(s.ect().jti()));
        ChainVerification v = l.verifyChain();
        assertThat(v.ok()).as("%s", v).isTrue();
        assertThat(v.entriesChecked()).isEqualTo(n);
        assertThat(l.entriesOfWorkflow(w1)).hasSize(n / 2);
        assertThat(l.entriesOfWorkflow(null)).hasSize(n / 2);
    }

    protected int appendsPerThread() { return 125; }

    @Test
    public void takesTheSignedTokenAsItIs() throws Exception {
        assertThatThrownBy(() -> ledger().append(null)).isInstanceOf(NullPointerException.class);
        assertThat(ledger().entries()).isEmpty();
        SignedEct a = TestEcts.mint(w1, "a", List.of(TestEcts.uuid("p")));
        LedgerEntry e = ledger().append(a);
        assertThat(e.compact()).isEqualTo(a.compact());
        assertThat(List.of(e.jti(), e.wid(), e.iss(), e.execAct())).containsExactly(a.ect().jti(), a.ect().wid(),
                a.ect().iss(), a.ect().execAct());
        assertThat(e.pred()).isEqualTo(a.ect().pred());
        assertThat(e.ect()).isEqualTo(a.ect()); // the stored token decodes to the ECT it was appended with
        assertThat(ledger().findByJti(a.ect().jti())).containsExactly(a);
    }
}

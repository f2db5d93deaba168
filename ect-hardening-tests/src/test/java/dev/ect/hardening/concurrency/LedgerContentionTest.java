package dev.ect.hardening.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctRejectedException;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.hardening.support.LedgerFixtures;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ledger appends under contention (L-01, L-02, L-05, L-06): many threads append at once, released
 * together. Every acknowledged entry is there exactly once, sequence numbers have no gaps, the
 * hash chain verifies, and racing appends of one (iss, wid, jti) let exactly one through. For the
 * FileLedger (group commit) the same holds after closing and reopening the file.
 */
class LedgerContentionTest {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 60;
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void inMemoryLedgerUnderContention() throws Exception {
        InMemoryLedger ledger = new InMemoryLedger();
        Set<String> acked = appendConcurrently(ledger);
        assertComplete(ledger, acked);
        assertOneWinnerPerKey(ledger);
    }

    @Test
    void fileLedgerUnderContentionAndAfterReopen() throws Exception {
        Path file = dir.resolve("ledger.jsonl");
        Set<String> acked;
        try (FileLedger ledger = FileLedger.open(file)) {
            acked = appendConcurrently(ledger);
            assertComplete(ledger, acked);
            assertOneWinnerPerKey(ledger);
            acked = jtis(ledger);
        }
        try (FileLedger reopened = FileLedger.open(file)) { // L-05: everything acknowledged is on disk
            assertComplete(reopened, acked);
        }
    }

    private static Set<String> appendConcurrently(AuditLedger ledger) throws Exception {
        Set<String> acked = ConcurrentHashMap.newKeySet();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                List<SignedEct> mine = new ArrayList<>();
                String wid = UUID.randomUUID().toString();
                for (int i = 0; i < PER_THREAD; i++) {
                    mine.add(LedgerFixtures.entry(NOW, i % 2 == 0 ? wid : null));
                }
                fs.add(pool.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    for (SignedEct e : mine) {
                        LedgerEntry le = ledger.append(e);
                        assertThat(le.jti()).isEqualTo(e.ect().jti());
                        acked.add(le.jti());
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(acked).hasSize(THREADS * PER_THREAD);
        return acked;
    }

    private static void assertComplete(AuditLedger ledger, Set<String> acked) {
        List<LedgerEntry> all = ledger.entries();
        assertThat(all).hasSize(acked.size());
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).seq()).as("gapless sequence").isEqualTo(i + 1L);
        }
        assertThat(jtis(ledger)).isEqualTo(acked);
        assertThat(ledger.verifyChain().ok()).as("%s", ledger.verifyChain()).isTrue();
    }

    private static Set<String> jtis(AuditLedger ledger) {
        Set<String> s = new HashSet<>();
        for (LedgerEntry e : ledger.entries()) {
            assertThat(s.add(e.jti())).as("jti %s twice", e.jti()).isTrue();
        }
        return s;
    }

    /** L-06 under contention: THREADS appends of one (iss, wid, jti) at once; exactly one succeeds. */
    private static void assertOneWinnerPerKey(AuditLedger ledger) throws Exception {
        long before = ledger.entries().size();
        int rounds = 10;
        for (int r = 0; r < rounds; r++) {
            SignedEct e = LedgerFixtures.entry(NOW, UUID.randomUUID().toString());
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger dup = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    fs.add(pool.submit(() -> {
                        go.await(10, TimeUnit.SECONDS);
                        try {
                            ledger.append(e);
                            ok.incrementAndGet();
                        } catch (EctRejectedException ex) {
                            assertThat(ex.reason()).isEqualTo(ReasonCode.DAG_DUPLICATE_JTI);
                            dup.incrementAndGet();
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : fs) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(ok.get()).isEqualTo(1);
            assertThat(dup.get()).isEqualTo(THREADS - 1);
        }
        assertThat(ledger.entries()).hasSize((int) before + rounds);
        assertThat(ledger.verifyChain().ok()).isTrue();
    }
}

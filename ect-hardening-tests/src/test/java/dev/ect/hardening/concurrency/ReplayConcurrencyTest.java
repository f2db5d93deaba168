package dev.ect.hardening.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.VerifiedEct;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.hardening.support.Forge;
import dev.ect.testing.MutableClock;
import dev.ect.hardening.support.Verifiers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * P-02: the replay check-and-record is atomic. Many threads present the same tokens (and
 * re-signed or malleated copies of them) at the same moment, released together by a latch: each
 * (iss, wid, jti) is accepted exactly once, every other presentation is refused as a replay, and with a
 * ledger (L3) each accepted ECT is appended exactly once.
 */
class ReplayConcurrencyTest {
    private static final int THREADS = 8;
    private static final int TOKENS = 60;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));

    @Test
    void eachTokenIsAcceptedExactlyOnceUnderContention() throws Exception {
        InMemoryLedger ledger = new InMemoryLedger();
        EctVerifier verifier = Verifiers.builder(clock).replayStore(new CaffeineReplayStore(100_000, clock)).ledger(ledger).build();

        // per task: the token, the same claims re-signed, and the (r, n - s) twin of the signature
        List<List<String>> variants = new ArrayList<>();
        for (int i = 0; i < TOKENS; i++) {
            Map<String, Object> c = Forge.claims(clock.instant());
            String t = Forge.token(Forge.header(), c, Forge.es256(Forge.TRUSTED.privateKey()));
            variants.add(List.of(t, Forge.token(Forge.header(), c, Forge.es256(Forge.TRUSTED.privateKey())), Forge.malleate(t)));
        }

        Map<String, AtomicInteger> acceptedPerJti = new ConcurrentHashMap<>();
        AtomicInteger replays = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int th = 0; th < THREADS; th++) {
                int seed = th;
                futures.add(pool.submit(() -> {
                    List<Integer> order = new ArrayList<>();
                    for (int i = 0; i < TOKENS; i++) {
                        order.add(i);
                    }
                    Collections.shuffle(order, new Random(seed));
                    go.await(10, TimeUnit.SECONDS);
                    for (int i : order) {
                        String token = variants.get(i).get(seed % 3);
                        try {
                            VerifiedEct v = verifier.verify(token);
                            acceptedPerJti.computeIfAbsent(v.ect().jti(), k -> new AtomicInteger()).incrementAndGet();
                        } catch (EctException e) {
                            if (e.reason() == ReasonCode.REPLAY) {
                                replays.incrementAndGet();
                            } else {
                                other.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(other.get()).as("no outcome other than accept or replay").isZero();
        assertThat(acceptedPerJti).hasSize(TOKENS);
        assertThat(acceptedPerJti.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(replays.get()).isEqualTo(THREADS * TOKENS - TOKENS);
        assertThat(ledger.size()).as("each accepted ECT appended exactly once").isEqualTo(TOKENS);
    }

    @Test
    void differentTokensRacingForOneJtiAcceptOnlyOne() throws Exception { // G-01 + P-02
        InMemoryLedger ledger = new InMemoryLedger();
        EctVerifier verifier = Verifiers.builder(clock).ledger(ledger).build();
        int rounds = 15;
        for (int round = 0; round < rounds; round++) {
            Map<String, Object> base = Forge.claims(clock.instant());
            List<String> rivals = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                Map<String, Object> c = new java.util.LinkedHashMap<>(base);
                c.put("exec_act", "rival_" + i); // same (wid, jti), different claims
                rivals.add(Forge.token(Forge.header(), c, Forge.es256(Forge.TRUSTED.privateKey())));
            }
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (String t : rivals) {
                    fs.add(pool.submit(() -> {
                        go.await(10, TimeUnit.SECONDS);
                        try {
                            verifier.verify(t);
                            accepted.incrementAndGet();
                        } catch (EctException e) {
                            assertThat(e.reason()).isIn(ReasonCode.REPLAY, ReasonCode.DAG_DUPLICATE_JTI);
                            refused.incrementAndGet();
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
            assertThat(accepted.get()).as("round %d", round).isEqualTo(1);
            assertThat(refused.get()).isEqualTo(THREADS - 1);
        }
        assertThat(ledger.size()).isEqualTo(rounds);
    }

    @Test
    void theStoreItselfRecordsEachKeyOnceUnderContention() throws Exception { // P-02 on the store alone
        CaffeineReplayStore store = new CaffeineReplayStore(1_000_000, clock);
        int keys = 2_000;
        AtomicInteger firsts = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int th = 0; th < THREADS; th++) {
                fs.add(pool.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    for (int k = 0; k < keys; k++) {
                        if (store.checkAndRecord("iss-a", "w", "jti-" + k, clock.instant().plusSeconds(600))) {
                            firsts.incrementAndGet();
                        }
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
        assertThat(firsts.get()).isEqualTo(keys);
        assertThat(store.size()).isEqualTo(keys);
    }
}

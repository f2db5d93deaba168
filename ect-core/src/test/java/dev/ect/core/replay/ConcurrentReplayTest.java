package dev.ect.core.replay;

import static dev.ect.core.support.Fixtures.NOW;
import static dev.ect.core.support.Fixtures.claims;
import static dev.ect.core.support.Fixtures.header;
import static dev.ect.core.support.Fixtures.keyA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctRejectedException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.support.Fixtures;
import dev.ect.core.support.Jws;
import dev.ect.core.support.MutableClock;
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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** P-02: check-and-record is atomic; under concurrent submission each token is accepted exactly once. */
class ConcurrentReplayTest {
    private static final int THREADS = 8;

    /** Runs the task on THREADS threads released together by a start gate; returns their results. */
    private static <T> List<T> race(java.util.function.IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch ready = new CountDownLatch(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    assertThat(start.await(30, TimeUnit.SECONDS)).isTrue();
                    return task.apply(id);
                }));
            }
            assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
            start.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(120, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    @DisplayName("P-02 V-14 each token is accepted exactly once under concurrent verification")
    void eachTokenIsAcceptedExactlyOnceUnderConcurrentVerification() throws Exception { // P-02, V-14
        EctVerifier verifier = Fixtures.verifierB().build();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Map<String, Object> c = claims();
            tokens.add(Jws.sign(header(keyA()), c, keyA()));
        }
        Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
        AtomicInteger replays = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        race(id -> {
            List<String> mine = new ArrayList<>(tokens);
            Collections.shuffle(mine, new Random(id));
            for (String t : mine) {
                try {
                    String jti = verifier.verify(t).ect().jti();
                    accepted.computeIfAbsent(jti, k -> new AtomicInteger()).incrementAndGet();
                } catch (EctRejectedException e) {
                    (e.reason() == ReasonCode.REPLAY ? replays : other).incrementAndGet();
                }
            }
            return null;
        });
        assertThat(other).hasValue(0);
        assertThat(accepted).hasSize(tokens.size());
        assertThat(accepted.values()).allSatisfy(n -> assertThat(n).hasValue(1));
        assertThat(replays).hasValue(tokens.size() * (THREADS - 1));
    }

    @Test
    @DisplayName("P-02 check-and-record is atomic: each key is recorded exactly once under contention")
    void storeRecordsEachKeyExactlyOnceUnderContention() throws Exception { // P-02 at the SPI level
        CaffeineReplayStore store = new CaffeineReplayStore(100_000, new MutableClock(NOW));
        int keys = 5_000;
        List<Integer> wins = race(id -> {
            int won = 0;
            for (int i = 0; i < keys; i++) {
                int k = (i + id * 613) % keys; // every thread sweeps every key, in a different order
                if (store.checkAndRecord("iss-a", "w", "jti-" + k, NOW.plusSeconds(60))) {
                    won++;
                }
            }
            return won;
        });
        assertThat(wins.stream().mapToInt(Integer::intValue).sum()).isEqualTo(keys);
        assertThat(store.size()).isEqualTo(keys);
    }
}

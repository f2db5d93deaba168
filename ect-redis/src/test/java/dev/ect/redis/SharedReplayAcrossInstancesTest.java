package dev.ect.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctRejectedException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two verifier instances, each with its own {@link RedisReplayStore} (its own connection pool, as
 * two replicas would have), sharing one Redis: a token is accepted once across both (P-04, V-14).
 */
class SharedReplayAcrossInstancesTest {
    static final String PREFIX = TestRedis.uniquePrefix(SharedReplayAcrossInstancesTest.class);

    final TestTokens tokens = new TestTokens(Clock.systemUTC());
    RedisReplayStore store1;
    RedisReplayStore store2;
    EctVerifier instance1;
    EctVerifier instance2;

    @BeforeEach
    void start() {
        // generous timeouts: this test is about sharing, not about timeouts, and CI machines are small
        store1 = RedisReplayStore.builder(TestRedis.URL).keyPrefix(PREFIX).commandTimeout(Duration.ofSeconds(5)).build();
        store2 = RedisReplayStore.builder(TestRedis.URL).keyPrefix(PREFIX).commandTimeout(Duration.ofSeconds(5)).build();
        instance1 = tokens.verifier(store1);
        instance2 = tokens.verifier(store2);
    }

    @AfterEach
    void stop() {
        store1.close();
        store2.close();
    }

    @AfterAll
    static void cleanUp() { TestRedis.deleteAll(PREFIX); }

    @Test
    void tokenAcceptedByOneInstanceIsAReplayAtTheOther() { // P-04, V-14
        String token = tokens.mint();
        assertThat(instance1.verify(token).ect().iss()).isEqualTo(TestTokens.A);
        assertThatThrownBy(() -> instance2.verify(token))
                .isInstanceOfSatisfying(EctRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY);
                    assertThat(e.httpStatus()).isEqualTo(403);
                });
        String other = tokens.mint();
        assertThat(instance2.verify(other)).isNotNull();
        assertThatThrownBy(() -> instance1.verify(other))
                .isInstanceOfSatisfying(EctRejectedException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY));
    }

    @Test
    void threadsRacingTheSameTokensAcrossBothInstancesAcceptEachExactlyOnce() throws Exception { // P-02, P-04
        int tokenCount = 100;
        int threads = 4; // two per instance
        List<String> all = new ArrayList<>();
        for (int i = 0; i < tokenCount; i++) {
            all.add(tokens.mint());
        }
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger replays = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicInteger[] perInstance = {new AtomicInteger(), new AtomicInteger()};
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int instance = t % 2;
                EctVerifier v = instance == 0 ? instance1 : instance2;
                fs.add(pool.submit(() -> {
                    go.await();
                    for (String token : all) {
                        try {
                            v.verify(token);
                            accepted.incrementAndGet();
                            perInstance[instance].incrementAndGet();
                        } catch (EctRejectedException e) {
                            (e.reason() == ReasonCode.REPLAY ? replays : other).incrementAndGet();
                        }
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
        assertThat(accepted.get()).isEqualTo(tokenCount);
        assertThat(replays.get()).isEqualTo(tokenCount * (threads - 1));
        assertThat(other.get()).isZero();
        assertThat(perInstance[0].get() + perInstance[1].get()).isEqualTo(tokenCount);
    }
}

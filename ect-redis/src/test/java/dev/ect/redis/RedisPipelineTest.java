package dev.ect.redis;

import static dev.ect.redis.RedisFaultTest.assertUnavailable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.testing.TcpProxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * Pipelining (group commit) of {@code SET NX PX}: concurrent calls share round trips, and every
 * guarantee of a single call holds per call (P-02, fail closed, the retry rule, {@code WAIT}).
 * Against the machine's Redis, and private {@code redis-server} processes and a TCP proxy for the
 * faults. The tests that also hold for one command per call run in both modes.
 */
class RedisPipelineTest {
    static final String PREFIX = TestRedis.uniquePrefix(RedisPipelineTest.class);
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @AfterAll
    static void cleanUp() { TestRedis.deleteAll(PREFIX); }

    static String uuid() { return UUID.randomUUID().toString(); }

    static String prefix() { return PREFIX + uuid() + ":"; }

    static RedisReplayStore store(String url, boolean pipelining, String prefix) {
        return RedisReplayStore.builder(url).pipelining(pipelining).keyPrefix(prefix).clock(CLOCK).build();
    }

    /**
     * {@code threads} threads each run {@code call(thread, round)} once per round, all starting each
     * round together (a barrier); returns what each call threw, if anything.
     */
    static List<Throwable> concurrently(int threads, int rounds, Call call) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(threads);
        ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        barrier.await(30, TimeUnit.SECONDS);
                        try {
                            call.run(thread, round);
                        } catch (RuntimeException e) {
                            thrown.add(e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return List.copyOf(thrown);
    }

    interface Call {
        void run(int thread, int round);
    }

    static void assertIs503(Throwable e) {
        assertThat(e).isInstanceOfSatisfying(EctUnavailableException.class, u -> {
            assertThat(u.reason()).isEqualTo(ReasonCode.REPLAY_STORE_UNAVAILABLE);
            assertThat(u.httpStatus()).isEqualTo(503);
        });
    }

    @Test
    @DisplayName("P-02: 32 threads racing on shared and own ids: one true per key, and fewer pipelines than calls")
    void concurrentCallsShareRoundTripsAndEachKeyIsFreshExactlyOnce() throws Exception {
        int threads = 32;
        int rounds = 25;
        String prefix = prefix();
        String wid = uuid();
        Map<String, AtomicInteger> freshPerKey = new ConcurrentHashMap<>();
        AtomicInteger calls = new AtomicInteger();
        try (RedisReplayStore store = store(TestRedis.URL, true, prefix)) {
            assertThat(store.isPipelined()).isTrue();
            List<Throwable> thrown = concurrently(threads, rounds, (t, round) -> {
                // threads 0-15: four threads on each of four ids per round (duplicates); 16-31: an id of their own
                String jti = t < 16 ? "shared-" + round + "-" + (t % 4) : "own-" + round + "-" + t;
                freshPerKey.computeIfAbsent(jti, k -> new AtomicInteger());
                calls.incrementAndGet();
                if (store.checkAndRecord("iss-a", wid, jti, NOW.plusSeconds(60))) {
                    freshPerKey.get(jti).incrementAndGet();
                }
            });
            assertThat(thrown).isEmpty();
            assertThat(calls.get()).isEqualTo(threads * rounds);
            assertThat(freshPerKey).hasSize(rounds * (4 + 16));
            assertThat(freshPerKey).allSatisfy((jti, fresh) -> assertThat(fresh.get()).as(jti).isEqualTo(1));
            assertThat(store.pipelines()).as("calls were coalesced into shared pipelines")
                    .isPositive().isLessThan(calls.get());
            assertThat(store.pipelineRetries()).isZero();
            // a lone call afterwards is sent at once, in a pipeline of its own
            long before = store.pipelines();
            assertThat(store.checkAndRecord("iss-a", wid, "lone", NOW.plusSeconds(60))).isTrue();
            assertThat(store.pipelines()).isEqualTo(before + 1);
        }
        assertThat(TestRedis.deleteAll(prefix)).isEqualTo(rounds * (4 + 16) + 1);
    }

    @Test
    @DisplayName("pipelining on and off give the same answers for the same sequence (replays, forget, issuers, absent wid)")
    void pipeliningOnAndOffGiveTheSameAnswers() {
        List<String> answers = new ArrayList<>();
        for (boolean pipelining : new boolean[] {true, false}) {
            StringBuilder trace = new StringBuilder();
            Random random = new Random(42); // the same sequence for both modes
            try (RedisReplayStore store = store(TestRedis.URL, pipelining, prefix())) {
                assertThat(store.isPipelined()).isEqualTo(pipelining);
                for (int i = 0; i < 300; i++) {
                    String iss = random.nextInt(4) == 0 ? "spiffe://example.com/agent/b" : "spiffe://example.com/agent/a";
                    String wid = random.nextInt(3) == 0 ? null : "w" + random.nextInt(3);
                    String jti = "j" + random.nextInt(40);
                    if (random.nextInt(10) == 0) {
                        store.forget(iss, wid, jti);
                        trace.append('f');
                    } else {
                        trace.append(store.checkAndRecord(iss, wid, jti, NOW.plusSeconds(60)) ? 'T' : 'F');
                    }
                }
            }
            answers.add(trace.toString());
        }
        assertThat(answers.get(0)).contains("T").contains("F").contains("f");
        assertThat(answers.get(0)).isEqualTo(answers.get(1));
    }

    @ParameterizedTest(name = "pipelining={0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("P-04: nothing listens: every concurrent call is 503 replay_store_unavailable within the timeouts")
    void unreachableRedisFailsClosedWithoutHanging(boolean pipelining) {
        int port = RedisServerProcess.freePort();
        try (RedisReplayStore store = RedisReplayStore.builder("redis://127.0.0.1:" + port).pipelining(pipelining)
                .connectTimeout(Duration.ofMillis(300)).commandTimeout(Duration.ofMillis(200)).build()) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                List<Throwable> thrown = concurrently(16, 3,
                        (t, round) -> store.checkAndRecord("iss-a", null, uuid(), Instant.now().plusSeconds(60)));
                assertThat(thrown).hasSize(16 * 3).allSatisfy(RedisPipelineTest::assertIs503);
            });
            assertThat(store.isAvailable()).isFalse();
        }
    }

    @ParameterizedTest(name = "pipelining={0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("P-04: a redis-server killed mid-test: 503 at once, no hang; restarted: the next call is fresh")
    void killedRedisFailsClosedAndTheSameStoreRecovers(boolean pipelining) throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.launch();
             RedisReplayStore store = store(redis.url(), pipelining, "k:")) {
            // several pooled connections, all of which the crash leaves stale
            assertThat(concurrently(8, 5, (t, round) -> store.checkAndRecord("iss-a", null, uuid(), NOW.plusSeconds(60))))
                    .isEmpty();
            redis.kill();
            String jti = uuid();
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                assertUnavailable(() -> store.checkAndRecord("iss-a", null, jti, NOW.plusSeconds(60)));
                assertThat(concurrently(8, 2, (t, round) -> store.checkAndRecord("iss-a", null, uuid(), NOW.plusSeconds(60))))
                        .hasSize(16).allSatisfy(RedisPipelineTest::assertIs503);
            });
            redis.start(); // same port, empty
            assertThat(store.checkAndRecord("iss-a", null, jti, NOW.plusSeconds(60))).isTrue();
            assertThat(store.checkAndRecord("iss-a", null, jti, NOW.plusSeconds(60))).isFalse();
        }
    }

    @ParameterizedTest(name = "pipelining={0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("a hung Redis: 503 within the command timeout, not retried, and the id is not consumed")
    void hungRedisFailsWithinTheCommandTimeout(boolean pipelining) {
        try (RedisServerProcess redis = RedisServerProcess.launch(); TcpProxy proxy = new TcpProxy(redis.port())) {
            proxy.hang(true);
            try (RedisReplayStore store = RedisReplayStore.builder("redis://127.0.0.1:" + proxy.port()).pipelining(pipelining)
                    .commandTimeout(Duration.ofMillis(200)).build()) {
                String jti = uuid();
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                    assertUnavailable(() -> store.checkAndRecord("iss-a", null, jti, Instant.now().plusSeconds(60)));
                    assertThat(concurrently(8, 1, (t, round) -> store.checkAndRecord("iss-a", null, uuid(), Instant.now().plusSeconds(60))))
                            .hasSize(8).allSatisfy(RedisPipelineTest::assertIs503);
                });
                assertThat(store.pipelineRetries()).as("a timeout is not retried").isZero();
                proxy.hang(false);
                assertThat(store.checkAndRecord("iss-a", null, jti, Instant.now().plusSeconds(60))).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "pipelining={0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("P-02 retry: the reply of a SET that Redis ran is lost with its connection; the retry reads its own nonce: fresh")
    void aLostReplyIsRetriedAndReadsItsOwnNonce(boolean pipelining) {
        try (RedisServerProcess redis = RedisServerProcess.launch(); TcpProxy proxy = new TcpProxy(redis.port());
             RedisReplayStore store = store("redis://127.0.0.1:" + proxy.port(), pipelining, "r:")) {
            String jti = uuid();
            proxy.dropNextReply(); // SET NX runs on Redis, the connection breaks before "+OK" arrives
            assertThat(store.checkAndRecord("iss-a", null, jti, NOW.plusSeconds(60))).as("not a false replay").isTrue();
            assertThat(store.checkAndRecord("iss-a", null, jti, NOW.plusSeconds(60))).isFalse();
            assertThat(store.pipelineRetries()).isEqualTo(pipelining ? 1 : 0);
        }
    }

    @Test
    @DisplayName("P-02 retry: a pipeline of many calls loses its replies; each call is retried on its own and is fresh once")
    void aBrokenPipelineOfManyCallsIsRetriedPerCall() throws Exception {
        int threads = 24;
        try (RedisServerProcess redis = RedisServerProcess.launch(); TcpProxy proxy = new TcpProxy(redis.port());
             RedisReplayStore store = store("redis://127.0.0.1:" + proxy.port(), true, "r:")) {
            assertThat(store.checkAndRecord("iss-a", null, uuid(), NOW.plusSeconds(60))).isTrue(); // connect once
            List<String> jtis = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                jtis.add(uuid());
            }
            AtomicInteger fresh = new AtomicInteger();
            proxy.dropNextReply(); // the replies of the next pipeline are lost after Redis ran it
            assertThat(concurrently(threads, 1, (t, round) -> {
                if (store.checkAndRecord("iss-a", null, jtis.get(t), NOW.plusSeconds(60))) {
                    fresh.incrementAndGet();
                }
            })).isEmpty();
            assertThat(fresh.get()).as("every call fresh, none a false replay").isEqualTo(threads);
            assertThat(store.pipelineRetries()).as("the calls of the broken pipeline were retried").isPositive();
            for (String jti : jtis) {
                assertThat(store.checkAndRecord("iss-a", null, jti, NOW.plusSeconds(60))).as(jti).isFalse();
            }
            try (Jedis j = new Jedis("127.0.0.1", redis.port(), 2000)) {
                assertThat(j.keys("r:*")).hasSize(threads + 1);
            }
        }
    }

    @ParameterizedTest(name = "pipelining={0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("P-04 WAIT: waitReplicas=1 on a master without replicas: no call accepted (503), no key left, the id not consumed")
    void waitForAReplicaThatIsNotThereFailsAndDeletesTheKeys(boolean pipelining) throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.launch();
             RedisReplayStore store = RedisReplayStore.builder(redis.url() + "?waitReplicas=1&waitTimeout=20")
                     .pipelining(pipelining).keyPrefix("w:").clock(CLOCK).build();
             Jedis j = new Jedis("127.0.0.1", redis.port(), 2000)) {
            String jti = uuid();
            assertUnavailable(() -> store.checkAndRecord("iss-a", null, jti, NOW.plusSeconds(60)));
            assertThat(j.exists("w:iss-a::" + jti)).isFalse();
            assertUnavailable(() -> store.checkAndRecord("iss-a", null, jti, NOW.plusSeconds(60))); // not a replay
            List<String> jtis = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                jtis.add(i % 3 == 0 ? jti : uuid()); // duplicates of one id too
            }
            AtomicInteger accepted = new AtomicInteger();
            List<Throwable> thrown = concurrently(12, 1, (t, round) -> {
                if (store.checkAndRecord("iss-a", null, jtis.get(t), NOW.plusSeconds(60))) {
                    accepted.incrementAndGet();
                }
            });
            assertThat(accepted.get()).isZero();
            // a duplicate that raced an unconfirmed key may be told "replay" (as without pipelining); all others fail
            assertThat(thrown).hasSizeGreaterThanOrEqualTo(9).allSatisfy(e -> {
                assertIs503(e);
                assertThat(e).hasRootCauseMessage("only 0 of 1 replicas acknowledged the replay key within 20 ms");
            });
            assertThat(j.keys("w:*")).as("every key deleted again").isEmpty();
            assertThat(store.pipelines() > 0).isEqualTo(pipelining);
        }
    }

    @ParameterizedTest(name = "pipelining={0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("close() while calls run: each call is answered or 503, none hangs; calls after close are 503")
    void closeAnswersWhatIsQueuedThenRefuses(boolean pipelining) throws Exception {
        RedisReplayStore store = store(TestRedis.URL, pipelining, prefix());
        AtomicInteger answered = new AtomicInteger();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            List<Throwable> thrown = concurrently(16, 20, (t, round) -> {
                if (t == 0 && round == 10) {
                    store.close();
                    return;
                }
                store.checkAndRecord("iss-a", null, uuid(), NOW.plusSeconds(60));
                answered.incrementAndGet();
            });
            assertThat(thrown).allSatisfy(RedisPipelineTest::assertIs503);
            assertThat(answered.get()).as("every call before close").isGreaterThanOrEqualTo(16 * 10);
            assertThat(thrown).as("every call after close").hasSizeGreaterThanOrEqualTo(16 * 9);
            assertThat(answered.get() + thrown.size()).isEqualTo(16 * 20 - 1);
        });
        assertUnavailable(() -> store.checkAndRecord("iss-a", null, uuid(), NOW.plusSeconds(60)));
        store.close(); // twice is fine
    }

    @Test
    @DisplayName("the option: default on for redis:// and Sentinel, off (and only off) for Cluster; URL option; set once")
    void pipeliningOptionAndDefaults() {
        for (Map.Entry<String, Boolean> e : Map.of(
                "redis://h", true, "rediss://h", true, "redis-sentinel://h/m", true,
                "redis://h?pipelining=false", false, "redis-sentinel://h/m?pipelining=false", false,
                "redis://h?pipelining=true", true, "redis-cluster://h", false, "rediss-cluster://h", false,
                "redis-cluster://h?pipelining=false", false).entrySet()) {
            try (RedisReplayStore s = RedisReplayStore.fromUrl(e.getKey())) {
                assertThat(s.isPipelined()).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
        try (RedisReplayStore s = RedisReplayStore.builder("redis://h?pipelining=true").pipelining(false).build()) {
            assertThat(s.isPipelined()).as("the setter overrides the URL").isFalse();
        }
        try (RedisReplayStore s = RedisReplayStore.builder("redis-cluster://h").pipelining(false).build()) {
            assertThat(s.isPipelined()).isFalse();
        }
        assertThatThrownBy(() -> RedisReplayStore.fromUrl("redis://h?pipelining=yes"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pipelining must be true or false");
        assertThatThrownBy(() -> RedisReplayStore.fromUrl("redis-cluster://h?pipelining=true"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not supported for redis-cluster://");
        assertThatThrownBy(() -> RedisReplayStore.builder("redis-cluster://h").pipelining(true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("redis-cluster://");
        assertThatThrownBy(() -> RedisReplayStore.builder("redis://h").pipelining(true).pipelining(false))
                .isInstanceOf(IllegalStateException.class).hasMessage("pipelining was already set");
        assertThatThrownBy(() -> RedisReplayStore.fromUrl("redis://h?nope=1")).hasMessageContaining("pipelining");
    }
}

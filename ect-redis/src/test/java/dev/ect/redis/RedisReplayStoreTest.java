package dev.ect.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.replay.ReplayStore;
import dev.ect.core.spi.EctStores;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** {@link RedisReplayStore} against the machine's Redis (P-01, P-02, P-04). */
class RedisReplayStoreTest {
    static final String PREFIX = TestRedis.uniquePrefix(RedisReplayStoreTest.class);
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    RedisReplayStore store;

    @BeforeEach
    void open() {
        store = RedisReplayStore.builder(TestRedis.URL).keyPrefix(PREFIX).clock(CLOCK).build();
    }

    @AfterEach
    void closeStore() { store.close(); }

    @AfterAll
    static void cleanUp() { TestRedis.deleteAll(PREFIX); }

    static String uuid() { return UUID.randomUUID().toString(); }

    @Test
    void firstSightIsRecordedAndSecondIsAReplay() { // P-02
        String wid = uuid();
        String jti = uuid();
        assertThat(store.checkAndRecord("iss-a", wid, jti, NOW.plusSeconds(60))).isTrue();
        assertThat(store.checkAndRecord("iss-a", wid, jti, NOW.plusSeconds(60))).isFalse();
        try (Jedis j = TestRedis.connect()) {
            assertThat(j.exists(PREFIX + "iss-a:" + wid + ":" + jti)).isTrue();
        }
    }

    @Test
    void forgetReleasesTheKeySoTheTokenMayBePresentedAgain() {
        String wid = uuid();
        String jti = uuid();
        assertThat(store.checkAndRecord("iss-a", wid, jti, NOW.plusSeconds(60))).isTrue();
        store.forget("iss-a", wid, jti);
        assertThat(store.checkAndRecord("iss-a", wid, jti, NOW.plusSeconds(60))).isTrue();
        assertThat(store.checkAndRecord("iss-a", wid, jti, NOW.plusSeconds(60))).isFalse();
        store.forget("iss-a", null, uuid()); // an absent key is fine
        assertThatThrownBy(() -> store.forget("iss-a", wid, null)).hasMessage("jti");
        int port = RedisServerProcess.freePort();
        try (RedisReplayStore down = RedisReplayStore.fromUrl("redis://127.0.0.1:" + port)) {
            assertThatThrownBy(() -> down.forget("iss-a", wid, jti)).isInstanceOfSatisfying(EctUnavailableException.class,
                    e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY_STORE_UNAVAILABLE));
        }
    }

    @Test
    void keyIsPerWorkflowAndAbsentWidIsGlobal() { // P-01
        String jti = uuid();
        assertThat(store.checkAndRecord("iss-a", uuid(), jti, NOW.plusSeconds(60))).isTrue();
        assertThat(store.checkAndRecord("iss-a", uuid(), jti, NOW.plusSeconds(60))).isTrue();
        assertThat(store.checkAndRecord("iss-a", null, jti, NOW.plusSeconds(60))).isTrue();
        assertThat(store.checkAndRecord("iss-a", "", jti, NOW.plusSeconds(60))).as("empty wid = absent wid").isFalse();
        assertThat(store.checkAndRecord("iss-a", null, jti, NOW.plusSeconds(60))).isFalse();
        try (Jedis j = TestRedis.connect()) {
            assertThat(j.exists(PREFIX + "iss-a::" + jti)).isTrue();
        }
    }

    @Test
    void keyEncodingIsUnambiguous() {
        assertThat(RedisReplayStore.key("p:", "i", "a:b", "c")).isEqualTo("p:i:a%3Ab:c");
        assertThat(RedisReplayStore.key("p:", "i", "a", "b:c")).isEqualTo("p:i:a:b%3Ac");
        assertThat(RedisReplayStore.key("p:", "i", "a%3Ab", "c")).isEqualTo("p:i:a%253Ab:c");
        assertThat(RedisReplayStore.key("p:", "i", null, "j")).isEqualTo("p:i::j");
        assertThat(RedisReplayStore.key("p:", "spiffe://x/a", "w", "j")).isEqualTo("p:spiffe%3A//x/a:w:j");
        assertThat(RedisReplayStore.key("p:", "i:w", "x", "j")).isNotEqualTo(RedisReplayStore.key("p:", "i", "w:x", "j"));
        // the pairs that a naive wid + ':' + jti would confuse are distinct entries
        String base = uuid();
        assertThat(store.checkAndRecord("iss-a", base + ":x", "y", NOW.plusSeconds(60))).isTrue();
        assertThat(store.checkAndRecord("iss-a", base, "x:y", NOW.plusSeconds(60))).isTrue();
        assertThat(store.checkAndRecord("iss-a", base + "%3Ax", "y", NOW.plusSeconds(60))).isTrue();
        assertThat(store.checkAndRecord("iss-a", base + ":x", "y", NOW.plusSeconds(60))).isFalse();
    }

    @Test
    @DisplayName("G-01 P-01: the key is per issuer, so another issuer's (wid, jti) sent first is no replay of it")
    void keyIsPerIssuer() {
        String wid = uuid();
        String jti = uuid();
        String a = "spiffe://example.com/agent/a";
        String b = "spiffe://example.com/agent/b";
        assertThat(store.checkAndRecord(b, wid, jti, NOW.plusSeconds(60))).as("B squats A's id").isTrue();
        assertThat(store.checkAndRecord(a, wid, jti, NOW.plusSeconds(60))).as("A's genuine token").isTrue();
        assertThat(store.checkAndRecord(a, wid, jti, NOW.plusSeconds(60))).as("A's replayed").isFalse();
        try (Jedis j = TestRedis.connect()) {
            assertThat(j.exists(PREFIX + "spiffe%3A//example.com/agent/a:" + wid + ":" + jti)).isTrue();
            assertThat(j.exists(PREFIX + "spiffe%3A//example.com/agent/b:" + wid + ":" + jti)).isTrue();
        }
    }

    @Test
    void ttlIsKeepUntilMinusNowOnTheInjectedClock() { // P-01
        String jti = uuid();
        // the injected clock is fixed at NOW, far from the wall clock: the TTL must come from it
        assertThat(store.checkAndRecord("iss-a", null, jti, NOW.plus(Duration.ofMinutes(70)))).isTrue();
        try (Jedis j = TestRedis.connect()) {
            long pttl = j.pttl(PREFIX + "iss-a::" + jti);
            assertThat(pttl).isBetween(Duration.ofMinutes(70).toMillis() - 10_000, Duration.ofMinutes(70).toMillis());
        }
    }

    @Test
    void keepUntilInThePastStillRecordsWithAtLeastOneMillisecond() {
        String jti = uuid();
        assertThat(store.checkAndRecord("iss-a", null, jti, NOW.minusSeconds(5))).isTrue();
        try (Jedis j = TestRedis.connect()) {
            // PX 1: gone (-2) or about to go; never persistent (-1) and never longer than 1 ms
            assertThat(j.pttl(PREFIX + "iss-a::" + jti)).isIn(-2L, 0L, 1L);
        }
    }

    @Test
    void customPrefixAndDatabaseFromTheUrl() throws Exception {
        String prefix = PREFIX + "db3:";
        String jti = uuid();
        try (RedisReplayStore s = RedisReplayStore.builder(TestRedis.URL + "/3").keyPrefix(prefix).clock(CLOCK).build();
             Jedis j = TestRedis.connect()) {
            assertThat(s.checkAndRecord("iss-a", null, jti, NOW.plusSeconds(60))).isTrue();
            assertThat(s.keyPrefix()).isEqualTo(prefix);
            assertThat(j.exists(prefix + "iss-a::" + jti)).as("not in db 0").isFalse();
            j.select(3);
            assertThat(j.exists(prefix + "iss-a::" + jti)).isTrue();
            j.del(prefix + "iss-a::" + jti);
            assertThat(s.toString()).isEqualTo("RedisReplayStore{redis://127.0.0.1:6379/3, prefix=" + prefix + "}");
        }
    }

    @Test
    void urlOptionsConfigureTheStoreAndSettersOverrideThem() {
        String jti = uuid();
        String prefix = PREFIX + "url:x%:";
        String encoded = prefix.replace("%", "%25");
        try (RedisReplayStore s = RedisReplayStore.builder(TestRedis.URL + "/0?keyPrefix=" + encoded
                + "&connectTimeout=2000&commandTimeout=1500&maxConnections=4").clock(CLOCK).build();
             Jedis j = TestRedis.connect()) {
            assertThat(s.keyPrefix()).isEqualTo(prefix);
            assertThat(s.checkAndRecord("iss-a", null, jti, NOW.plusSeconds(60))).isTrue();
            assertThat(j.exists(prefix + "iss-a::" + jti)).isTrue();
        }
        try (RedisReplayStore s = RedisReplayStore.builder(TestRedis.URL + "?keyPrefix=a:").keyPrefix("b:").build()) {
            assertThat(s.keyPrefix()).isEqualTo("b:");
        }
        assertThatThrownBy(() -> RedisReplayStore.builder(TestRedis.URL + "?commandTimout=5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown Redis URL option 'commandTimout'");
        assertThatThrownBy(() -> RedisReplayStore.builder(TestRedis.URL + "?commandTimeout=soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commandTimeout must be a number");
        assertThatThrownBy(() -> RedisReplayStore.builder(TestRedis.URL + "?connectTimeout=0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout must be at least 1 ms");
        assertThatThrownBy(() -> RedisReplayStore.builder(TestRedis.URL + "?maxConnections=0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConnections must be >= 1");
    }

    @Test
    void defaultPrefixIsEctReplay() {
        String jti = uuid();
        String wid = uuid();
        ReplayStore created = EctStores.replayStore(TestRedis.URL, CLOCK);
        assertThat(created).isInstanceOf(RedisReplayStore.class);
        try (RedisReplayStore s = (RedisReplayStore) created; Jedis j = TestRedis.connect()) {
            assertThat(s.checkAndRecord("iss-a", wid, jti, NOW.plusSeconds(60))).isTrue();
            assertThat(j.del("ect:replay:iss-a:" + wid + ":" + jti)).as("stored under ect:replay:<iss>:<wid>:<jti>").isEqualTo(1L);
        }
    }

    @Test
    void ectRedisUrlEnvironmentVariableSelectsThisStore() { // P-04
        try (EctStores s = EctStores.fromEnvironment(Map.of(EctStores.REDIS_URL_ENV, TestRedis.URL), CLOCK)) {
            assertThat(s.replayStore()).containsInstanceOf(RedisReplayStore.class);
            assertThat(((RedisReplayStore) s.replayStore().orElseThrow()).isAvailable()).isTrue();
        }
    }

    @Test
    void manyThreadsRacingForTheSameKeysEachWinExactlyOnce() throws Exception { // P-02
        int threads = 8;
        int keys = 200;
        List<String> jtis = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            jtis.add(uuid());
        }
        String wid = uuid();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger fresh = new AtomicInteger();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    start.await();
                    for (String jti : jtis) {
                        if (store.checkAndRecord("iss-a", wid, jti, NOW.plusSeconds(60))) {
                            fresh.incrementAndGet();
                        }
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
        assertThat(fresh.get()).isEqualTo(keys);
    }

    @Test
    void unreachableRedisFailsClosedWith503() { // P-04
        int port = RedisServerProcess.freePort(); // nothing listens there
        try (RedisReplayStore s = RedisReplayStore.builder("redis://127.0.0.1:" + port).clock(CLOCK).build()) {
            assertThatThrownBy(() -> s.checkAndRecord("iss-a", null, uuid(), NOW.plusSeconds(60)))
                    .isInstanceOfSatisfying(EctUnavailableException.class, e -> {
                        assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY_STORE_UNAVAILABLE);
                        assertThat(e.httpStatus()).isEqualTo(503);
                    });
            assertThat(s.isAvailable()).isFalse();
        }
    }

    @Test
    void builderValidatesItsOptions() {
        assertThatThrownBy(() -> RedisReplayStore.builder(null)).hasMessage("url cannot be null");
        assertThatThrownBy(() -> RedisReplayStore.builder("http://h:1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis://");
        assertThatThrownBy(() -> RedisReplayStore.builder("redis://:secret@h:1/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("database number").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RedisReplayStore.builder("redis:// bad")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisReplayStore.builder("redis:///0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no host");
        RedisReplayStore.Builder b = RedisReplayStore.builder(TestRedis.URL);
        assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO)).hasMessage("connectTimeout must be at least 1 ms");
        assertThatThrownBy(() -> b.commandTimeout(null)).hasMessage("commandTimeout cannot be null");
        assertThatThrownBy(() -> b.maxConnections(0)).hasMessage("maxConnections must be >= 1");
        assertThatThrownBy(() -> b.clock(null)).hasMessage("clock cannot be null");
        assertThatThrownBy(() -> b.keyPrefix(null)).hasMessage("keyPrefix cannot be null");
        b.clock(CLOCK).keyPrefix("x:").connectTimeout(Duration.ofMillis(200)).commandTimeout(Duration.ofMillis(300)).maxConnections(2);
        assertThatThrownBy(() -> b.clock(CLOCK)).hasMessage("clock was already set");
        assertThatThrownBy(() -> b.keyPrefix("y")).hasMessage("keyPrefix was already set");
        assertThatThrownBy(() -> b.connectTimeout(Duration.ofSeconds(1))).hasMessage("connectTimeout was already set");
        assertThatThrownBy(() -> b.commandTimeout(Duration.ofSeconds(1))).hasMessage("commandTimeout was already set");
        assertThatThrownBy(() -> b.maxConnections(3)).hasMessage("maxConnections was already set");
        try (RedisReplayStore s = b.build()) {
            assertThat(s.keyPrefix()).isEqualTo("x:");
        }
        try (RedisReplayStore s = RedisReplayStore.fromUrl(TestRedis.URL)) {
            assertThat(s.keyPrefix()).isEqualTo(RedisReplayStore.DEFAULT_KEY_PREFIX);
        }
        assertThatThrownBy(() -> store.checkAndRecord("iss-a", null, null, NOW)).hasMessage("jti");
        assertThatThrownBy(() -> store.checkAndRecord("iss-a", null, "j", null)).hasMessage("keepUntil");
    }
}

package dev.ect.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctRejectedException;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.spi.EctStores;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * The replay store on a real Sentinel set (master, replica, sentinel as child processes on free
 * ports): exactly once across two store instances (P-02, P-04), {@code WAIT} for the replica, and
 * a master crash: 503 while there is no master, then the new master without a restart. The
 * failover test runs last, since it kills the master.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelTest {
    static Path dir;
    static RedisSentinelSet set;
    static int deadSentinel;

    final TestTokens tokens = new TestTokens(Clock.systemUTC());

    @BeforeAll
    static void startSentinelSet() throws Exception {
        dir = Files.createTempDirectory("ect-sentinel-");
        set = RedisSentinelSet.start(dir);
        deadSentinel = RedisServerProcess.freePort();
    }

    @AfterAll
    static void stopSentinelSet() {
        if (set != null) {
            set.close();
        } else if (dir != null) {
            RedisSentinelSet.deleteTree(dir);
        }
    }

    static String url(String prefix, String options) {
        return set.url(deadSentinel) + "?keyPrefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8) + options;
    }

    static String prefix() { return TestRedis.uniquePrefix(RedisSentinelTest.class); }

    @Test
    @Order(1)
    @DisplayName("P-04 P-02 Sentinel: 8 threads on two store instances accept each token exactly once")
    void p04EachTokenIsAcceptedOnceAcrossTwoInstancesUnderEightThreads() throws Exception {
        String prefix = prefix();
        try (RedisReplayStore a = RedisReplayStore.fromUrl(url(prefix, ""));
             RedisReplayStore b = RedisReplayStore.fromUrl(url(prefix, ""))) {
            Race.Result r = Race.run(tokens, List.of(tokens.verifier(a), tokens.verifier(b)), 40, 8);
            assertThat(r.accepted()).isEqualTo(40);
            assertThat(r.replays()).isEqualTo(40 * 7);
            assertThat(r.other()).isEmpty();
            assertThat(a.isAvailable()).isTrue();
            assertThat(a.toString()).contains("redis-sentinel://").contains(RedisSentinelSet.MASTER);
        }
        assertThat(keys(set.master.port(), prefix)).isEqualTo(40);
    }

    @Test
    @Order(2)
    @DisplayName("P-04 Sentinel with waitReplicas=1: when a token is accepted the replica already holds its key")
    void p04WaitReplicasMeansTheReplicaHasTheKeyWhenTheTokenIsAccepted() {
        String prefix = prefix();
        try (RedisReplayStore store = RedisReplayStore.fromUrl(url(prefix, "&waitReplicas=1&waitTimeout=300"))) {
            EctVerifier v = tokens.verifier(store);
            for (int i = 1; i <= 5; i++) {
                assertThat(v.verify(tokens.mint())).isNotNull();
                // no wait here: WAIT 1 returned before the verifier accepted
                assertThat(keys(set.replica.port(), prefix)).isEqualTo(i);
            }
        }
    }

    @Test
    @Order(3)
    @DisplayName("P-04 Sentinel with waitReplicas=2 but one replica: 503 replay_store_unavailable, and the key is removed again")
    void p04TooFewReplicasAcknowledgeIsA503AndLeavesNoKey() {
        String prefix = prefix();
        try (RedisReplayStore store = RedisReplayStore.fromUrl(url(prefix, "&waitReplicas=2&waitTimeout=100"))) {
            EctVerifier v = tokens.verifier(store);
            String token = tokens.mint();
            assertUnavailable(() -> v.verify(token));
            assertUnavailable(() -> v.verify(token)); // still not a replay: the first attempt left nothing
            assertThat(keys(set.master.port(), prefix)).isZero();
        }
    }

    @Test
    @Order(4)
    @DisplayName("P-04 ECT_REDIS_URL=redis-sentinel://... through EctStores (ServiceLoader): accepted once, then replay")
    void p04EctStoresAcceptsASentinelUrl() {
        String prefix = prefix();
        try (EctStores stores = EctStores.fromEnvironment(Map.of(EctStores.REDIS_URL_ENV, url(prefix, "&db=1")), tokens.clock)) {
            assertThat(stores.replayStore()).get().isInstanceOf(RedisReplayStore.class);
            EctVerifier v = stores.applyTo(EctVerifier.builder().verifierId(TestTokens.B).clock(tokens.clock)
                    .keySource(tokens.keys)).build();
            String token = tokens.mint();
            assertThat(v.verify(token)).isNotNull();
            assertReplay(() -> v.verify(token));
        }
        try (Jedis j = new Jedis("127.0.0.1", set.master.port(), 2000)) {
            j.select(1); // ?db=1 chose the database
            assertThat(j.keys(prefix + "*")).hasSize(1);
        }
    }

    @Test
    @Order(10)
    @DisplayName("P-04 Sentinel: master killed -> 503 while there is no master; after the failover the same stores work, keys confirmed by WAIT survive")
    void p04MasterCrashIs503ThenTheFailoverIsFollowedWithoutARestart() throws Exception {
        String prefix = prefix();
        CountDownLatch switched = new CountDownLatch(1);
        JedisPubSub onSwitch = new JedisPubSub() {
            @Override public void onMessage(String channel, String message) { switched.countDown(); }
        };
        CountDownLatch subscribed = new CountDownLatch(1);
        Thread listener = new Thread(() -> {
            try (Jedis s = new Jedis("127.0.0.1", set.sentinel.port(), 0)) {
                s.subscribe(new JedisPubSub() {
                    @Override public void onSubscribe(String channel, int n) { subscribed.countDown(); }

                    @Override public void onMessage(String channel, String message) {
                        onSwitch.onMessage(channel, message);
                        unsubscribe();
                    }
                }, "+switch-master");
            } catch (RuntimeException ignored) {
                // the sentinel went away at the end of the class
            }
        }, "switch-master-listener");
        listener.setDaemon(true);
        listener.start();
        assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();

        try (RedisReplayStore confirmed = RedisReplayStore.fromUrl(url(prefix, "&waitReplicas=1&waitTimeout=200"));
             RedisReplayStore plain = RedisReplayStore.fromUrl(url(prefix, ""))) {
            EctVerifier vc = tokens.verifier(confirmed);
            EctVerifier vp = tokens.verifier(plain);
            String before = tokens.mint();
            assertThat(vc.verify(before)).isNotNull(); // the replica acknowledged its key

            set.master.kill();
            String during = tokens.mint();
            // the sentinel needs 500 ms to even call the master down: no master now
            assertUnavailable(() -> vp.verify(during));
            assertUnavailable(() -> vc.verify(during));
            assertThat(plain.isAvailable()).isFalse();

            assertThat(switched.await(30, TimeUnit.SECONDS)).as("the sentinel promoted the replica").isTrue();
            // the same store object follows +switch-master: no restart
            Poll.until(Duration.ofSeconds(10), "the plain store accepts a token on the new master", () -> accepts(vp, during));
            assertReplay(() -> vp.verify(during));
            assertReplay(() -> vp.verify(before)); // confirmed by WAIT before the crash: not lost by the failover
            assertThat(plain.isAvailable()).isTrue();

            // the new master has no replica (the old one is dead): WAIT 1 cannot be met, so the
            // store that requires it refuses (503) rather than accept a key only one node holds
            String later = tokens.mint();
            assertUnavailable(() -> vc.verify(later));
            assertThat(vp.verify(later)).as("the refusal did not consume the token").isNotNull();
        }
    }

    /** True when the verifier accepted, false on 503; anything else fails the test. */
    static boolean accepts(EctVerifier v, String token) {
        try {
            return v.verify(token) != null;
        } catch (EctUnavailableException e) {
            assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY_STORE_UNAVAILABLE);
            return false;
        }
    }

    static long keys(int port, String prefix) {
        try (Jedis j = new Jedis("127.0.0.1", port, 2000)) {
            return j.keys(prefix + "*").size();
        }
    }

    static void assertUnavailable(Runnable r) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(EctUnavailableException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY_STORE_UNAVAILABLE);
            assertThat(e.httpStatus()).isEqualTo(503);
        });
    }

    static void assertReplay(Runnable r) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(EctRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY));
    }
}

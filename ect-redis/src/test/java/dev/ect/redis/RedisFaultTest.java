package dev.ect.redis;

import dev.ect.testing.TcpProxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ect.core.Ect;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.VerificationEvent;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.LedgerEntry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Redis unreachable, hung, crashed and restarted, or refusing authentication: the store fails
 * closed with 503 {@code replay_store_unavailable} and recovers by itself (P-04, T-06). Uses private
 * {@code redis-server} processes and a TCP proxy; the machine's shared Redis is never stopped.
 */
class RedisFaultTest {
    final TestTokens tokens = new TestTokens(Clock.systemUTC());

    static void assertUnavailable(Runnable r) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(EctUnavailableException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY_STORE_UNAVAILABLE);
            assertThat(e.httpStatus()).isEqualTo(503);
        });
    }

    @Test
    void unreachableRedisAnswers503AndAcceptsNothing() { // P-04, T-06
        int unused = RedisServerProcess.freePort();
        List<VerificationEvent> events = new CopyOnWriteArrayList<>();
        try (RedisReplayStore store = RedisReplayStore.fromUrl("redis://127.0.0.1:" + unused)) {
            EctVerifier v = EctVerifier.builder().verifierId(TestTokens.B).keySource(tokens.keys)
                    .replayStore(store).listener(events::add).build();
            for (int i = 0; i < 3; i++) {
                String token = tokens.mint();
                assertUnavailable(() -> v.verify(token));
            }
            assertThat(events).hasSize(3).allSatisfy(e -> {
                assertThat(e.accepted()).isFalse();
                assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY_STORE_UNAVAILABLE);
            });
        }
    }

    @Test
    void hungRedisTimesOutWithinTheCommandTimeout() { // bounded command timeout
        try (RedisServerProcess redis = RedisServerProcess.launch(); TcpProxy proxy = new TcpProxy(redis.port())) {
            proxy.hang(true);
            try (RedisReplayStore store = RedisReplayStore.builder("redis://127.0.0.1:" + proxy.port())
                    .commandTimeout(Duration.ofMillis(200)).build()) {
                EctVerifier v = tokens.verifier(store);
                String token = tokens.mint();
                // the command times out after 200 ms and is not retried: far below this bound
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertUnavailable(() -> v.verify(token)));
                proxy.hang(false);
                assertThat(v.verify(token)).as("the token was not consumed by the failed attempt").isNotNull();
            }
        }
    }

    @Test
    void redisCrashAnswers503ThenRecoversWithoutRestartingTheVerifier() throws Exception { // P-04
        try (RedisServerProcess redis = RedisServerProcess.launch();
             RedisReplayStore store = RedisReplayStore.fromUrl(redis.url())) {
            EctVerifier v = tokens.verifier(store);
            // warm several pooled connections, all of which the crash will leave stale
            warm(v, 4);
            String before = tokens.mint();
            assertThat(v.verify(before)).isNotNull();

            redis.kill();
            String during = tokens.mint();
            assertUnavailable(() -> v.verify(during));
            assertUnavailable(() -> v.verify(during));
            assertThat(store.isAvailable()).isFalse();

            redis.start(); // same port, empty (no persistence)
            assertThat(v.verify(during)).as("accepted on the first call once Redis is back").isNotNull();
            assertThatThrownBy(() -> v.verify(during))
                    .isInstanceOfSatisfying(EctRejectedException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY));
            assertThat(store.isAvailable()).isTrue();
        }
    }

    @Test
    void staleConnectionsAfterARestartDoNotCauseA503() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.launch();
             RedisReplayStore store = RedisReplayStore.fromUrl(redis.url())) {
            EctVerifier v = tokens.verifier(store);
            warm(v, 4);
            redis.kill();
            redis.start();
            // every idle pooled connection is stale: the first call drops them and retries once
            String token = tokens.mint();
            assertThat(v.verify(token)).isNotNull();
            assertThatThrownBy(() -> v.verify(token))
                    .isInstanceOfSatisfying(EctRejectedException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY));
        }
    }

    @Test
    void aLostReplyAfterRedisRecordedTheKeyIsNotAFalseReplay() { // P-02 retry safety
        try (RedisServerProcess redis = RedisServerProcess.launch(); TcpProxy proxy = new TcpProxy(redis.port());
             RedisReplayStore store = RedisReplayStore.fromUrl("redis://127.0.0.1:" + proxy.port())) {
            String jti = UUID.randomUUID().toString();
            proxy.dropNextReply(); // SET NX runs on Redis, the connection breaks before "+OK" arrives
            assertThat(store.checkAndRecord("iss-a", null, jti, java.time.Instant.now().plusSeconds(60)))
                    .as("the retry reads back this call's own nonce").isTrue();
            assertThat(store.checkAndRecord("iss-a", null, jti, java.time.Instant.now().plusSeconds(60))).isFalse();
        }
    }

    @Test
    void aTokenWhoseLedgerAppendFailedIsForgottenInRedisSoTheRetryIsAccepted() throws Exception { // V-15, V-14
        InMemoryLedger memory = new InMemoryLedger();
        AtomicBoolean ledgerDown = new AtomicBoolean(true);
        // a ledger that is down for the first append (as a database would be), then works
        AuditLedger flaky = new AuditLedger() {
            @Override public LedgerEntry append(Ect ect, String compact) {
                if (ledgerDown.getAndSet(false)) {
                    throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ledger down");
                }
                return memory.append(ect, compact);
            }

            @Override public List<LedgerEntry> entries(long fromSeq, int limit) { return memory.entries(fromSeq, limit); }

            @Override public List<LedgerEntry> findEntries(String jti) { return memory.findEntries(jti); }

            @Override public List<LedgerEntry> entriesOfWorkflow(String wid) { return memory.entriesOfWorkflow(wid); }
        };
        String prefix = TestRedis.uniquePrefix(RedisFaultTest.class);
        try (RedisReplayStore store = RedisReplayStore.builder(TestRedis.URL).keyPrefix(prefix).build()) {
            EctVerifier v = EctVerifier.builder().verifierId(TestTokens.B).keySource(tokens.keys)
                    .replayStore(store).ledger(flaky).build();
            String token = tokens.mint();
            assertThatThrownBy(() -> v.verify(token)).isInstanceOfSatisfying(EctUnavailableException.class,
                    e -> assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE));
            assertThat(v.verify(token).level()).hasToString("L3");
            assertThatThrownBy(() -> v.verify(token)).isInstanceOfSatisfying(EctRejectedException.class,
                    e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY));
        } finally {
            TestRedis.deleteAll(prefix);
        }
    }

    @Test
    void passwordFromTheUrlAuthenticatesAndAWrongOneFailsClosed() {
        try (RedisServerProcess redis = RedisServerProcess.launch("--requirepass", "s3cret")) {
            try (RedisReplayStore wrong = RedisReplayStore.fromUrl("redis://:wrong@127.0.0.1:" + redis.port());
                 RedisReplayStore none = RedisReplayStore.fromUrl(redis.url())) {
                String token = tokens.mint();
                assertUnavailable(() -> tokens.verifier(wrong).verify(token));
                assertUnavailable(() -> tokens.verifier(none).verify(token));
                assertThatThrownBy(() -> wrong.checkAndRecord("iss-a", null, "x", java.time.Instant.now().plusSeconds(5)))
                        .hasMessageNotContaining("wrong");
            }
            try (RedisReplayStore right = RedisReplayStore.fromUrl("redis://:s3cret@127.0.0.1:" + redis.port() + "/2");
                 RedisReplayStore user = RedisReplayStore.fromUrl("redis://default:s3cret@127.0.0.1:" + redis.port() + "/2")) {
                String token = tokens.mint();
                assertThat(tokens.verifier(right).verify(token)).isNotNull();
                assertThatThrownBy(() -> tokens.verifier(user).verify(token))
                        .isInstanceOfSatisfying(EctRejectedException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY));
                assertThat(right.toString()).doesNotContain("s3cret");
            }
        }
    }

    /** Verifies fresh tokens from several threads at once, so the pool holds several connections. */
    private void warm(EctVerifier v, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        v.verify(tokens.mint());
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

package dev.ect.redis;

import dev.ect.testing.TcpProxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.spi.EctStores;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Sentinel and Cluster URL forms and their options: what is accepted, what is an error at
 * build time (never a silent default), and that nothing connects before the first command.
 */
class RedisHaUrlTest {
    final TestTokens tokens = new TestTokens(Clock.systemUTC());

    @Test
    @DisplayName("P-04 the provider (ECT_REDIS_URL) takes every Sentinel and Cluster scheme")
    void p04ProviderSupportsTheSentinelAndClusterSchemes() {
        RedisReplayStoreProvider p = new RedisReplayStoreProvider();
        for (String u : new String[] {"redis-sentinel://h:26379/m", "rediss-sentinel://h/m", "redis-cluster://h:7000",
                "REDISS-CLUSTER://h1,h2", "redis://h", "rediss://h"}) {
            assertThat(p.supports(u)).as(u).isTrue();
        }
        assertThat(p.supports("jdbc:postgresql://h/db")).isFalse();
        assertThat(p.supports("redis-sentinels://h/m")).isFalse();
    }

    @Test
    @DisplayName("P-04 building a Sentinel or Cluster store does not connect; the first command with nothing up is 503")
    void p04NothingReachableIs503NotABuildError() {
        int dead1 = RedisServerProcess.freePort();
        int dead2 = RedisServerProcess.freePort();
        for (String u : new String[] {"redis-sentinel://127.0.0.1:" + dead1 + ",127.0.0.1:" + dead2 + "/m",
                "redis-cluster://127.0.0.1:" + dead1 + ",127.0.0.1:" + dead2}) {
            try (EctStores stores = EctStores.fromEnvironment(Map.of(EctStores.REDIS_URL_ENV, u), tokens.clock)) {
                RedisReplayStore store = (RedisReplayStore) stores.replayStore().orElseThrow();
                String token = tokens.mint();
                for (int i = 0; i < 2; i++) { // the second call tries again (no cached failure)
                    assertThatThrownBy(() -> tokens.verifier(store).verify(token)).as(u)
                            .isInstanceOfSatisfying(EctUnavailableException.class,
                                    e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY_STORE_UNAVAILABLE));
                }
                assertThat(store.isAvailable()).isFalse();
            }
        }
    }

    @Test
    @DisplayName("P-04 a hung sentinel or cluster seed (accepts, never answers): 503 within the command timeout, no hang")
    void p04HungSentinelOrSeedIsA503WithinTheCommandTimeout() {
        try (TcpProxy hung = new TcpProxy(RedisServerProcess.freePort())) {
            hung.hang(true);
            for (String u : new String[] {"redis-sentinel://127.0.0.1:" + hung.port() + "/m?commandTimeout=200",
                    "redis-cluster://127.0.0.1:" + hung.port() + "?commandTimeout=200"}) {
                try (RedisReplayStore store = RedisReplayStore.fromUrl(u)) {
                    String token = tokens.mint();
                    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> tokens.verifier(store).verify(token))
                            .as(u).isInstanceOfSatisfying(EctUnavailableException.class,
                                    e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY_STORE_UNAVAILABLE)));
                }
            }
        }
    }

    @Test
    @DisplayName("P-04 URL forms: hosts, default ports, master name, db, and no password in toString or errors")
    void p04UrlFormsAndDescriptions() {
        try (RedisReplayStore s = RedisReplayStore.fromUrl("redis-sentinel://:s3cret@a.example,b.example:26380,[::1]:26381/orders?db=3&sentinelPassword=t0p")) {
            assertThat(s.toString()).isEqualTo("RedisReplayStore{redis-sentinel://a.example:26379,b.example:26380,[::1]:26381/orders/3, prefix=ect:replay:}")
                    .doesNotContain("s3cret").doesNotContain("t0p");
        }
        try (RedisReplayStore s = RedisReplayStore.fromUrl("rediss-cluster://user:pw@n1.example,n2.example:7001?keyPrefix=x:")) {
            assertThat(s.toString()).isEqualTo("RedisReplayStore{rediss-cluster://n1.example:6379,n2.example:7001, prefix=x:}");
        }
        try (RedisReplayStore s = RedisReplayStore.builder("redis-sentinel://h/m").sentinelPassword("p")
                .waitForReplicas(1, Duration.ofMillis(50)).build()) {
            assertThat(s.keyPrefix()).isEqualTo(RedisReplayStore.DEFAULT_KEY_PREFIX);
        }
    }

    @Test
    @DisplayName("P-04 URL errors name the problem at build time, never a silent default, never the password")
    void p04UrlErrorsAreBuildErrors() {
        bad("redis-sentinel://h:26379", "mymaster");
        bad("redis-sentinel://h:26379/m/2", "mymaster");
        bad("redis-cluster://h:7000/0", "no path");
        bad("redis-cluster://h:7000?db=1", "only database 0");
        bad("redis://h:6379?db=1", "path");
        bad("redis-cluster://h?sentinelPassword=x", "redis-sentinel:// only");
        bad("redis-sentinel://h/m?db=x", "database number");
        bad("redis-cluster://h1,,h2", "empty host");
        bad("redis-cluster://h:0", "bad port");
        bad("redis-cluster://h:99999", "bad port");
        bad("redis-cluster://h:x", "bad port");
        bad("redis-cluster://[::1", "IPv6");
        bad("redis-cluster://h?nope=1", "unknown Redis URL option 'nope'");
        bad("redis-sentinel://h/m?nope=1", "sentinelPassword");
        bad("redis-cluster://s3cret@h", "[user]:password");
        bad("redis-cluster://h?waitReplicas=-1", "waitReplicas");
        bad("redis-cluster://h?waitReplicas=1&waitTimeout=500", "below the command timeout");
        bad("redis-cluster://h?waitTimeout=0", "waitTimeout");
        bad("redis-cluster://h?caFile=/x.pem", "rediss://");
        bad("redis-cluster://h?waitReplicas=x", "must be a number");
        bad("redis-sentinels://h/m", "scheme");
        assertThatThrownBy(() -> RedisReplayStore.fromUrl("redis-cluster://:s3cret@h:x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> RedisReplayStore.builder("redis-cluster://h").sentinelPassword("p"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("redis-sentinel://");
        assertThatThrownBy(() -> RedisReplayStore.builder("redis-cluster://h").caCertificates(java.nio.file.Path.of("x")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("rediss://");
        assertThatThrownBy(() -> RedisReplayStore.builder("redis-cluster://h").waitForReplicas(-1, Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisReplayStore.builder("redis-cluster://h").waitForReplicas(1, Duration.ofMillis(5))
                .waitForReplicas(1, Duration.ofMillis(5))).isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
        assertThatThrownBy(() -> RedisReplayStore.builder("redis-sentinel://h/m").sentinelPassword("a").sentinelPassword("b"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
    }

    private static void bad(String url, String message) {
        assertThatThrownBy(() -> RedisReplayStore.fromUrl(url)).as(url)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}

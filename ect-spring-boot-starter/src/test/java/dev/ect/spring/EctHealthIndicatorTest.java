package dev.ect.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.keys.JwksUrlKeySource;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.replay.CaffeineReplayStore;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The health contributor's verdicts, part by part: DOWN is what the filter would answer 503 for. */
class EctHealthIndicatorTest {
    static final TestKeys KEYS = new TestKeys(tmp());

    static java.nio.file.Path tmp() {
        try {
            return java.nio.file.Files.createTempDirectory("ect-health-unit");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A store with a health probe of its own, like RedisReplayStore and JdbcLedger. */
    public static final class ProbedStore {
        private final boolean up;

        ProbedStore(boolean up) { this.up = up; }

        public boolean isAvailable() { return up; }
    }

    @Test
    @DisplayName("in-process stores and a static key source are UP")
    void inProcessIsUp() {
        Health h = new EctHealthIndicator(new CaffeineReplayStore(1000), new InMemoryLedger(),
                StaticKeySource.builder().key(TestKeys.CALLER, KEYS.caller).build(), List.of(TestKeys.CALLER)).health();
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat(h.getDetails()).containsKeys("replayStore", "ledger", "keys");
    }

    @Test
    @DisplayName("P-04, L-05: a store whose isAvailable() is false makes it DOWN (replay_store_unavailable / ledger_unavailable)")
    void unreachableStoreIsDown() {
        assertThat(new EctHealthIndicator(new ProbedStore(false), null, null, List.of()).health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(new EctHealthIndicator(null, new ProbedStore(false), null, List.of()).health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(new EctHealthIndicator(new ProbedStore(true), new ProbedStore(true), null, List.of()).health().getStatus())
                .isEqualTo(Status.UP);
    }

    @Test
    @DisplayName("K-04: a JWKS URL that cannot be fetched (nothing cached) is DOWN key_source_unavailable; once it serves, UP")
    void jwksUrlDownThenUp() throws Exception {
        try (MockWebServer jwks = new MockWebServer()) {
            jwks.start();
            jwks.enqueue(new MockResponse.Builder().code(500).build());
            JwksUrlKeySource source = JwksUrlKeySource.builder().issuer(TestKeys.CALLER, jwks.url("/jwks.json").uri())
                    .allowInsecureHttp(true).build();
            Health down = new EctHealthIndicator(null, null, source, List.of(TestKeys.CALLER)).health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            @SuppressWarnings("unchecked")
            Map<String, Object> keys = (Map<String, Object>) down.getDetails().get("keys");
            assertThat(keys.get(TestKeys.CALLER).toString()).contains("key_source_unavailable");
            assertThat(down.getDetails().toString()).doesNotContain("jwks.json"); // no URL in details

            jwks.enqueue(new MockResponse.Builder().body(KEYS.caller.publicJwks()).addHeader("Content-Type", "application/json").build());
            JwksUrlKeySource fresh = JwksUrlKeySource.builder().issuer(TestKeys.CALLER, jwks.url("/jwks.json").uri())
                    .allowInsecureHttp(true).build();
            assertThat(new EctHealthIndicator(null, null, fresh, List.of(TestKeys.CALLER)).health().getStatus()).isEqualTo(Status.UP);
        }
    }
}

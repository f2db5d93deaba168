package dev.ect.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.spring.app.TestApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The health contributor against a real, private Redis: UP while it answers; when it stops, DOWN, and
 * the filter answers a valid token 503 replay_store_unavailable (the same dependency, the same verdict).
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EctHealthRedisTest {
    static final TestKeys KEYS;
    static final PrivateRedis REDIS = new PrivateRedis();

    static {
        try {
            KEYS = new TestKeys(Files.createTempDirectory("ect-starter-health"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("ect.verifier-id", () -> TestKeys.SERVICE);
        r.add("ect.trust", KEYS::callerTrust);
        r.add("ect.redis-url", () -> REDIS.url() + "?keyPrefix=ect-spring-health-test:");
        r.add("ect.exclude-paths", () -> "/actuator/*");
        r.add("management.endpoint.health.show-details", () -> "always");
    }

    @AfterAll
    static void stop() { REDIS.close(); }

    @LocalServerPort
    int port;

    @Test
    @DisplayName("P-04: the health endpoint turns DOWN when the shared Redis replay store stops, as the filter turns to 503")
    void healthTurnsDownWhenRedisStops() {
        HttpResponse<String> up = Http.get(port, "/actuator/health", null);
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).contains("\"ect\"").contains("\"status\":\"UP\"");
        assertThat(Http.get(port, "/hello", KEYS.callerToken("before")).statusCode()).isEqualTo(200);

        REDIS.stop();

        HttpResponse<String> down = Http.get(port, "/actuator/health", null);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("\"status\":\"DOWN\"").contains("RedisReplayStore not reachable");
        assertThat(down.body()).doesNotContain("redis://"); // no URL (it may hold a password)
        HttpResponse<String> refused = Http.get(port, "/hello", KEYS.callerToken("after"));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(Http.ectError(refused.body())).isEqualTo("replay_store_unavailable");
    }
}

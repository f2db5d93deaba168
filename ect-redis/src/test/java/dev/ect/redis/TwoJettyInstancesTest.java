package dev.ect.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.servlet.EctFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two embedded Jetty servers, each running the ECT servlet filter configured only by init-params
 * ({@code ect.redis-url} picks {@link RedisReplayStore} through the store plug-in): the replicas
 * of one service behind a load balancer. A token accepted by one is a replay at the other (P-04).
 * The filter uses the default key prefix; every token has a fresh random {@code wid} and
 * {@code jti}, and its key expires with its replay window.
 */
class TwoJettyInstancesTest {
    final TestTokens tokens = new TestTokens(Clock.systemUTC());
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<Server> servers = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        for (Server s : servers) {
            s.stop();
        }
    }

    /** The application behind the filter: answers 200 "ok". */
    public static final class Ok extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write("ok");
        }
    }

    private URI start(String redisUrl) throws Exception {
        Path jwks = dir.resolve("a.jwks.json");
        if (!Files.exists(jwks)) {
            Files.writeString(jwks, tokens.key.publicJwks());
        }
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        FilterHolder filter = new FilterHolder(EctFilter.class);
        filter.setInitParameters(Map.of(
                "ect.verifier-id", TestTokens.B,
                "ect.trust", TestTokens.A + "=file:" + jwks,
                "ect.redis-url", redisUrl));
        ctx.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addServlet(new ServletHolder(new Ok()), "/*");
        server.setHandler(ctx);
        server.start();
        servers.add(server);
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/task");
    }

    private HttpResponse<String> call(URI uri, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Execution-Context", token).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTokenAcceptedByOneReplicaIsAReplayAtTheOther() throws Exception { // P-04, T-04, T-05
        // each replica builds its own store (own connection pool) from the init-param
        URI one = start(TestRedis.URL);
        URI two = start(TestRedis.URL + "/0");
        String token = tokens.mint();
        HttpResponse<String> first = call(one, token);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("ok");
        HttpResponse<String> second = call(two, token);
        assertThat(second.statusCode()).isEqualTo(403);
        assertThat(second.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(second.body()).contains("\"ect_error\":\"replay\"");
    }

    @Test
    void clientsRacingTheSameTokensAgainstBothReplicasGetEachAcceptedExactlyOnce() throws Exception { // P-02, P-04
        // generous timeouts (URL options): this test is about sharing, not timeouts
        URI[] replicas = {start(TestRedis.URL + "?commandTimeout=5000"), start(TestRedis.URL + "?commandTimeout=5000")};
        int tokenCount = 60;
        int threads = 4;
        List<String> all = new ArrayList<>();
        for (int i = 0; i < tokenCount; i++) {
            all.add(tokens.mint());
        }
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger replay = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                URI target = replicas[t % 2];
                fs.add(pool.submit(() -> {
                    go.await();
                    for (String token : all) {
                        HttpResponse<String> r = call(target, token);
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else if (r.statusCode() == 403 && r.body().contains("\"ect_error\":\"replay\"")) {
                            replay.incrementAndGet();
                        } else {
                            other.incrementAndGet();
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
        assertThat(other.get()).isZero();
        assertThat(ok.get()).isEqualTo(tokenCount);
        assertThat(replay.get()).isEqualTo(tokenCount * (threads - 1));
    }

    @Test
    void anUnreachableRedisIs503ReplayStoreUnavailableAtTheFilter() throws Exception { // P-04, T-06
        URI down = start("redis://127.0.0.1:" + RedisServerProcess.freePort());
        HttpResponse<String> r = call(down, tokens.mint());
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"ect_error\":\"replay_store_unavailable\"").doesNotContain("ok");
    }
}

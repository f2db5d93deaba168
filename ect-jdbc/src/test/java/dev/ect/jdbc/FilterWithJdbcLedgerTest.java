package dev.ect.jdbc;

import dev.ect.testing.TcpProxy;
import static dev.ect.jdbc.Agents.A;
import static dev.ect.jdbc.Agents.B;
import static dev.ect.jdbc.Agents.mint;
import static dev.ect.jdbc.Agents.uuid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.servlet.EctFilter;
import dev.ect.servlet.EctFilterConfig;
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
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two embedded Jetty replicas whose ECT filter is configured only by the environment
 * ({@code ECT_JDBC_URL} among others): both append to one PostgreSQL ledger (L3), so a task
 * accepted by one replica is a known predecessor at the other, and a database outage is 503.
 */
class FilterWithJdbcLedgerTest {
    static final String SCHEMA = TestDb.uniqueSchema(FilterWithJdbcLedgerTest.class);

    final EctKeyPair key = EctKeys.generate("a-key");
    final EctSigner signer = Agents.signer(key, Clock.systemUTC());
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<Server> servers = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        for (Server s : servers) {
            s.stop(); // destroy() closes the ledger the filter opened
        }
    }

    @AfterAll
    static void drop() { TestDb.dropSchema(SCHEMA); }

    /** Answers 200 with the level the filter reached. */
    public static final class Level extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write(EctFilter.verifiedEct(req).map(v -> v.level().toString()).orElse("none"));
        }
    }

    private URI start(String jdbcUrl) throws Exception {
        Path jwks = dir.resolve("a.jwks.json");
        Files.writeString(jwks, key.publicJwks());
        EctFilterConfig config = EctFilterConfig.builder().environment(Map.of(
                "ECT_VERIFIER_ID", B,
                "ECT_TRUST", A + "=file:" + jwks,
                "ECT_JDBC_URL", jdbcUrl)).build();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.addFilter(new FilterHolder(new EctFilter(config)), "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addServlet(new ServletHolder(new Level()), "/*");
        server.setHandler(ctx);
        server.start();
        servers.add(server);
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/work");
    }

    private HttpResponse<String> call(URI uri, SignedEct t) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Execution-Context", t.compact()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void replicasShareTheDagThroughTheLedgerConfiguredByEctJdbcUrl() throws Exception { // V-13, V-15, G-02
        String url = TestDb.URL + "&currentSchema=" + SCHEMA;
        URI one = start(url);
        URI two = start(url);
        String wid = uuid();
        SignedEct root = mint(signer, A, B, wid, List.of());
        SignedEct child = mint(signer, A, B, wid, List.of(root.ect().jti()));
        SignedEct orphan = mint(signer, A, B, wid, List.of(uuid()));
        assertThat(call(one, root)).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("L3");
        });
        assertThat(call(two, child).statusCode()).as("root was appended by the other replica").isEqualTo(200);
        assertThat(call(two, orphan)).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("\"ect_error\":\"dag_unknown_predecessor\"");
        });
        assertThat(call(one, root)).satisfies(r -> assertThat(r.statusCode()).isEqualTo(403));
        try (JdbcLedger ledger = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).build()) {
            assertThat(ledger.entriesOfWorkflow(wid)).extracting(LedgerEntry::jti).containsExactly(root.ect().jti(), child.ect().jti());
        }
    }

    @Test
    void databaseOutageIs503LedgerUnavailableAndRecovers() throws Exception { // V-15, T-06
        try (TcpProxy proxy = new TcpProxy(5432)) {
            URI uri = start(proxy.jdbcUrl("test", "user=postgres&currentSchema=" + SCHEMA));
            String wid = uuid();
            SignedEct root = mint(signer, A, B, wid, List.of());
            assertThat(call(uri, root).statusCode()).isEqualTo(200);
            proxy.stop();
            SignedEct child = mint(signer, A, B, wid, List.of(root.ect().jti()));
            assertThat(call(uri, child)).satisfies(r -> {
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.body()).contains("\"ect_error\":\"ledger_unavailable\"");
            });
            proxy.start();
            assertThat(call(uri, child).statusCode()).isEqualTo(200);
        }
    }
}

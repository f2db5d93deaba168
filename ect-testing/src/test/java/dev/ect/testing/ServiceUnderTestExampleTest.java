package dev.ect.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ect.core.EctVerifier;
import dev.ect.core.context.TaskContext;
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
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's example, as written there: a service behind the ECT filter, tested with the kit. */
class ServiceUnderTestExampleTest {
    @RegisterExtension
    EctTestKit ect = EctTestKit.create();

    Server server;
    URI uri;

    @BeforeEach
    void startService() throws Exception {
        // the service under test, configured to trust the kit's issuer and to record in the kit's stores
        EctVerifier verifier = EctVerifier.builder().verifierId(ect.audience()).keySource(ect.keySource())
                .clock(ect.clock()).replayStore(ect.replayStore()).ledger(ect.ledger()).build();
        EctFilterConfig config = EctFilterConfig.builder().verifier(verifier).environment(Map.of())
                .requiredPaths("/*").build();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler("/");
        ctx.addFilter(new FilterHolder(new EctFilter(config)), "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write("task " + TaskContext.current().orElseThrow().inbound().jti());
            }
        }), "/*");
        server.setHandler(ctx);
        server.start();
        uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/report");
    }

    @AfterEach
    void stopService() throws Exception { server.stop(); }

    HttpResponse<String> call(String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri);
        if (token != null) {
            r.header("Execution-Context", token);
        }
        return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("T-07, V-11, V-14: a valid ECT reaches the handler once; missing, expired and replayed ones are refused with their reason codes")
    void theServiceVerifiesEcts() throws Exception {
        String token = ect.token();
        HttpResponse<String> ok = call(token);
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().startsWith("task "), ok.body());
        assertEquals(1, ect.ledger().size());

        assertTrue(call(token).body().contains("\"replay\""));               // V-14
        assertTrue(call(ect.expiredToken()).body().contains("\"expired\"")); // V-11
        HttpResponse<String> missing = call(null);                            // T-07
        assertEquals(403, missing.statusCode());
        assertEquals("application/problem+json", missing.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertEquals(1, ect.replayStore().records().size(), "only the valid token was recorded");
    }
}

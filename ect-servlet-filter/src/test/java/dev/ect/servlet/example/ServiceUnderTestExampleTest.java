package dev.ect.servlet.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.context.TaskContext;
import dev.ect.core.keys.EctKeys;
import dev.ect.servlet.EctFilter;
import dev.ect.servlet.EctFilterConfig;
import dev.ect.testing.EctForgery;
import dev.ect.testing.EctTestKit;
import dev.ect.testing.TestLedger;
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
import java.util.List;
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

/**
 * The example of ect-testing's README, as written there: a service behind the ECT filter in Jetty,
 * tested over real HTTP with the test kit (its keys, tokens, forgeries, stores and listener). It
 * lives here, in the filter's tests, so that ect-testing itself depends on ect-core only.
 */
class ServiceUnderTestExampleTest {
    @RegisterExtension
    EctTestKit ect = EctTestKit.create();   // a fresh key pair and stores for each test

    TestLedger ledger;
    Server server;
    URI uri;

    @BeforeEach
    void startService() throws Exception {
        // the service under test, configured to trust the kit's issuer and to record in the kit's stores
        ledger = new TestLedger(ect.ledger());
        EctVerifier verifier = EctVerifier.builder().verifierId(ect.audience()).keySource(ect.keySource())
                .clock(ect.clock()).replayStore(ect.replayStore()).ledger(ledger).listener(ect.listener()).build();
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

    @Test
    @DisplayName("V-08, H-03: forged tokens are refused with the reason the listener records, and nothing is recorded")
    void forgedTokensAreRefused() throws Exception {
        String good = ect.token();
        assertEquals(403, call(EctForgery.withClaims(good, c -> c.put("exec_act", "delete_prod"))).statusCode());
        assertEquals(403, call(EctForgery.resignedWith(good, EctKeys.generate("attacker-1"))).statusCode());
        assertEquals(403, call(EctForgery.algNone(good)).statusCode());
        assertEquals(List.of(ReasonCode.INVALID_SIGNATURE, ReasonCode.INVALID_SIGNATURE, ReasonCode.UNSUPPORTED_ALG),
                ect.listener().refusals());
        assertEquals(0, ect.ledger().size());
        assertEquals(200, call(good).statusCode()); // the genuine token was never recorded, so it is not a replay
    }

    @Test
    @DisplayName("V-15: while the ledger cannot append, a valid ECT is 503 ledger_unavailable; once it can, the same ECT is accepted")
    void aLedgerThatCannotAppendIs503() throws Exception {
        String token = ect.token();
        ledger.failAppends(e -> true);
        HttpResponse<String> down = call(token);
        assertEquals(503, down.statusCode());
        assertTrue(down.body().contains("\"ledger_unavailable\""), down.body());
        assertEquals(0, ledger.appended().size());

        ledger.heal();
        assertEquals(200, call(token).statusCode()); // the refused attempt left no replay record
        assertEquals(1, ledger.appended().size());
    }
}

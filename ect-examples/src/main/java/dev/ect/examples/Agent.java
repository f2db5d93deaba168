package dev.ect.examples;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.VerificationListener;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.KeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.okhttp.AudienceResolver;
import dev.ect.okhttp.EctOkHttp;
import dev.ect.servlet.EctFilter;
import dev.ect.servlet.EctFilterConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One agent of the demo: a workload id, a signing key, an embedded Jetty server whose every path
 * is guarded by {@link EctFilter}, and an OkHttp client wrapped by {@link EctOkHttp}. This class is
 * the only place ECT wiring lives; the agent's {@link Handler} (its business logic) never touches
 * an ECT: the filter verifies what comes in and sets the task context, the client mints what goes
 * out from that context, and answers flow back into it.
 */
final class Agent implements AutoCloseable {
    /** An agent's business logic: request body in, response body out. No ECT code. */
    @FunctionalInterface
    interface Handler {
        String handle(String body, Agent self) throws IOException;
    }

    final String name;
    final String id;
    final EctKeyPair key;
    private final String action;
    private Server server;
    private OkHttpClient client;

    /** @param action the exec_act of this agent's answers (its response ECTs, T-08) */
    Agent(String name, String id, EctKeyPair key, String action) {
        this.name = name;
        this.id = id;
        this.key = key;
        this.action = action;
    }

    /**
     * Starts the server on a free loopback port. Inbound ECTs are verified against {@code trust}
     * and, once accepted, appended to the shared {@code ledger} (L3); the DAG rules look
     * predecessors up in it. Each answer carries a response ECT whose {@code exec_act} is this
     * agent's action (T-08).
     */
    void startServer(KeySource trust, AuditLedger ledger, Handler handler) throws Exception {
        EctSigner signer = EctSigner.builder(key).build();
        EctVerifier inbound = EctVerifier.builder().verifierId(id).keySource(trust).ledger(ledger)
                .listener(VerificationListener.noop()).build();
        // The verifier appends accepted ECTs to the shared ledger. Response ECTs are appended by the
        // caller's response verifier, so the filter is given no ledger of its own (one entry per ECT).
        EctFilterConfig config = EctFilterConfig.builder().verifier(inbound).environment(Map.of())
                .requiredPaths("/*").responseSigner(signer).responseExecAct(req -> action).build();
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName(name);
        server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler("/");
        ctx.addFilter(new FilterHolder(new EctFilter(config)), "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        ctx.addServlet(new ServletHolder(new HandlerServlet(handler, this)), "/*");
        server.setHandler(ctx);
        server.start();
    }

    /**
     * Builds the outbound client once every agent listens: {@code directory} maps
     * {@code host:port} to workload ids (the {@code aud} of each call, M-06); response ECTs are
     * verified and appended to the shared ledger. Their predecessors are looked up in the ledger
     * and in the tokens the call itself minted, so an answer that descends from the request through
     * the server's own calls (F-04) is linked to it (F-03).
     */
    void startClient(KeySource trust, AuditLedger ledger, Map<String, String> directory, Map<String, String> pathActions) {
        EctVerifier responses = EctVerifier.builder().verifierId(id).keySource(trust).ledger(ledger)
                .ectStore(EctOkHttp.mintedEctStore(ledger)).listener(VerificationListener.noop()).build();
        EctOkHttp ect = EctOkHttp.builder(EctSigner.builder(key).build(), id)
                .audience(AudienceResolver.byHost(directory))
                .execAct(req -> pathActions.getOrDefault(req.url().encodedPath(), req.method() + " " + req.url().encodedPath()))
                .responseVerifier(responses)
                .build();
        client = ect.wrap(new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(20)).build());
    }

    /** This agent's ECT-aware HTTP client. */
    OkHttpClient client() { return client; }

    int port() { return ((ServerConnector) server.getConnectors()[0]).getLocalPort(); }

    String hostPort() { return "127.0.0.1:" + port(); }

    String url(String path) { return "http://" + hostPort() + path; }

    @Override
    public void close() {
        if (client != null) {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("stopping " + name + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** Runs the handler for every request the filter let through. */
    private static final class HandlerServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Handler handler;
        private final transient Agent self;

        HandlerServlet(Handler handler, Agent self) {
            this.handler = handler;
            this.self = self;
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
            String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String answer = handler.handle(body, self);
            res.setContentType("text/plain");
            res.setCharacterEncoding("UTF-8");
            res.getWriter().write(answer);
        }
    }
}

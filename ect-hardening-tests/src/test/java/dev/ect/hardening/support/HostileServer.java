package dev.ect.hardening.support;

import dev.ect.testing.MutableClock;
import dev.ect.core.Ect;
import dev.ect.core.EctSettings;
import dev.ect.core.VerifiedEct;
import dev.ect.core.dag.DagRule;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import dev.ect.servlet.EctFilter;
import dev.ect.servlet.EctFilterConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The system under attack: {@link EctFilter} in an embedded Jetty 12 (ee10) or Tomcat 11
 * ({@link Builder#container}) on 127.0.0.1, in front of a servlet that answers 200 with the
 * accepted jti. The verifier runs on a {@link MutableClock},
 * records into an audit ledger (L3) and uses the real in-process replay store.
 *
 * <p>The container's request-header limit is raised to 16 KiB, so the filter's own size gate
 * (8192 bytes, T-03) is reachable; larger headers are refused by the container itself (Jetty 431,
 * Tomcat 400).
 */
public final class HostileServer implements AutoCloseable {
    /** Jetty's request header limit in these tests. */
    public static final int REQUEST_HEADER_SIZE = 16 * 1024;

    /** The embedded containers the suite runs on. */
    public enum Container { JETTY, TOMCAT }

    public final MutableClock clock;
    public final AuditLedger ledger;
    public final EctFilterConfig config;
    public final Container container;
    private final AutoCloseable stopper;
    private final int port;
    private final AtomicInteger servletCalls = new AtomicInteger();
    /** Decodes shadow entries: pure checks with unresolved predecessors allowed, against no store. */
    private final dev.ect.core.EctVerifier lax;

    private HostileServer(Builder b) throws Exception {
        clock = b.clock;
        ledger = b.ledger;
        dev.ect.core.EctVerifier.Builder vb = dev.ect.core.EctVerifier.builder()
                .verifierId(Forge.AUD).keySource(b.keySource != null ? b.keySource : Verifiers.keySource())
                .settings(b.settings).clock(clock)
                .replayStore(b.replayStore != null ? b.replayStore : new CaffeineReplayStore(b.settings.replayCacheSize(), clock))
                .ledger(ledger).listener(EctFilterConfig.verifierListener());
        for (DagRule r : b.rules) {
            vb.dagRule(r);
        }
        config = EctFilterConfig.builder().environment(Map.of()).verifier(vb.build()).ledger(ledger).build();
        lax = Verifiers.builder(clock).settings(dev.ect.core.EctSettings.builder().allowUnresolvedPredecessors(true).build()).build();
        container = b.container;
        HttpServlet servlet = new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
                servletCalls.incrementAndGet();
                Optional<VerifiedEct> v = EctFilter.verifiedEct(req);
                res.setStatus(200);
                res.setContentType("text/plain");
                res.getOutputStream().write(("accepted " + v.map(x -> x.ect().jti()).orElse("-"))
                        .getBytes(StandardCharsets.UTF_8));
            }
        };
        if (container == Container.TOMCAT) {
            org.apache.catalina.startup.Tomcat tomcat = startTomcat(new EctFilter(config), servlet);
            stopper = () -> {
                tomcat.stop();
                tomcat.destroy();
            };
            port = tomcat.getConnector().getLocalPort();
            return;
        }
        QueuedThreadPool pool = new QueuedThreadPool(32, 4);
        pool.setName("hostile-jetty");
        Server jetty = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(REQUEST_HEADER_SIZE);
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        FilterHolder fh = new FilterHolder(new EctFilter(config));
        fh.setAsyncSupported(true);
        ctx.addFilter(fh, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        ctx.addServlet(new ServletHolder(servlet), "/*");
        jetty.setHandler(ctx);
        jetty.start();
        stopper = jetty::stop;
        port = connector.getLocalPort();
    }

    /** Tomcat 11 with the same filter mapping (REQUEST, ASYNC on /*) and header limit. */
    private static org.apache.catalina.startup.Tomcat startTomcat(EctFilter filter, HttpServlet servlet) throws Exception {
        java.nio.file.Path base = java.nio.file.Files.createTempDirectory("ect-hostile-tomcat");
        org.apache.catalina.startup.Tomcat tomcat = new org.apache.catalina.startup.Tomcat();
        tomcat.setBaseDir(base.toString());
        org.apache.catalina.connector.Connector connector = new org.apache.catalina.connector.Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxHttpHeaderSize", Integer.toString(REQUEST_HEADER_SIZE));
        connector.setProperty("maxHttpRequestHeaderSize", Integer.toString(REQUEST_HEADER_SIZE));
        connector.setProperty("maxThreads", "32");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        // as in production: the container's own error pages (a 400 for a malformed header) carry no
        // exception report, which would echo the offending header (and so the token) back
        org.apache.catalina.valves.ErrorReportValve errors = new org.apache.catalina.valves.ErrorReportValve();
        errors.setShowReport(false);
        errors.setShowServerInfo(false);
        tomcat.getHost().getPipeline().addValve(errors);
        org.apache.catalina.Context ctx = tomcat.addContext("",
                java.nio.file.Files.createDirectories(base.resolve("docs")).toString());
        ctx.addServletContainerInitializer((classes, sc) -> {
            jakarta.servlet.FilterRegistration.Dynamic f = sc.addFilter("ect", filter);
            f.setAsyncSupported(true);
            f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), true, "/*");
            jakarta.servlet.ServletRegistration.Dynamic s = sc.addServlet("task", servlet);
            s.setAsyncSupported(true);
            s.addMapping("/*");
        }, null);
        tomcat.start();
        return tomcat;
    }

    public static Builder builder(AuditLedger ledger) { return new Builder(ledger); }

    public int port() { return port; }

    /** How often the protected servlet ran (it runs only for accepted requests). */
    public int servletCalls() { return servletCalls.get(); }

    /** Sends raw request bytes; fails with {@link RawHttp.HangException} after 15 s without an answer. */
    public RawHttp.Response send(byte[] request) throws java.io.IOException { return RawHttp.send(port, request, 15_000); }

    /** GET / with one Execution-Context header. */
    public RawHttp.Response sendToken(String token) throws java.io.IOException {
        return send(RawHttp.get("/task").header("Execution-Context", token).build());
    }

    /** Accepts a token through the same verifier, bypassing HTTP (to set up predecessors). */
    public VerifiedEct acceptDirect(String token) { return config.verifier().verify(token); }

    /**
     * Appends a signed ECT straight to the ledger, past the DAG rules: an entry another verifier
     * with a laxer policy accepted (a "shadow" history), e.g. to build a cycle or a long chain.
     */
    public Ect appendShadow(Map<String, Object> claims) {
        String token = Forge.token(Forge.header(), claims, Forge.es256(Forge.TRUSTED.privateKey()));
        Ect ect = lax.check(token).ect();
        ledger.append(ect, token);
        return ect;
    }

    /** Mints, signs with the trusted key and accepts a root or child task at the clock's now. */
    public Ect seed(Map<String, Object> claims) {
        return acceptDirect(Forge.token(Forge.header(), claims, Forge.es256(Forge.TRUSTED.privateKey()))).ect();
    }

    public Instant now() { return clock.instant(); }

    @Override
    public void close() {
        try {
            stopper.close();
        } catch (Exception e) {
            throw new IllegalStateException("stopping " + container + " failed", e);
        } finally {
            config.close();
        }
    }

    /** Options of the server under attack. */
    public static final class Builder {
        private final AuditLedger ledger;
        private MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
        private EctSettings settings = EctSettings.defaults();
        private ReplayStore replayStore;
        private dev.ect.core.keys.KeySource keySource;
        private final java.util.List<DagRule> rules = new java.util.ArrayList<>();
        private Container container = Container.JETTY;

        private Builder(AuditLedger ledger) { this.ledger = ledger; }

        public Builder clock(MutableClock c) { clock = c; return this; }
        public Builder settings(EctSettings s) { settings = s; return this; }
        public Builder replayStore(ReplayStore r) { replayStore = r; return this; }
        public Builder keySource(dev.ect.core.keys.KeySource k) { keySource = k; return this; }
        public Builder dagRule(DagRule r) { rules.add(r); return this; }
        /** The container to run in; default Jetty. */
        public Builder container(Container c) { container = c; return this; }

        public HostileServer start() throws Exception { return new HostileServer(this); }
    }
}

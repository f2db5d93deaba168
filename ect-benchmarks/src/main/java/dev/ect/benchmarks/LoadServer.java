package dev.ect.benchmarks;

import dev.ect.core.EctVerifier;
import dev.ect.servlet.EctFilter;
import dev.ect.servlet.EctFilterConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The server of the load tests: embedded Jetty 12 (ee10) on 127.0.0.1, ephemeral port, a tiny
 * fixed-body servlet on every path, and (when a verifier is given) {@link EctFilter} on
 * {@code /ect/*} with that verifier. Without a verifier it is the HTTP stack alone.
 */
final class LoadServer implements AutoCloseable {
    private final Server server;
    private final int port;

    private LoadServer(Server server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts a server; {@code verifier} null means no filter at all. */
    static LoadServer start(EctVerifier verifier) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ctx.addServlet(new ServletHolder(new Ok()), "/*");
        ctx.addServlet(new ServletHolder(new Jit()), JIT_PATH);
        if (verifier != null) {
            EctFilterConfig cfg = EctFilterConfig.builder().verifier(verifier).requiredPaths("/ect/*")
                    .environment(Map.of()).build();
            ctx.addFilter(new FilterHolder(new EctFilter(cfg)), "/ect/*", EnumSet.of(DispatcherType.REQUEST));
        }
        server.setHandler(ctx);
        server.start();
        return new LoadServer(server, connector.getLocalPort());
    }

    int port() { return port; }

    @Override
    public void close() throws Exception { server.stop(); }

    /** The path (outside the filter's {@code /ect/*}) that answers this JVM's JIT compilation time so far, in ms. */
    static final String JIT_PATH = "/_jit";

    /** Answers {@code CompilationMXBean.getTotalCompilationTime()}: the harness warms up until it stops growing. */
    static final class Jit extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            byte[] body = Long.toString(ManagementFactory.getCompilationMXBean().getTotalCompilationTime())
                    .getBytes(StandardCharsets.US_ASCII);
            resp.setContentType("text/plain");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
        }
    }

    /** The application: a tiny fixed body. */
    static final class Ok extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final byte[] BODY = "ok\n".getBytes(StandardCharsets.US_ASCII);

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.setContentLength(BODY.length);
            resp.getOutputStream().write(BODY);
        }
    }
}

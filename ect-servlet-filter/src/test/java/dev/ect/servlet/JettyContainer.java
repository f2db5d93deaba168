package dev.ect.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Embedded Jetty 12 (ee10, Servlet 6.0). */
final class JettyContainer implements TestContainer {
    private final Server server;
    private final ServerConnector connector;

    private JettyContainer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    static TestContainer start(ServletContainerInitializer app, Map<Integer, String> errorPages) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServletContainerInitializer(app);
        ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
        errorPages.forEach(errors::addErrorPage);
        context.setErrorHandler(errors);
        server.setHandler(context);
        server.start();
        return new JettyContainer(server, connector);
    }

    @Override
    public int port() { return connector.getLocalPort(); }

    @Override
    public String name() { return "jetty"; }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping jetty failed", e);
        }
    }
}

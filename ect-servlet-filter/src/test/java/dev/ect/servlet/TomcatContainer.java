package dev.ect.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ErrorPage;

/** Embedded Tomcat 11 (Servlet 6.1). */
final class TomcatContainer implements TestContainer {
    private final Tomcat tomcat;
    private final Connector connector;

    private TomcatContainer(Tomcat tomcat, Connector connector) {
        this.tomcat = tomcat;
        this.connector = connector;
    }

    static TestContainer start(ServletContainerInitializer app, Map<Integer, String> errorPages) throws Exception {
        Path base = Files.createTempDirectory("ect-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", Files.createDirectories(base.resolve("docs")).toString());
        context.addServletContainerInitializer(app, null);
        errorPages.forEach((code, location) -> {
            ErrorPage page = new ErrorPage();
            page.setErrorCode(code);
            page.setLocation(location);
            context.addErrorPage(page);
        });
        tomcat.start();
        return new TomcatContainer(tomcat, connector);
    }

    @Override
    public int port() { return connector.getLocalPort(); }

    @Override
    public String name() { return "tomcat"; }

    @Override
    public void close() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (Exception e) {
            throw new IllegalStateException("stopping tomcat failed", e);
        }
    }
}

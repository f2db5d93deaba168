package dev.ect.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.util.Map;

/** An embedded servlet container serving one application on 127.0.0.1 at an ephemeral port. */
interface TestContainer extends AutoCloseable {
    /** The port it listens on. */
    int port();

    /** "jetty" or "tomcat". */
    String name();

    /** Stops the container. */
    @Override
    void close();

    /** Starts a container for an application, with error pages (status code → location). */
    @FunctionalInterface
    interface Factory {
        TestContainer start(ServletContainerInitializer app, Map<Integer, String> errorPages) throws Exception;
    }
}

package dev.ect.hardening.http;

import dev.ect.hardening.support.HostileServer;
import java.util.Map;

/**
 * The hostile-input suite (every row of {@link HostileCases}) against {@link dev.ect.servlet.EctFilter}
 * in an embedded Tomcat 11 (item 12): the same assertions as on Jetty (exact status and
 * {@code ect_error}, never a 500, a hang or an unexpected accept, the servlet runs only for accepted
 * rows, no token echoed, no outbound connection).
 *
 * <p>A few rows are answered by the container before the filter sees them, and Tomcat answers
 * them differently from Jetty; {@link #TOMCAT} lists each with Tomcat's answer and why. None is a
 * 500 or an accept of a bad token.
 */
class TomcatHostileInputSuiteTest extends HostileInputSuiteTest {
    /** Row name -> {status, ect_error or null} where Tomcat 11 differs from the table (Jetty 12). */
    private static final Map<String, Object[]> TOMCAT = Map.of(
            // Tomcat refuses oversized headers with 400, Jetty with 431
            "encoding: 1 MB value", new Object[] {400, null},
            "encoding: value just over the container's header limit", new Object[] {400, null},
            "json: nesting 10,000 deep (the container's header limit answers first)", new Object[] {400, null},
            // Tomcat's maxHeaderCount (100) is a 400, Jetty's header size limit a 431
            "encoding: 3000 small extra header fields", new Object[] {400, null},
            // RFC 9112 section 5.2 lets a server replace obs-fold with SP instead of refusing it: Tomcat
            // does, so the filter sees the unfolded value. Split inside the token it is malformed ...
            "encoding: obs-fold: token continued on a folded line", new Object[] {403, "malformed_token"},
            // ... and the whole valid token after the fold is that token after OWS: accepted, once
            "encoding: obs-fold: whole token on the folded line", new Object[] {200, null});

    @Override
    protected HostileServer.Container container() { return HostileServer.Container.TOMCAT; }

    @Override
    protected HostileCase expected(HostileCase c) {
        Object[] t = TOMCAT.get(c.toString());
        return t == null ? c : new HostileCase(c.category(), c.name(), (Integer) t[0], (String) t[1], c.request());
    }
}

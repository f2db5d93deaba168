package dev.ect.servlet;

import dev.ect.core.context.TaskContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The servlet of the web.xml deployment (instantiated by the container from its class name). */
public class WarEchoServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.getWriter().write(AppServlet.describe(req, "war")
                + "ctx.frontier=" + TaskContext.current().map(c -> c.frontier().toString()).orElse("none") + "\n");
    }
}

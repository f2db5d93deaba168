package dev.ect.servlet;

import dev.ect.core.EctHashes;
import dev.ect.core.context.TaskContext;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/** The servlet behind the filter: echoes what it sees (ECT, task context, dispatch) as key=value lines. */
final class AppServlet extends HttpServlet {
    static final int BIG = 1024 * 1024;
    static final String HASHED_BODY = "the summary of the spec";

    private final transient TestApp app;

    AppServlet(TestApp app) { this.app = app; }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        app.invocations.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        switch (path) {
            case "/api/forward" -> req.getRequestDispatcher("/api/echo").forward(req, resp);
            case "/request-only/forward" -> req.getRequestDispatcher("/request-only/echo").forward(req, resp);
            case "/api/teapot", "/public/teapot", "/static/teapot.css" -> resp.sendError(418);
            case "/api/redirect" -> resp.sendRedirect("/api/echo");
            case "/api/big" -> {
                byte[] chunk = new byte[8192];
                Arrays.fill(chunk, (byte) 'x');
                OutputStream out = resp.getOutputStream();
                for (int i = 0; i < BIG / chunk.length; i++) {
                    out.write(chunk);
                }
            }
            case "/api/bigwriter" -> {
                char[] chunk = new char[1024];
                Arrays.fill(chunk, 'y');
                PrintWriter w = resp.getWriter();
                for (int i = 0; i < BIG / chunk.length; i++) {
                    w.write(chunk);
                }
            }
            case "/api/exact-length" -> {
                resp.setContentLength(5);
                resp.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            }
            case "/api/hashed" -> {
                TaskContext ctx = TaskContext.current().orElseThrow();
                ctx.setExecAct("summarize");
                ctx.setOutHash(EctHashes.sha256(HASHED_BODY));
                resp.getWriter().write(HASHED_BODY);
            }
            case "/api/flush-buffer" -> {
                resp.getWriter().write("part1;");
                resp.flushBuffer(); // commits: the response ECT must already be there
                resp.getWriter().write("part2");
            }
            case "/api/single-bytes" -> {
                resp.setBufferSize(100);
                OutputStream out = resp.getOutputStream();
                for (int i = 0; i < 1000; i++) {
                    out.write('0' + i % 10); // one byte at a time past the (small) buffer
                }
                out.flush();
                out.write('!');
                out.close();
            }
            case "/api/reset-buffer" -> {
                resp.getOutputStream().write("junk".getBytes(StandardCharsets.US_ASCII));
                resp.resetBuffer();
                resp.setHeader("X-Before-Reset", "gone");
                resp.reset();
                resp.getOutputStream().write("clean".getBytes(StandardCharsets.US_ASCII));
            }
            case "/api/teapot-msg" -> resp.sendError(418, "short and stout");
            case "/api/bad-out-hash", "/infra/resp-ledger-down/x", "/infra/resp-not-recorded/x" -> {
                if (path.equals("/api/bad-out-hash")) {
                    TaskContext.current().orElseThrow().setOutHash("sha-256:not-a-c09-hash"); // C-09: minting refuses it
                }
                resp.getWriter().write("body intact");
            }
            case "/errorpage" -> {
                resp.setContentType("text/plain");
                resp.getWriter().write(describe(req, "error-page"));
            }
            case "/async/start" -> {
                AsyncContext ac = req.startAsync();
                ac.setTimeout(Math.max(ac.getTimeout(), 20_000));
                if (req.getAsyncContext() != ac && !req.isAsyncStarted()) {
                    throw new IllegalStateException("async not started");
                }
                ac.start(() -> writeAndComplete(ac, describe((HttpServletRequest) ac.getRequest(), "async-start")));
            }
            case "/async/executor" -> {
                AsyncContext ac = req.startAsync();
                Executor pool = TaskContext.wrap((Executor) app.pool);
                pool.execute(() -> writeAndComplete(ac, describe((HttpServletRequest) ac.getRequest(), "executor")));
            }
            case "/async/dispatch" -> {
                AsyncContext ac = req.startAsync();
                ac.start(() -> ac.dispatch("/api/echo"));
            }
            default -> {
                resp.setContentType("text/plain");
                resp.getWriter().write(describe(req, "echo"));
            }
        }
    }

    private static void writeAndComplete(AsyncContext ac, String body) {
        try {
            ac.getResponse().setContentType("text/plain");
            ac.getResponse().getWriter().write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ac.complete();
        }
    }

    /** What this thread and request see, as key=value lines. */
    static String describe(HttpServletRequest req, String handler) {
        StringBuilder b = new StringBuilder();
        b.append("handler=").append(handler).append('\n');
        b.append("dispatch=").append(req.getDispatcherType()).append('\n');
        b.append("thread=").append(Thread.currentThread().getName()).append('\n');
        b.append("ect.jti=").append(EctFilter.ect(req).map(e -> e.jti()).orElse("none")).append('\n');
        b.append("ect.iss=").append(EctFilter.ect(req).map(e -> e.iss()).orElse("none")).append('\n');
        b.append("ect.level=").append(EctFilter.verifiedEct(req).map(v -> v.level().name()).orElse("none")).append('\n');
        b.append("ctx.jti=").append(TaskContext.current().map(c -> c.inbound().jti()).orElse("none")).append('\n');
        b.append("ctx.same=").append(TaskContext.current().isPresent()
                && TaskContext.current().equals(EctFilter.taskContext(req))).append('\n');
        return b.toString();
    }
}

package dev.ect.servlet.internal;

import dev.ect.core.context.TaskContext;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Carries the task context into asynchronous processing (F-05): {@code startAsync()} and
 * {@code getAsyncContext()} return an {@link AsyncContext} whose {@code start(Runnable)} runs the
 * task with the request's context current, and whose {@code complete()} first adds the response
 * ECT. {@code startAsync()} passes this request and the response wrapper on, so async writes and
 * async dispatches keep going through them.
 */
public final class ContextRequestWrapper extends HttpServletRequestWrapper {
    private final TaskContext context;
    private final ServletResponse response;

    public ContextRequestWrapper(HttpServletRequest request, ServletResponse response, TaskContext context) {
        super(request);
        this.context = context;
        this.response = response;
    }

    @Override
    public AsyncContext startAsync() {
        return startAsync(this, response);
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse resp) {
        AsyncContext ac = super.startAsync(request, resp);
        enterAsync(resp);
        return new ContextAsyncContext(ac, context);
    }

    /**
     * A dispatcher whose {@code forward} first stops the response wrapper's buffering: a container
     * may complete a forwarded response on its own, past any wrapper (Tomcat does), so the forwarded
     * body must reach the container, and the response ECT be added, as it is written.
     */
    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        RequestDispatcher d = super.getRequestDispatcher(path);
        return d == null ? null : new RequestDispatcher() {
            @Override
            public void forward(ServletRequest req, ServletResponse resp) throws ServletException, IOException {
                ResponseEctWrapper w = ResponseEctWrapper.find(resp);
                if (w != null) {
                    w.stopBuffering();
                }
                d.forward(req, resp);
            }

            @Override
            public void include(ServletRequest req, ServletResponse resp) throws ServletException, IOException {
                d.include(req, resp);
            }
        };
    }

    @Override
    public AsyncContext getAsyncContext() {
        AsyncContext ac = super.getAsyncContext();
        return ac == null || ac instanceof ContextAsyncContext ? ac : new ContextAsyncContext(ac, context);
    }

    private static void enterAsync(ServletResponse resp) {
        ResponseEctWrapper w = ResponseEctWrapper.find(resp);
        if (w != null) {
            try {
                w.stopBuffering();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

package dev.ect.servlet.internal;

import dev.ect.core.context.TaskContext;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An {@link AsyncContext} that runs {@link #start} tasks in the request's task context and mints before {@link #complete}. */
final class ContextAsyncContext implements AsyncContext {
    private static final Logger LOG = LoggerFactory.getLogger("dev.ect.servlet.EctFilter");

    private final AsyncContext delegate;
    private final TaskContext context;

    ContextAsyncContext(AsyncContext delegate, TaskContext context) {
        this.delegate = delegate;
        this.context = context;
    }

    @Override
    public void start(Runnable run) { delegate.start(context.wrap(run)); }

    @Override
    public void complete() {
        ResponseEctWrapper w = ResponseEctWrapper.find(delegate.getResponse());
        if (w != null) {
            try {
                w.finish();
            } catch (IOException e) {
                LOG.debug("handing the body on before complete() failed: {}", e.toString());
            }
        }
        delegate.complete();
    }

    @Override
    public ServletRequest getRequest() { return delegate.getRequest(); }

    @Override
    public ServletResponse getResponse() { return delegate.getResponse(); }

    @Override
    public boolean hasOriginalRequestAndResponse() { return delegate.hasOriginalRequestAndResponse(); }

    @Override
    public void dispatch() { delegate.dispatch(); }

    @Override
    public void dispatch(String path) { delegate.dispatch(path); }

    @Override
    public void dispatch(ServletContext ctx, String path) { delegate.dispatch(ctx, path); }

    @Override
    public void addListener(AsyncListener listener) { delegate.addListener(listener); }

    @Override
    public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
        delegate.addListener(listener, request, response);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> clazz) throws ServletException {
        return delegate.createListener(clazz);
    }

    @Override
    public void setTimeout(long timeout) { delegate.setTimeout(timeout); }

    @Override
    public long getTimeout() { return delegate.getTimeout(); }
}

package dev.ect.core.context;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** An executor service that carries the submitter's {@link TaskContext} into each task (F-05). */
final class ContextExecutorService implements ExecutorService {
    private final ExecutorService d;

    ContextExecutorService(ExecutorService d) { this.d = d; }

    @Override public void execute(Runnable r) { d.execute(TaskContext.wrapCurrent(r)); }
    @Override public void shutdown() { d.shutdown(); }
    @Override public List<Runnable> shutdownNow() { return d.shutdownNow(); }
    @Override public boolean isShutdown() { return d.isShutdown(); }
    @Override public boolean isTerminated() { return d.isTerminated(); }
    @Override public boolean awaitTermination(long t, TimeUnit u) throws InterruptedException { return d.awaitTermination(t, u); }
    @Override public <T> Future<T> submit(Callable<T> c) { return d.submit(TaskContext.wrapCurrent(c)); }
    @Override public <T> Future<T> submit(Runnable r, T result) { return d.submit(TaskContext.wrapCurrent(r), result); }
    @Override public Future<?> submit(Runnable r) { return d.submit(TaskContext.wrapCurrent(r)); }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        return d.invokeAll(TaskContext.wrapAll(tasks));
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long t, TimeUnit u) throws InterruptedException {
        return d.invokeAll(TaskContext.wrapAll(tasks), t, u);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        return d.invokeAny(TaskContext.wrapAll(tasks));
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long t, TimeUnit u)
            throws InterruptedException, ExecutionException, TimeoutException {
        return d.invokeAny(TaskContext.wrapAll(tasks), t, u);
    }
}

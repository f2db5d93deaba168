package dev.ect.httpclient.internal;

import dev.ect.core.context.TaskContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The future {@code sendAsync} returns (F-05): it is completed with the task context that was
 * current when the call was made, current on the completing thread, so dependent stages that run
 * on completion ({@code thenApply}, {@code whenComplete}, ...) see that context; the context is
 * restored right after. Its async stages without an explicit executor ({@code thenApplyAsync(fn)})
 * run on the client's executor (or the {@link CompletableFuture} default), also with the context
 * current; every stage derived from it is again such a future.
 */
final class ContextFuture<T> extends CompletableFuture<T> {
    private final TaskContext context; // null: none was current when the call was made
    private final Executor executor;

    private ContextFuture(TaskContext context, Executor executor) {
        this.context = context;
        this.executor = executor;
    }

    /** A future for a call made in {@code context} (null: none), async stages running on {@code base}. */
    static <T> ContextFuture<T> of(TaskContext context, Executor base) {
        return new ContextFuture<>(context, context == null ? base : r -> base.execute(context.wrap(r)));
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() { return new ContextFuture<>(context, executor); }

    @Override
    public Executor defaultExecutor() { return executor; }

    /** Completes normally, with the captured context current while dependents run. */
    void succeed(T value) {
        if (context == null) {
            complete(value);
            return;
        }
        TaskContext.Scope s = context.makeCurrent();
        try {
            complete(value);
        } finally {
            s.close();
        }
    }

    /** Completes exceptionally, with the captured context current while dependents run. */
    void fail(Throwable error) {
        if (context == null) {
            completeExceptionally(error);
            return;
        }
        TaskContext.Scope s = context.makeCurrent();
        try {
            completeExceptionally(error);
        } finally {
            s.close();
        }
    }
}

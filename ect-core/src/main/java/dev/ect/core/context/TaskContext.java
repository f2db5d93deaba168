package dev.ect.core.context;

import dev.ect.core.Ect;
import dev.ect.core.internal.Uuids;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * The task context of one unit of work (profile section 11): its workflow id and its
 * <em>frontier</em>, the task ids the agent's next outbound ECT depends on.
 *
 * <p>The servlet filter opens one per accepted inbound ECT (F-01); the OkHttp integration reads
 * the frontier when a call is created (F-02) and folds response ECTs back into it (F-03). A
 * context is thread-safe and may be shared by the threads of one unit of work; it is made current
 * per thread with {@link #makeCurrent()} (try-with-resources, restored on close) and carried to
 * other threads only explicitly with {@link #wrap(Runnable)} / {@link #wrap(Executor)} (F-05).
 */
public final class TaskContext {
    private static final ThreadLocal<TaskContext> CURRENT = new ThreadLocal<>();

    private final String wid;
    private final Ect inbound;
    private final Set<String> frontier = new LinkedHashSet<>();
    /** Task ids minted in this context, canonical (F-03); read and written by the client integrations only. */
    private final Set<String> minted = ConcurrentHashMap.newKeySet();
    private volatile String execAct;
    private volatile String outHash;
    private volatile Map<String, Object> ext;

    private TaskContext(String wid, Ect inbound, Collection<String> frontier) {
        this.wid = wid;
        this.inbound = inbound;
        this.frontier.addAll(frontier);
    }

    /** F-01: a context for work started by an accepted inbound ECT: frontier = {its jti}, its wid. */
    public static TaskContext forInbound(Ect inbound) {
        Objects.requireNonNull(inbound, "inbound");
        return new TaskContext(inbound.wid(), inbound, List.of(inbound.jti()));
    }

    /** F-01 / M-05: a root task starting a new workflow (fresh random wid, empty frontier). */
    public static TaskContext root() { return new TaskContext(UUID.randomUUID().toString(), null, List.of()); }

    /** A root task in a given workflow (wid may be null for no workflow id). */
    public static TaskContext root(String wid) { return new TaskContext(wid, null, List.of()); }

    /** The context current on this thread, if any. */
    public static Optional<TaskContext> current() { return Optional.ofNullable(CURRENT.get()); }

    /** The workflow id (may be null when the inbound ECT had none). */
    public String wid() { return wid; }

    /** The inbound ECT that started this unit of work, or null for a root task. */
    public Ect inbound() { return inbound; }

    /** A snapshot of the frontier, in insertion order. */
    public List<String> frontier() {
        synchronized (frontier) {
            return List.copyOf(frontier);
        }
    }

    /**
     * F-03: an outbound ECT {@code sent} was answered. With a response ECT, {@code responseJti}
     * replaces the sent ECT's predecessors in the frontier; with none (null), the sent ECT's own
     * jti takes its place.
     */
    public void onAnswered(Ect sent, String responseJti) {
        synchronized (frontier) {
            frontier.removeAll(sent.pred());
            frontier.add(responseJti != null ? responseJti : sent.jti());
        }
    }

    /** Replaces the frontier (for applications that manage the DAG by hand). */
    public void resetFrontier(Collection<String> tasks) {
        synchronized (frontier) {
            frontier.clear();
            frontier.addAll(tasks);
        }
    }

    /**
     * Remembers a task id minted in this context (F-03: a response ECT must not take it). Not API:
     * the client integrations reach it through {@code dev.ect.core.client.internal.MintedTaskIds}.
     */
    void recordMinted(String jti) { minted.add(Uuids.canonical(jti)); }

    /** True when {@code jti} (any letter case, P-01) was minted in this context; see {@link #recordMinted}. */
    boolean minted(String jti) { return minted.contains(Uuids.canonical(jti)); }

    /** The exec_act a handler set for the response ECT (T-08), or null. */
    public String execAct() { return execAct; }

    /** Sets the exec_act of this unit's response ECT (T-08). */
    public void setExecAct(String execAct) { this.execAct = execAct; }

    /** The out_hash a handler set for the response ECT, or null. */
    public String outHash() { return outHash; }

    /** Sets the out_hash (C-09 form) of this unit's response ECT. */
    public void setOutHash(String outHash) { this.outHash = outHash; }

    /** The ect_ext a handler set for the response ECT, or null. */
    public Map<String, Object> ext() { return ext; }

    /** Sets the ect_ext of this unit's response ECT. */
    public void setExt(Map<String, Object> ext) {
        // not Map.copyOf: ect_ext may hold JSON nulls, and its member order is kept
        this.ext = ext == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(ext));
    }

    /** Makes this context current on this thread until the returned scope is closed. */
    public Scope makeCurrent() {
        TaskContext previous = CURRENT.get();
        CURRENT.set(this);
        Thread owner = Thread.currentThread();
        return () -> {
            if (Thread.currentThread() == owner) {
                if (previous == null) {
                    CURRENT.remove();
                } else {
                    CURRENT.set(previous);
                }
            }
        };
    }

    /** Runs {@code r} with this context current. */
    public Runnable wrap(Runnable r) {
        Objects.requireNonNull(r, "runnable");
        return () -> {
            Scope s = makeCurrent();
            try {
                r.run();
            } finally {
                s.close();
            }
        };
    }

    /** Calls {@code c} with this context current. */
    public <T> Callable<T> wrap(Callable<T> c) {
        Objects.requireNonNull(c, "callable");
        return () -> {
            Scope s = makeCurrent();
            try {
                return c.call();
            } finally {
                s.close();
            }
        };
    }

    /**
     * An executor that runs each task in the context that was current on the submitting thread
     * when the task was submitted (F-05). Tasks submitted without a current context run without one.
     */
    public static Executor wrap(Executor delegate) {
        Objects.requireNonNull(delegate, "executor");
        return task -> delegate.execute(wrapCurrent(task));
    }

    /** Like {@link #wrap(Executor)} for an {@link ExecutorService}, returned as a plain executor service. */
    public static ExecutorService wrap(ExecutorService delegate) {
        return new ContextExecutorService(delegate);
    }

    static Runnable wrapCurrent(Runnable task) {
        TaskContext ctx = CURRENT.get();
        return ctx == null ? task : ctx.wrap(task);
    }

    static <T> Callable<T> wrapCurrent(Callable<T> task) {
        TaskContext ctx = CURRENT.get();
        return ctx == null ? task : ctx.wrap(task);
    }

    static <T> List<Callable<T>> wrapAll(Collection<? extends Callable<T>> tasks) {
        List<Callable<T>> out = new ArrayList<>();
        for (Callable<T> t : tasks) {
            out.add(wrapCurrent(t));
        }
        return out;
    }

    @Override
    public String toString() { return "TaskContext{wid=" + wid + ", frontier=" + frontier() + "}"; }

    /** Restores the previous context when closed; never throws. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}

package dev.ect.httpclient.internal;

import dev.ect.core.Ect;
import dev.ect.core.SignedEct;
import dev.ect.core.context.TaskContext;
import dev.ect.httpclient.EctHttp.MissingContext;
import dev.ect.httpclient.EctRequestOptions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ECT state of one exchange ({@code send} or {@code sendAsync}, with every redirect hop the
 * integration follows): the task context and frontier captured when the call was made (F-02),
 * every token minted for its hops, and the last hop's answer. Hops run one after the other, but
 * on different threads for {@code sendAsync}, so the fields are thread-safe.
 */
final class CallState {
    private final TaskContext captured; // current when the call was made, or null (F-05 restores it)
    private final TaskContext context; // the context the exchange works for (a fresh root under ROOT_TASK)
    private final List<String> frontier;
    private final boolean missingContext;
    private final EctRequestOptions options;
    private final List<SignedEct> minted = new CopyOnWriteArrayList<>();
    private final AtomicReference<Answer> lastAnswer = new AtomicReference<>();

    /** One hop's outcome: the ECT sent, the verified response ECT's jti (or null), the status. */
    record Answer(Ect sent, String responseJti, int status) {}

    /** Captures the context current on this thread, with a snapshot of its frontier (F-02). */
    CallState(MissingContext policy, EctRequestOptions options) {
        this.options = options;
        this.captured = TaskContext.current().orElse(null);
        if (captured != null) {
            context = captured;
            frontier = captured.frontier();
            missingContext = false;
        } else if (policy == MissingContext.ROOT_TASK) {
            context = TaskContext.root(); // M-05: a root task with a fresh workflow id, per call
            frontier = List.of();
            missingContext = false;
        } else {
            context = null;
            frontier = List.of();
            missingContext = true;
        }
    }

    /** The context current when the call was made, or null. */
    TaskContext captured() { return captured; }

    /** The per-call options (never null). */
    EctRequestOptions options() { return options; }

    /** True when no context was current at the call and the policy did not create one. */
    boolean missingContext() { return missingContext; }

    /** The frontier captured when the call was made (F-02): the default pred. */
    List<String> frontier() { return frontier; }

    /** The workflow id of the context (M-05), or null. */
    String wid() { return context == null ? null : context.wid(); }

    void recordMinted(SignedEct s) { minted.add(s); }

    /** A token this exchange minted, by jti (resolves the request's task for the response ECT's DAG check). */
    Optional<Ect> minted(String jti) {
        for (SignedEct s : minted) {
            if (s.ect().jti().equals(jti)) {
                return Optional.of(s.ect());
            }
        }
        return Optional.empty();
    }

    /**
     * F-03: true when {@code jti} is a task id this client minted: one of this exchange's hops, or
     * an ECT the task context recorded as minted.
     */
    boolean mintedTaskId(String jti) {
        return minted(jti).isPresent() || (context != null && context.minted(jti).isPresent());
    }

    void recordAnswer(Ect sent, String responseJti, int status) { lastAnswer.set(new Answer(sent, responseJti, status)); }

    /**
     * F-03: folds the last hop's answer into the context's frontier, once. A verified response
     * ECT replaces the sent ECT's pred; without one, the sent ECT itself does, but only for a
     * response below 400: an error answer (including a receiver refusing the ECT with 403) does
     * not make the request's task a dependency of later work.
     */
    void applyLastAnswer() {
        Answer a = lastAnswer.getAndSet(null);
        if (a == null || context == null) {
            return;
        }
        if (a.responseJti() != null) {
            context.onAnswered(a.sent(), a.responseJti());
        } else if (a.status() < 400) {
            context.onAnswered(a.sent(), null);
        }
    }
}

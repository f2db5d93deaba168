package dev.ect.okhttp.internal;

import dev.ect.core.Ect;
import dev.ect.core.SignedEct;
import dev.ect.core.context.TaskContext;
import dev.ect.okhttp.EctOkHttp.MissingContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ECT state of one OkHttp call, kept as a tag on the {@code Call}: the captured task context
 * and frontier (F-02), every token minted for its network attempts, and the last attempt's answer.
 * Attempts of one call run one after the other; the fields are still thread-safe because an
 * async call's attempts run on dispatcher threads.
 */
public final class CallState {
    private final TaskContext context;
    private final List<String> frontier;
    private final boolean missingContext;
    private final List<SignedEct> minted = new CopyOnWriteArrayList<>();
    private final AtomicReference<Answer> lastAnswer = new AtomicReference<>();
    private volatile boolean finalAnswerHandledOutside;

    /** One attempt's outcome: the ECT sent, and the verified response ECT's jti (or null). */
    record Answer(Ect sent, String responseJti, int status) {}

    CallState(Capture capture, MissingContext policy) {
        if (capture.context() != null) {
            context = capture.context();
            frontier = List.copyOf(capture.frontier());
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

    /** The task context this call works for; null when none was current and the policy is not ROOT_TASK. */
    TaskContext context() { return context; }

    /** True when no context was current at creation and the policy did not create one. */
    boolean missingContext() { return missingContext; }

    /** The frontier captured when the call was created (F-02): the default pred. */
    List<String> frontier() { return frontier; }

    /** The workflow id of the context (M-05), or null. */
    String wid() { return context == null ? null : context.wid(); }

    void recordMinted(SignedEct s) { minted.add(s); }

    /** True when {@code compact} is a token this call minted on an earlier attempt. */
    boolean isOwnToken(String compact) {
        for (SignedEct s : minted) {
            if (s.compact().equals(compact)) {
                return true;
            }
        }
        return false;
    }

    /** A token this call minted, by jti (resolves the request's task for the response ECT's DAG check). */
    Optional<Ect> minted(String jti) {
        for (SignedEct s : minted) {
            if (s.ect().jti().equals(jti)) {
                return Optional.of(s.ect());
            }
        }
        return Optional.empty();
    }

    /**
     * F-03: true when {@code jti} is a task id this client minted: one of this call's attempts, or
     * an ECT the task context recorded as minted.
     */
    boolean mintedTaskId(String jti) {
        return minted(jti).isPresent() || (context != null && context.minted(jti).isPresent());
    }

    void markFinalAnswerHandledOutside() { finalAnswerHandledOutside = true; }

    boolean finalAnswerHandledOutside() { return finalAnswerHandledOutside; }

    void recordAnswer(Ect sent, String responseJti, int status) { lastAnswer.set(new Answer(sent, responseJti, status)); }

    /**
     * F-03: folds the last attempt's answer into the context's frontier, once. A verified
     * response ECT replaces the sent ECT's pred; without one, the sent ECT itself does, but only
     * for a response below 400: an error answer (including a receiver refusing the ECT with 403)
     * does not make the request's task a dependency of later work.
     *
     * @return the answer applied, or null when there was nothing to apply
     */
    Answer applyLastAnswer() {
        Answer a = lastAnswer.getAndSet(null);
        if (a == null || context == null) {
            return null;
        }
        if (a.responseJti() != null) {
            context.onAnswered(a.sent(), a.responseJti());
            return a;
        }
        if (a.status() < 400) {
            context.onAnswered(a.sent(), null);
            return a;
        }
        return null;
    }
}

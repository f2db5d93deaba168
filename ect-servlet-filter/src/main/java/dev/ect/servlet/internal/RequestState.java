package dev.ect.servlet.internal;

import dev.ect.core.VerifiedEct;
import dev.ect.core.context.TaskContext;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * What the filters decided for a request, kept as a request attribute for its later dispatches
 * (FORWARD, INCLUDE, ASYNC, ERROR) and for the other {@code EctFilter} instances on it (T-09).
 *
 * <p>One per request, shared by every instance: the ECT (if any) and its task context are the
 * request's; which instances accepted that ECT is per instance, so an instance that has not yet
 * verified it does (with its own verifier) instead of trusting another instance's decision.
 * Dispatches of one request run one after the other; the fields are volatile for the hand-over
 * between the container's threads (async).
 */
public final class RequestState {
    private volatile VerifiedEct verified;
    private final TaskContext context;
    private final ResponseEctMinter minter;
    private final Object minterOwner;
    private final Set<Object> acceptedBy = new CopyOnWriteArraySet<>();

    private RequestState(VerifiedEct verified, TaskContext context, ResponseEctMinter minter, Object owner) {
        this.verified = verified;
        this.context = context;
        this.minter = minter;
        this.minterOwner = owner;
        if (verified != null) {
            acceptedBy.add(owner);
        }
    }

    /** A request whose ECT {@code owner} accepted; {@code minter} (nullable) is owner's response-ECT minter. */
    public static RequestState accepted(VerifiedEct verified, TaskContext context, ResponseEctMinter minter, Object owner) {
        return new RequestState(verified, context, minter, owner);
    }

    /** A request that went on without an ECT. */
    public static RequestState none(Object owner) { return new RequestState(null, null, null, owner); }

    /** The latest verification of the request's ECT (it notes every store written so far); null without one. */
    public VerifiedEct verified() { return verified; }

    /** The task context of the accepted ECT; null without one. */
    public TaskContext context() { return context; }

    /** The response-ECT minter, or null. Only {@link #minterOwner()} wraps responses with it. */
    public ResponseEctMinter minter() { return minter; }

    /** The instance that created the minter (the first that accepted the ECT). */
    public Object minterOwner() { return minterOwner; }

    /** True when {@code filter} has verified and accepted this request's ECT itself. */
    public boolean acceptedBy(Object filter) { return acceptedBy.contains(filter); }

    /** {@code filter} verified the ECT again (T-09) and accepted it; {@code again} is its result. */
    public void acceptAgain(Object filter, VerifiedEct again) {
        verified = again;
        acceptedBy.add(filter);
    }
}

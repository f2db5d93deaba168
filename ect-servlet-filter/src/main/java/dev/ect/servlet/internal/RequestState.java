package dev.ect.servlet.internal;

import dev.ect.core.VerifiedEct;
import dev.ect.core.context.TaskContext;

/**
 * What the filter decided for a request, kept as a request attribute so that later dispatches of
 * the same request (FORWARD, INCLUDE, ASYNC, ERROR) are not verified again (once per request) and
 * re-establish the task context instead.
 *
 * @param verified the accepted ECT, or null when the request went on without one (optional path)
 * @param context the task context of an accepted ECT, or null
 * @param minter the response-ECT minter, or null when response ECTs are off or there is no ECT
 * @param owner the filter instance that decided; another instance seeing this state passes the
 *     request through untouched (it is verified at most once, by one filter)
 */
public record RequestState(VerifiedEct verified, TaskContext context, ResponseEctMinter minter, Object owner) {
    /** A request that went on without an ECT. */
    public static RequestState none(Object owner) { return new RequestState(null, null, null, owner); }
}

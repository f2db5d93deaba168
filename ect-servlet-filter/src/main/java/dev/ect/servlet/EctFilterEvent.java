package dev.ect.servlet;

import dev.ect.core.EctLevel;
import jakarta.servlet.DispatcherType;
import java.time.Duration;

/**
 * What {@link EctFilter} did with one dispatch of one request, for metrics and audit hooks
 * ({@link EctFilterListener}). Never holds the token.
 *
 * @param outcome what happened
 * @param errorCode the {@code ect_error} sent with a {@link Outcome#REJECTED} answer (a reason
 *     code of profile section 7, or {@code verification_unavailable}); null otherwise
 * @param status the HTTP status sent for a rejection (403 or 503); 0 otherwise
 * @param jti the token's {@code jti} when it could be read (accepted, and most rejections); else null
 * @param iss the token's {@code iss} when it could be read; else null
 * @param level the verified level of an accepted ECT; else null
 * @param method the HTTP method
 * @param path the path within the application (servlet path + path info) the policy was decided on
 * @param dispatcherType the dispatch this event is for ({@code REQUEST} for the first one)
 * @param duration time spent in the filter's own work for this dispatch (not the servlet's)
 */
public record EctFilterEvent(Outcome outcome, String errorCode, int status, String jti, String iss, EctLevel level,
        String method, String path, DispatcherType dispatcherType, Duration duration) {

    /** The outcomes of one dispatch through the filter. */
    public enum Outcome {
        /** A valid ECT was verified; the request went on with it (request attribute, task context). */
        ACCEPTED,
        /** The request was answered 403 or 503 with a problem+json body; the servlet was not invoked. */
        REJECTED,
        /** No ECT on an optional path: the request went on without one. */
        MISSING,
        /**
         * The filter did not verify: an excluded (or uncovered) path, an ERROR dispatch to a path
         * that is not required, a later dispatch of a request whose ECT this instance already
         * accepted, or a dispatch without an ECT to a path that is not required.
         */
        SKIPPED
    }
}

package dev.ect.core.client;

import dev.ect.core.ReasonCode;

/**
 * The response carried an {@code Execution-Context} header (T-08) that failed verification, or
 * that does not descend from the request it answers or reuses one of the client's task ids
 * (F-03). The call fails and the response body is not handed to the application.
 * {@link #reason()} holds the verifier's reason code (a 403-type code when the token is at fault,
 * a 503-type code such as {@code ledger_unavailable} when a dependency of verification failed); it
 * is null only when a custom verifier threw something other than an
 * {@link dev.ect.core.EctException}. The cause, when it is an {@code EctException}, carries the
 * response ECT's unverified {@code jti}/{@code iss} for logs.
 */
public final class EctResponseRejectedException extends EctIOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the reason (never a token)
     * @param reason the reason code, or null
     * @param ruleId the profile rule, or null
     * @param cause the underlying exception, or null
     */
    public EctResponseRejectedException(String message, ReasonCode reason, String ruleId, Throwable cause) {
        super(message, reason, ruleId, cause);
    }
}

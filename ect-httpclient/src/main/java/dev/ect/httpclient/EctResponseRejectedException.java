package dev.ect.httpclient;

import dev.ect.core.ReasonCode;

/**
 * The response carried an {@code Execution-Context} header (T-08) that failed verification, or
 * whose {@code pred} does not name the task of the request it answers (F-03). The exchange fails;
 * the response body is discarded without reaching the application's {@code BodyHandler}.
 * {@link #reason()} holds the verifier's reason code (a 403-type code when the token is at fault,
 * a 503-type code such as {@code ledger_unavailable} when a dependency of verification failed);
 * it is null only when a custom verifier threw something other than an
 * {@link dev.ect.core.EctException}.
 */
public final class EctResponseRejectedException extends EctIOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the reason
     * @param reason the reason code, or null
     * @param ruleId the profile rule, or null
     * @param cause the underlying exception, or null
     */
    public EctResponseRejectedException(String message, ReasonCode reason, String ruleId, Throwable cause) {
        super(message, reason, ruleId, cause);
    }
}

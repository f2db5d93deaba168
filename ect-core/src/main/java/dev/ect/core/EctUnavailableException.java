package dev.ect.core;

/**
 * A dependency of verification (key source, replay store, ledger) failed: answer 503 with its
 * reason code (T-06). Verification fails closed: the token is not accepted.
 */
public final class EctUnavailableException extends EctException {
    private static final long serialVersionUID = 1L;

    public EctUnavailableException(ReasonCode reason, String detail, Throwable cause) {
        super(check(EctError.of(reason, detail)), cause);
    }

    public EctUnavailableException(ReasonCode reason, String detail) { this(reason, detail, null); }

    private static EctError check(EctError e) {
        if (!e.reason().isInfrastructure()) {
            throw new IllegalArgumentException(e.code() + " is not an infrastructure reason");
        }
        return e;
    }
}

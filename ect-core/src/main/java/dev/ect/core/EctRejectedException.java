package dev.ect.core;

/** The token is at fault: answer 403 with its reason code (T-04). */
public final class EctRejectedException extends EctException {
    private static final long serialVersionUID = 1L;

    public EctRejectedException(EctError error) { this(error, null); }

    public EctRejectedException(EctError error, Throwable cause) {
        super(check(error), cause);
    }

    public EctRejectedException(ReasonCode reason, String detail) { this(EctError.of(reason, detail)); }

    private static EctError check(EctError e) {
        if (e.reason().isInfrastructure()) {
            throw new IllegalArgumentException(e.code() + " is an infrastructure reason");
        }
        return e;
    }
}

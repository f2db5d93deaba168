package dev.ect.core;

/**
 * Base of the two failure kinds: {@link EctRejectedException} (the token's fault, HTTP 403) and
 * {@link EctUnavailableException} (infrastructure failed, HTTP 503). Messages never contain the
 * token.
 */
public abstract sealed class EctException extends RuntimeException
        permits EctRejectedException, EctUnavailableException {
    private static final long serialVersionUID = 1L;
    private final transient EctError error;

    protected EctException(EctError error, Throwable cause) {
        super(error.code() + ": " + error.detail(), cause);
        this.error = error;
    }

    public EctError error() { return error; }

    public ReasonCode reason() { return error.reason(); }

    /** HTTP status to answer with: 403 or 503. */
    public int httpStatus() { return error.reason().httpStatus(); }
}

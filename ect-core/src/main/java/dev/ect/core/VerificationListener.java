package dev.ect.core;

/**
 * Called once per verification, with its outcome, for logging and metrics. Implementations must
 * be thread-safe and fast; an exception they throw is caught and logged, never changes the outcome.
 * The default ({@link #logging()}) logs through SLF4J: {@code jti}, {@code iss} and the reason
 * code, never the token.
 */
@FunctionalInterface
public interface VerificationListener {
    void onVerification(VerificationEvent event);

    /** Logs accepted ECTs at DEBUG and rejections at INFO (503s at WARN) via SLF4J. */
    static VerificationListener logging() { return dev.ect.core.internal.LoggingListener.INSTANCE; }

    /** Does nothing. */
    static VerificationListener noop() { return e -> { }; }

    /** Calls this listener, then {@code next}. */
    default VerificationListener andThen(VerificationListener next) {
        return e -> {
            onVerification(e);
            next.onVerification(e);
        };
    }
}

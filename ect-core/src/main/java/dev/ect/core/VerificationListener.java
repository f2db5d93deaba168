package dev.ect.core;

/**
 * Called once per verification, with its outcome, for logging and metrics. Implementations must
 * be thread-safe and fast; an exception they throw is caught and logged, never changes the outcome.
 * The default ({@link #logging()}) logs through SLF4J: {@code jti}, {@code iss} and the reason
 * code, never the token.
 *
 * <p>Besides one call per verification, a listener is told of {@linkplain #onSecurityEvent security
 * events}: findings an operator should act on (G-07 task-id squatting). The default logs them at
 * WARN.
 */
@FunctionalInterface
public interface VerificationListener {
    void onVerification(VerificationEvent event);

    /**
     * A security event (e.g. G-07: two issuers claim one task id). Called before the
     * {@link #onVerification} of the same verification, at most once per finding. An exception
     * thrown here is caught and logged, never changes the outcome.
     *
     * <p>Default: does nothing ({@link #logging()} logs it at WARN with {@code jti}/{@code iss}
     * values only).
     */
    default void onSecurityEvent(SecurityEvent event) {
        // most listeners count verifications only
    }

    /** Logs accepted ECTs at DEBUG and rejections at INFO (503s at WARN) via SLF4J. */
    static VerificationListener logging() { return LoggingListener.INSTANCE; }

    /** Does nothing. */
    static VerificationListener noop() { return e -> { }; }

    /** Calls this listener, then {@code next}; for verifications and security events alike. */
    default VerificationListener andThen(VerificationListener next) {
        VerificationListener first = this;
        return new VerificationListener() {
            @Override
            public void onVerification(VerificationEvent e) {
                first.onVerification(e);
                next.onVerification(e);
            }

            @Override
            public void onSecurityEvent(SecurityEvent e) {
                first.onSecurityEvent(e);
                next.onSecurityEvent(e);
            }
        };
    }
}

package dev.ect.servlet.internal;

import dev.ect.core.VerificationEvent;
import dev.ect.core.VerificationListener;

/**
 * Hands the {@link VerificationEvent} of a verification to the filter on the same thread, so a
 * rejection can be logged and reported with the token's {@code jti} and {@code iss} (which the
 * exception does not carry). {@link dev.ect.core.EctVerifier#verify} runs on the calling thread, so a
 * thread-local is exact.
 */
public final class LastVerification implements VerificationListener {
    public static final LastVerification INSTANCE = new LastVerification();
    private static final ThreadLocal<VerificationEvent> LAST = new ThreadLocal<>();

    private LastVerification() {}

    @Override
    public void onVerification(VerificationEvent event) { LAST.set(event); }

    /** The event of the last verification on this thread, cleared on read; null if none. */
    public static VerificationEvent take() {
        VerificationEvent e = LAST.get();
        LAST.remove();
        return e;
    }

    /** Forgets any event left on this thread. */
    public static void clear() { LAST.remove(); }
}

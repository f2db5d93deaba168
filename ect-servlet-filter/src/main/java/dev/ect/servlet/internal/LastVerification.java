package dev.ect.servlet.internal;

import dev.ect.core.SecurityEvent;
import dev.ect.core.VerificationEvent;
import dev.ect.core.VerificationListener;

/**
 * Hands the {@link VerificationEvent} of a verification to the filter on the same thread, so a
 * rejection can be logged and reported with the token's {@code jti} and {@code iss} (which the
 * exception does not carry). {@link dev.ect.core.EctVerifier#verify} runs on the calling thread, so a
 * thread-local is exact. Security events (G-07) are logged at WARN by the default logging listener,
 * so a filter-built verifier does not drop them.
 */
public final class LastVerification implements VerificationListener {
    public static final LastVerification INSTANCE = new LastVerification();
    private static final ThreadLocal<VerificationEvent> LAST = new ThreadLocal<>();

    private LastVerification() {}

    @Override
    public void onVerification(VerificationEvent event) { LAST.set(event); }

    /** G-07 and other security events: logged at WARN (ids only), as the default listener does. */
    @Override
    public void onSecurityEvent(SecurityEvent event) { VerificationListener.logging().onSecurityEvent(event); }

    /** The event of the last verification on this thread, cleared on read; null if none. */
    public static VerificationEvent take() {
        VerificationEvent e = LAST.get();
        LAST.remove();
        return e;
    }

    /** Forgets any event left on this thread. */
    public static void clear() { LAST.remove(); }
}

package dev.ect.core;

import java.time.Duration;

/**
 * One verification's outcome as seen by a {@link VerificationListener}.
 *
 * @param accepted true when the ECT was accepted
 * @param reason the reason code of a rejection; null when accepted
 * @param jti the token's {@code jti} when it could be read (may be null for malformed tokens)
 * @param iss the token's {@code iss} when it could be read
 * @param level the verified level when accepted; null otherwise
 * @param duration wall time the verification took
 */
public record VerificationEvent(boolean accepted, ReasonCode reason, String jti, String iss, EctLevel level,
        Duration duration) {
    /** The reason code string, or {@code "ok"} for an accepted ECT. */
    public String outcome() { return accepted ? "ok" : reason.code(); }
}

package dev.ect.hardening.support;

import dev.ect.core.EctException;
import dev.ect.core.EctVerifier;
import dev.ect.core.VerifiedEct;
import dev.ect.core.keys.StaticKeySource;
import java.time.Clock;

/** The verifier configuration the hardening tests attack, and the documented-outcome oracle. */
public final class Verifiers {
    private Verifiers() {}

    /** Trusts {@link Forge#TRUSTED} for {@link Forge#ISS} and {@link Forge#OTHER_ISSUER} for {@link Forge#OTHER_ISS}. */
    public static StaticKeySource keySource() {
        return StaticKeySource.builder()
                .key(Forge.ISS, Forge.KID, Forge.TRUSTED.publicKey())
                .key(Forge.OTHER_ISS, Forge.KID, Forge.OTHER_ISSUER.publicKey())
                .build();
    }

    /** A builder preconfigured with the test keys, audience and clock (defaults otherwise). */
    public static EctVerifier.Builder builder(Clock clock) {
        return EctVerifier.builder().verifierId(Forge.AUD).keySource(keySource()).clock(clock);
    }

    /**
     * Verifies, letting only the documented exceptions through as a result: returns the verified
     * ECT, or the {@link EctException} (EctRejectedException / EctUnavailableException). Any other
     * Throwable propagates: that is a finding.
     */
    public static Object outcome(EctVerifier v, String token) {
        try {
            return v.verify(token);
        } catch (EctException e) {
            if (e.error() == null || e.reason() == null) {
                throw new AssertionError("an EctException without a reason code", e);
            }
            if (token.length() >= 24 && String.valueOf(e.getMessage()).contains(token)) {
                throw new AssertionError("the error message echoes the token (T-05)");
            }
            return e;
        }
    }

    /** The verified ECT of an outcome, or null. */
    public static VerifiedEct accepted(Object outcome) {
        return outcome instanceof VerifiedEct v ? v : null;
    }
}

package dev.ect.core;

import java.util.Objects;

/**
 * A freshly minted token: the completed {@link Ect} (with the jti, iat, exp and header the signer
 * filled in) and its compact serialization. {@link #toString()} omits the compact form.
 */
public record SignedEct(Ect ect, String compact) {
    public SignedEct {
        Objects.requireNonNull(ect, "ect");
        Objects.requireNonNull(compact, "compact");
    }

    @Override
    public String toString() { return "SignedEct{" + ect + "}"; }
}

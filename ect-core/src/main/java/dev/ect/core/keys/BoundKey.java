package dev.ect.core.keys;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.internal.JwsCrypto;
import java.security.PublicKey;
import java.util.Objects;

/**
 * A public key with the {@code alg} member of the JWK it came from (null when the JWK had none,
 * or the key was registered without one). K-02: such a key is used only for an {@code alg} that
 * its type and curve fit and, when the member is present, only for exactly that {@code alg}.
 */
record BoundKey(PublicKey key, String alg) {
    BoundKey {
        Objects.requireNonNull(key, "key");
    }

    /** True when this key may verify a signature made with {@code algorithm} (K-02). */
    boolean usableFor(EctAlgorithm algorithm) {
        return JwsCrypto.keyFits(algorithm, key) && (alg == null || alg.equals(algorithm.jwaName()));
    }
}

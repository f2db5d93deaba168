package dev.ect.core.keys;

import java.security.PublicKey;
import java.util.Optional;

/**
 * Resolves the verification key for an (issuer, key id) pair (profile V-07). A key registered for
 * one issuer must never be returned for another issuer; keys embedded in token headers are never
 * consulted (H-06).
 *
 * <p>Implementations: {@link StaticKeySource} (keys or JWKS documents per issuer) and
 * {@link JwksUrlKeySource} (a JWKS URL per issuer, cached and refreshed). Combine several with
 * {@link #firstOf(KeySource...)}.
 */
@FunctionalInterface
public interface KeySource {
    /**
     * @return the key, or empty when this source has no key for the pair ({@code unknown_key})
     * @throws dev.ect.core.EctUnavailableException with {@code key_source_unavailable} when the
     *     source cannot be reached and no cached key applies
     */
    Optional<PublicKey> resolve(String issuer, String kid);

    /** Asks each source in turn; the first non-empty answer wins. */
    static KeySource firstOf(KeySource... sources) {
        KeySource[] copy = sources.clone();
        return (iss, kid) -> {
            for (KeySource s : copy) {
                Optional<PublicKey> k = s.resolve(iss, kid);
                if (k.isPresent()) {
                    return k;
                }
            }
            return Optional.empty();
        };
    }
}

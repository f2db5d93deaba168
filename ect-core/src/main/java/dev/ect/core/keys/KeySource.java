package dev.ect.core.keys;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.internal.JwsCrypto;
import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;

/**
 * Resolves the verification key for an (issuer, key id) pair (profile V-07). A key registered for
 * one issuer must never be returned for another issuer; keys embedded in token headers are never
 * consulted (H-06); keys come only from the verifier's configuration (K-01).
 *
 * <p>The verifier asks {@link #resolve(String, String, EctAlgorithm)}, which returns only a key
 * usable for the token's {@code alg} (K-02). Implement {@link #resolve(String, String)}; the
 * default three-argument method then checks the key's type and curve. Sources that know a key's
 * JWK {@code alg} member ({@link StaticKeySource}, {@link JwksUrlKeySource}) override it to also
 * refuse a key whose {@code alg} member names another algorithm. A key that is not usable is
 * reported like an absent one: {@code unknown_key}.
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

    /**
     * The key for the pair, only if it may verify a signature made with {@code alg} (K-02): its
     * type and curve fit {@code alg} and, where the source knows the JWK's {@code alg} member, that
     * member is absent or equal to {@code alg}. The default filters {@link #resolve(String, String)}
     * by type and curve.
     *
     * @return the usable key, or empty ({@code unknown_key})
     * @throws dev.ect.core.EctUnavailableException as {@link #resolve(String, String)}
     */
    default Optional<PublicKey> resolve(String issuer, String kid, EctAlgorithm alg) {
        Objects.requireNonNull(alg, "alg cannot be null");
        Optional<PublicKey> k = resolve(issuer, kid);
        return k == null ? Optional.empty() : k.filter(key -> JwsCrypto.keyFits(alg, key));
    }

    /** Asks each source in turn; the first non-empty answer wins (for both resolve methods). */
    static KeySource firstOf(KeySource... sources) {
        KeySource[] copy = sources.clone();
        for (KeySource s : copy) {
            Objects.requireNonNull(s, "sources cannot contain null");
        }
        return new KeySource() {
            @Override
            public Optional<PublicKey> resolve(String iss, String kid) {
                for (KeySource s : copy) {
                    Optional<PublicKey> k = s.resolve(iss, kid);
                    if (k != null && k.isPresent()) {
                        return k;
                    }
                }
                return Optional.empty();
            }

            @Override
            public Optional<PublicKey> resolve(String iss, String kid, EctAlgorithm alg) {
                for (KeySource s : copy) {
                    Optional<PublicKey> k = s.resolve(iss, kid, alg);
                    if (k != null && k.isPresent()) {
                        return k;
                    }
                }
                return Optional.empty();
            }
        };
    }
}

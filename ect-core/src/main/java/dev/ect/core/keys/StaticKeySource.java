package dev.ect.core.keys;

import dev.ect.core.EctAlgorithm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Fixed keys per issuer (V-07): each key is registered for exactly one issuer, so a key of issuer A
 * never verifies a token of issuer B, even under the same {@code kid}. Immutable and thread-safe.
 *
 * <p>K-02: a key is used only for a token {@code alg} its type and curve fit; a key from a JWK
 * with an {@code alg} member, or registered from an {@link EctKeyPair}, only for that {@code alg}.
 * A key registered with {@link Builder#key(String, String, PublicKey)} carries no {@code alg}.
 *
 * <pre>{@code
 * KeySource keys = StaticKeySource.builder()
 *     .key("spiffe://example.com/agent/a", "a-1", publicKey)
 *     .jwks("spiffe://example.com/agent/b", jwksJson)
 *     .build();
 * }</pre>
 */
public final class StaticKeySource implements KeySource {
    private final Map<String, Map<String, BoundKey>> byIssuer;

    private StaticKeySource(Map<String, Map<String, BoundKey>> byIssuer) {
        Map<String, Map<String, BoundKey>> copy = new HashMap<>();
        byIssuer.forEach((iss, keys) -> copy.put(iss, Map.copyOf(keys)));
        this.byIssuer = Map.copyOf(copy);
    }

    public static Builder builder() { return new Builder(); }

    @Override
    public Optional<PublicKey> resolve(String issuer, String kid) {
        if (issuer == null || kid == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(find(issuer, kid)).map(BoundKey::key);
    }

    /** K-02: only a key whose type, curve and {@code alg} member fit {@code alg}. */
    @Override
    public Optional<PublicKey> resolve(String issuer, String kid, EctAlgorithm alg) {
        BoundKey k = find(issuer, kid);
        return k != null && k.usableFor(alg) ? Optional.of(k.key()) : Optional.empty();
    }

    private BoundKey find(String issuer, String kid) {
        if (issuer == null || kid == null) {
            return null;
        }
        Map<String, BoundKey> keys = byIssuer.get(issuer);
        return keys == null ? null : keys.get(kid);
    }

    /** Builder; a (issuer, kid) registered twice fails with {@link IllegalStateException}. */
    public static final class Builder {
        private final Map<String, Map<String, BoundKey>> byIssuer = new HashMap<>();

        private Builder() {}

        /** Registers one key for one issuer, for every {@code alg} its type and curve fit. */
        public Builder key(String issuer, String kid, PublicKey key) {
            Objects.requireNonNull(key, "key cannot be null");
            return bound(issuer, kid, new BoundKey(key, null));
        }

        private Builder bound(String issuer, String kid, BoundKey key) {
            Objects.requireNonNull(issuer, "issuer cannot be null");
            Objects.requireNonNull(kid, "kid cannot be null");
            if (byIssuer.computeIfAbsent(issuer, i -> new HashMap<>()).putIfAbsent(kid, key) != null) {
                throw new IllegalStateException("key '" + kid + "' is already registered for issuer " + issuer);
            }
            return this;
        }

        /** Registers every key of a JWKS document (JSON text) for one issuer, each bound to its JWK's {@code alg} member (K-02). */
        public Builder jwks(String issuer, String jwksJson) {
            Objects.requireNonNull(issuer, "issuer cannot be null");
            EctKeys.parseBoundJwks(jwksJson).forEach((kid, key) -> bound(issuer, kid, key));
            return this;
        }

        /** Registers every key of a JWKS file for one issuer. */
        public Builder jwksFile(String issuer, Path file) {
            try {
                return jwks(issuer, Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read JWKS file " + file + ": " + e.getMessage(), e);
            }
        }

        /** Registers a key pair's public key under its kid, for its algorithm only (K-02). */
        public Builder key(String issuer, EctKeyPair pair) {
            Objects.requireNonNull(pair, "pair cannot be null");
            return bound(issuer, pair.kid(), new BoundKey(pair.publicKey(), pair.algorithm().jwaName()));
        }

        public StaticKeySource build() { return new StaticKeySource(byIssuer); }
    }
}

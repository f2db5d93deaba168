package dev.ect.core.keys;

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
 * <pre>{@code
 * KeySource keys = StaticKeySource.builder()
 *     .key("spiffe://example.com/agent/a", "a-1", publicKey)
 *     .jwks("spiffe://example.com/agent/b", jwksJson)
 *     .build();
 * }</pre>
 */
public final class StaticKeySource implements KeySource {
    private final Map<String, Map<String, PublicKey>> byIssuer;

    private StaticKeySource(Map<String, Map<String, PublicKey>> byIssuer) {
        Map<String, Map<String, PublicKey>> copy = new HashMap<>();
        byIssuer.forEach((iss, keys) -> copy.put(iss, Map.copyOf(keys)));
        this.byIssuer = Map.copyOf(copy);
    }

    public static Builder builder() { return new Builder(); }

    @Override
    public Optional<PublicKey> resolve(String issuer, String kid) {
        if (issuer == null || kid == null) {
            return Optional.empty();
        }
        Map<String, PublicKey> keys = byIssuer.get(issuer);
        return keys == null ? Optional.empty() : Optional.ofNullable(keys.get(kid));
    }

    /** Builder; a (issuer, kid) registered twice fails with {@link IllegalStateException}. */
    public static final class Builder {
        private final Map<String, Map<String, PublicKey>> byIssuer = new HashMap<>();

        private Builder() {}

        /** Registers one key for one issuer. */
        public Builder key(String issuer, String kid, PublicKey key) {
            Objects.requireNonNull(issuer, "issuer cannot be null");
            Objects.requireNonNull(kid, "kid cannot be null");
            Objects.requireNonNull(key, "key cannot be null");
            if (byIssuer.computeIfAbsent(issuer, i -> new HashMap<>()).putIfAbsent(kid, key) != null) {
                throw new IllegalStateException("key '" + kid + "' is already registered for issuer " + issuer);
            }
            return this;
        }

        /** Registers every key of a JWKS document (JSON text) for one issuer. */
        public Builder jwks(String issuer, String jwksJson) {
            EctKeys.parseJwks(jwksJson).forEach((kid, key) -> key(issuer, kid, key));
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

        /** Registers a key pair's public key under its kid. */
        public Builder key(String issuer, EctKeyPair pair) { return key(issuer, pair.kid(), pair.publicKey()); }

        public StaticKeySource build() { return new StaticKeySource(byIssuer); }
    }
}

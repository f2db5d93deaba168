package dev.ect.core.keys;

import dev.ect.core.EctAlgorithm;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Objects;

/**
 * A signing key pair with its algorithm and key id. {@link #toString()} never prints key material.
 *
 * @param algorithm the JWS algorithm the key is for
 * @param kid the key id written to tokens' {@code kid} header
 * @param privateKey the signing key (keep it secret)
 * @param publicKey the verification key
 */
public record EctKeyPair(EctAlgorithm algorithm, String kid, PrivateKey privateKey, PublicKey publicKey) {
    public EctKeyPair {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(kid, "kid");
        if (kid.isEmpty()) {
            throw new IllegalArgumentException("kid must not be empty (H-04)");
        }
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKey, "publicKey");
    }

    /** The private key as a JWK JSON object (with {@code kid}, {@code alg}, {@code use}). */
    public String privateJwk() { return EctKeys.toPrivateJwk(this); }

    /** The public key as a JWK JSON object. */
    public String publicJwk() { return EctKeys.toPublicJwk(publicKey, kid, algorithm); }

    /** A JWKS document holding just the public key. */
    public String publicJwks() { return "{\"keys\":[" + publicJwk() + "]}"; }

    @Override
    public String toString() { return "EctKeyPair{alg=" + algorithm + ", kid=" + kid + "}"; }
}

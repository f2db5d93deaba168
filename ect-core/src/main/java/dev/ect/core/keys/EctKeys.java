package dev.ect.core.keys;

import dev.ect.core.EctAlgorithm;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/** Key helpers: generate key pairs, and convert keys to and from JWK / JWKS JSON. */
public final class EctKeys {
    /** Largest JWKS document accepted, in characters (bounds parsing cost). */
    public static final int MAX_JWKS_CHARS = 256 * 1024;
    /** Most keys accepted in one JWKS document. */
    public static final int MAX_JWKS_KEYS = 100;

    private EctKeys() {}

    /** Generates a fresh key pair for the algorithm (P-256/384/521, Ed25519, or RSA-3072 for PS256). */
    public static EctKeyPair generate(EctAlgorithm alg, String kid) {
        try {
            KeyPair kp;
            switch (alg) {
                case ES256, ES384, ES512 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec(switch (alg) {
                        case ES256 -> "secp256r1";
                        case ES384 -> "secp384r1";
                        default -> "secp521r1";
                    }));
                    kp = g.generateKeyPair();
                }
                case EDDSA -> kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                case PS256 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(3072);
                    kp = g.generateKeyPair();
                }
                default -> throw new IllegalArgumentException("unsupported " + alg);
            }
            return new EctKeyPair(alg, kid, kp.getPrivate(), kp.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + alg + " key: " + e.getMessage(), e);
        }
    }

    /** Generates an ES256 key pair. */
    public static EctKeyPair generate(String kid) { return generate(EctAlgorithm.ES256, kid); }

    static String toPrivateJwk(EctKeyPair kp) {
        try {
            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(kp.publicKey());
            jwk.setPrivateKey(kp.privateKey());
            jwk.setKeyId(kp.kid());
            jwk.setAlgorithm(kp.algorithm().jwaName());
            jwk.setUse("sig");
            return jwk.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE);
        } catch (JoseException e) {
            throw new IllegalStateException("cannot encode key as JWK: " + e.getMessage(), e);
        }
    }

    static String toPublicJwk(PublicKey key, String kid, EctAlgorithm alg) {
        try {
            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(key);
            jwk.setKeyId(kid);
            if (alg != null) {
                jwk.setAlgorithm(alg.jwaName());
            }
            jwk.setUse("sig");
            return jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        } catch (JoseException e) {
            throw new IllegalStateException("cannot encode key as JWK: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a private JWK (as written by {@link EctKeyPair#privateJwk()}).
     *
     * @throws IllegalArgumentException when the JSON is not a private EC, OKP or RSA JWK with a
     *     {@code kid}, or its {@code alg} is missing or unsupported
     */
    public static EctKeyPair fromPrivateJwk(String json) {
        try {
            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(json);
            PrivateKey priv = jwk.getPrivateKey();
            if (priv == null) {
                throw new IllegalArgumentException("the JWK has no private part");
            }
            if (jwk.getKeyId() == null || jwk.getKeyId().isEmpty()) {
                throw new IllegalArgumentException("the JWK has no kid");
            }
            EctAlgorithm alg = jwk.getAlgorithm() != null ? EctAlgorithm.parse(jwk.getAlgorithm()) : guess(jwk.getPublicKey());
            return new EctKeyPair(alg, jwk.getKeyId(), priv, jwk.getPublicKey());
        } catch (JoseException | RuntimeException e) {
            throw new IllegalArgumentException("not a usable private JWK: " + e.getMessage(), e);
        }
    }

    private static EctAlgorithm guess(PublicKey key) {
        if (key instanceof java.security.interfaces.ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits <= 256 ? EctAlgorithm.ES256 : bits <= 384 ? EctAlgorithm.ES384 : EctAlgorithm.ES512;
        }
        if (key instanceof java.security.interfaces.EdECPublicKey) {
            return EctAlgorithm.EDDSA;
        }
        throw new IllegalArgumentException("the JWK has no alg and its key type does not imply one");
    }

    /**
     * Parses a JWKS document into kid → public key. Keys without a {@code kid}, private-only
     * entries and symmetric keys are skipped. The map drops each JWK's {@code alg} member: to
     * verify with these keys, register the document with {@link StaticKeySource.Builder#jwks}, which
     * keeps it (K-02).
     *
     * @throws IllegalArgumentException when the document is not a JWKS, exceeds
     *     {@link #MAX_JWKS_CHARS} or holds more than {@link #MAX_JWKS_KEYS} keys, or repeats a kid
     */
    public static Map<String, PublicKey> parseJwks(String json) {
        Map<String, PublicKey> out = new LinkedHashMap<>();
        parseBoundJwks(json).forEach((kid, k) -> out.put(kid, k.key()));
        return out;
    }

    /**
     * The algorithms a JWKS document's keys declare in their {@code alg} members (K-02), in order;
     * members naming no supported algorithm are skipped. Empty when no key declares one.
     *
     * @throws IllegalArgumentException when the document is not a JWKS (as {@link #parseJwks(String)})
     */
    public static java.util.Set<EctAlgorithm> declaredAlgorithms(String json) {
        java.util.Set<EctAlgorithm> out = new java.util.LinkedHashSet<>();
        for (BoundKey k : parseBoundJwks(json).values()) {
            EctAlgorithm a = k.alg() == null ? null : EctAlgorithm.fromJwaName(k.alg());
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * Like {@link #parseJwks(String)}, keeping each JWK's {@code alg} member with its key (K-02).
     * The key itself comes from {@code kty}/{@code crv} and the coordinates, so it cannot disagree
     * with them; {@link BoundKey#usableFor} matches it against the token's {@code alg}.
     */
    static Map<String, BoundKey> parseBoundJwks(String json) {
        if (json == null) {
            throw new IllegalArgumentException("JWKS is null");
        }
        if (json.length() > MAX_JWKS_CHARS) {
            throw new IllegalArgumentException("JWKS document larger than " + MAX_JWKS_CHARS + " characters");
        }
        List<JsonWebKey> keys;
        try {
            keys = new JsonWebKeySet(json).getJsonWebKeys();
        } catch (JoseException | RuntimeException e) {
            throw new IllegalArgumentException("not a JWKS document: " + e.getMessage(), e);
        }
        if (keys.size() > MAX_JWKS_KEYS) {
            throw new IllegalArgumentException("JWKS holds " + keys.size() + " keys, more than " + MAX_JWKS_KEYS);
        }
        Map<String, BoundKey> out = new LinkedHashMap<>();
        for (JsonWebKey k : keys) {
            Key key = k.getKey();
            if (k.getKeyId() == null || k.getKeyId().isEmpty() || !(key instanceof PublicKey pk)) {
                continue;
            }
            if (k.getUse() != null && !"sig".equals(k.getUse())) {
                continue;
            }
            if (out.put(k.getKeyId(), new BoundKey(pk, k.getAlgorithm())) != null) {
                throw new IllegalArgumentException("JWKS repeats kid '" + k.getKeyId() + "'");
            }
        }
        return out;
    }

    /** A JWKS document for several public keys, each under its kid. */
    public static String toJwks(List<EctKeyPair> pairs) {
        List<String> parts = new ArrayList<>();
        for (EctKeyPair p : pairs) {
            parts.add(p.publicJwk());
        }
        return "{\"keys\":[" + String.join(",", parts) + "]}";
    }
}

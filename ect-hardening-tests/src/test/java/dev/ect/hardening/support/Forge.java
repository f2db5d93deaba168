package dev.ect.hardening.support;

import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Forges tokens byte by byte: any header, any payload (through the permissive {@link Json}
 * writer), any signature. Used by the hostile suite and the fuzz targets to build what the
 * library's own signer refuses to mint.
 */
public final class Forge {
    /** The issuer whose key the server trusts under {@link #KID}. */
    public static final String ISS = "spiffe://example.com/agent/a";
    /** A second issuer, trusted too, whose key is registered under the same {@link #KID}. */
    public static final String OTHER_ISS = "spiffe://example.com/agent/other";
    /** The verifier's own id (the audience). */
    public static final String AUD = "spiffe://example.com/agent/b";
    public static final String KID = "a-1";

    // Fixed test keys (src/test/resources/keys), so checked-in fuzz inputs and tokens replay the same way.
    /** ES256 key of {@link #ISS}. */
    public static final EctKeyPair TRUSTED = key("trusted");
    /** ES256 key of {@link #OTHER_ISS}, same kid as {@link #TRUSTED}. */
    public static final EctKeyPair OTHER_ISSUER = key("other-issuer");
    /** ES256 key nobody trusts, same kid. */
    public static final EctKeyPair UNTRUSTED = key("untrusted");
    /** An RSA-2048 key pair for RS256/PS256 attempts. */
    public static final KeyPair RSA = rsa();

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Forge() {}

    /** Signs a JWS signing input. */
    @FunctionalInterface
    public interface Signer {
        byte[] sign(byte[] signingInput);
    }

    public static String b64(byte[] b) { return B64.encodeToString(b); }

    public static String b64(String s) { return b64(s.getBytes(StandardCharsets.UTF_8)); }

    /** header.payload.signature with both JSON parts written by {@link Json#write(Object)}. */
    public static String token(Object header, Object claims, Signer signer) {
        return tokenRaw(Json.write(header), Json.write(claims), signer);
    }

    /** header.payload.signature from raw JSON texts (UTF-8). */
    public static String tokenRaw(String headerJson, String payloadJson, Signer signer) {
        return tokenBytes(headerJson.getBytes(StandardCharsets.UTF_8), payloadJson.getBytes(StandardCharsets.UTF_8), signer);
    }

    /** header.payload.signature from raw bytes (for BOMs and invalid UTF-8). */
    public static String tokenBytes(byte[] header, byte[] payload, Signer signer) {
        String input = b64(header) + "." + b64(payload);
        return input + "." + b64(signer.sign(input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A well-formed, valid token of {@link #ISS} for {@link #AUD}, issued at {@code now}. */
    public static String valid(Instant now) { return token(header(), claims(now), es256(TRUSTED.privateKey())); }

    /** The default header: ES256, {@link #KID}, exec+jwt. */
    public static Map<String, Object> header() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("alg", "ES256");
        h.put("kid", KID);
        h.put("typ", "exec+jwt");
        return h;
    }

    /** A header with alg replaced. */
    public static Map<String, Object> header(String alg) {
        Map<String, Object> h = header();
        h.put("alg", alg);
        return h;
    }

    /** Valid claims of a root task issued at {@code now}, with a fresh jti and wid. */
    public static Map<String, Object> claims(Instant now) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", ISS);
        c.put("aud", AUD);
        c.put("iat", now.getEpochSecond());
        c.put("exp", now.getEpochSecond() + 600);
        c.put("jti", UUID.randomUUID().toString());
        c.put("wid", UUID.randomUUID().toString());
        c.put("exec_act", "review_spec");
        c.put("pred", new ArrayList<>());
        return c;
    }

    /** Claims with one member replaced (or removed when {@code value} is {@link #REMOVE}). */
    public static Map<String, Object> claims(Instant now, String name, Object value) {
        Map<String, Object> c = claims(now);
        if (value == REMOVE) {
            c.remove(name);
        } else {
            c.put(name, value);
        }
        return c;
    }

    /** Marker for {@link #claims(Instant, String, Object)}: remove the member. */
    public static final Object REMOVE = new Object();

    /** n fresh UUID strings. */
    public static List<String> uuids(int n) {
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(UUID.randomUUID().toString());
        }
        return l;
    }

    /** ES256 in the JWS form (R||S, 64 bytes). */
    public static Signer es256(PrivateKey key) { return jca("SHA256withECDSAinP1363Format", key, null); }

    /** ES256 in ASN.1 DER form (what JWS forbids). */
    public static Signer es256Der(PrivateKey key) { return jca("SHA256withECDSA", key, null); }

    public static Signer rs256(PrivateKey key) { return jca("SHA256withRSA", key, null); }

    public static Signer ps256(PrivateKey key) {
        return jca("RSASSA-PSS", key, new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    }

    /** HMAC-SHA256 with the given secret (e.g. the public key's bytes: the alg-confusion attack). */
    public static Signer hs256(byte[] secret) {
        return input -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                return mac.doFinal(input);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Always the same signature bytes, whatever the input. */
    public static Signer fixed(byte[] sig) { return input -> sig.clone(); }

    /** An R||S signature of the P-256 size with the given r and s. */
    public static byte[] rs(BigInteger r, BigInteger s) {
        byte[] out = new byte[64];
        put(out, 0, r);
        put(out, 32, s);
        return out;
    }

    /**
     * The same token with its ES256 signature (r, s) replaced by (r, n - s): ECDSA's malleability.
     * The twin verifies too, so only the replay key (wid, jti) can tell it is the same token.
     */
    public static String malleate(String token) {
        String[] p = token.split("\\.");
        byte[] sig = Base64.getUrlDecoder().decode(p[2]);
        BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 0, 32));
        BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64));
        return p[0] + "." + p[1] + "." + b64(rs(r, p256Order().subtract(s)));
    }

    /** The order n of the trusted key's curve (P-256). */
    public static BigInteger p256Order() { return ((ECPublicKey) TRUSTED.publicKey()).getParams().getOrder(); }

    private static void put(byte[] out, int off, BigInteger v) {
        byte[] b = v.toByteArray();
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, out, off + 32 - len, len);
    }

    private static Signer jca(String alg, PrivateKey key, java.security.spec.AlgorithmParameterSpec spec) {
        return input -> {
            try {
                Signature s = Signature.getInstance(alg);
                if (spec != null) {
                    s.setParameter(spec);
                }
                s.initSign(key);
                s.update(input);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static KeyPair rsa() {
        EctKeyPair k = key("rsa");
        return new KeyPair(k.publicKey(), k.privateKey());
    }

    private static EctKeyPair key(String name) {
        try (java.io.InputStream in = Forge.class.getResourceAsStream("/keys/" + name + ".jwk.json")) {
            return EctKeys.fromPrivateJwk(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

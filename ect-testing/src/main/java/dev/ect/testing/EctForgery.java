package dev.ect.testing;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.internal.Json;
import dev.ect.core.internal.JwsCrypto;
import dev.ect.core.keys.EctKeyPair;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Tokens a receiver must refuse, made from a genuine one (for instance {@link EctTestKit#token()})
 * or from raw parts: what the library's signer never mints. Each method names the refusal the
 * library's verifier gives for it when the genuine token came from a trusted issuer; a service under
 * test should answer 403 with that {@code ect_error}.
 *
 * <pre>{@code
 * String good = ect.token();
 * send(EctForgery.withClaims(good, c -> c.put("exec_act", "delete_prod")))    // 403 invalid_signature
 * send(EctForgery.resignedWith(good, EctKeys.generate("attacker-1")))        // 403 invalid_signature
 * send(EctForgery.algNone(good))                                             // 403 unsupported_alg
 * }</pre>
 *
 * <p>Header and claims are read and written as JSON objects (member order kept); the signature is
 * kept byte for byte unless a method says otherwise. Stateless and thread-safe.
 */
public final class EctForgery {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

    private EctForgery() {}

    /**
     * {@code header.claims.signature} from JSON texts and signature bytes exactly as given (each
     * base64url-encoded here): any header, any claims, any signature, including text the library's
     * JSON writer would escape.
     */
    public static String compact(String headerJson, String claimsJson, byte[] signature) {
        Objects.requireNonNull(headerJson, "headerJson");
        Objects.requireNonNull(claimsJson, "claimsJson");
        Objects.requireNonNull(signature, "signature");
        return b64(headerJson) + "." + b64(claimsJson) + "." + B64.encodeToString(signature);
    }

    /**
     * The unsigned (L1) form of {@code claimsJson}: one base64url part, no header, no signature. A
     * receiver whose minimum level is L2 (the default) answers {@code level_below_minimum}.
     */
    public static String unsigned(String claimsJson) { return b64(Objects.requireNonNull(claimsJson, "claimsJson")); }

    /**
     * {@code token} with its claims changed by {@code change} (members put, replaced or removed),
     * header and signature kept: the signature no longer covers the claims, {@code invalid_signature}.
     */
    public static String withClaims(String token, Consumer<Map<String, Object>> change) {
        String[] p = parts(token);
        return p[0] + "." + b64(edit(p[1], change)) + "." + p[2];
    }

    /**
     * {@code token} with its header changed by {@code change}, claims and signature kept. What a
     * receiver answers depends on the change: another {@code kid} is {@code unknown_key}, another
     * {@code typ} {@code invalid_typ}, an {@code alg} outside the allowed ones {@code unsupported_alg},
     * a member that keeps the header valid {@code invalid_signature}.
     */
    public static String withHeader(String token, Consumer<Map<String, Object>> change) {
        String[] p = parts(token);
        return b64(edit(p[0], change)) + "." + p[1] + "." + p[2];
    }

    /**
     * {@code token} with {@code "alg":"none"} in its header and an empty signature (the classic JWT
     * downgrade): {@code unsupported_alg}.
     */
    public static String algNone(String token) {
        String[] p = parts(token);
        return b64(edit(p[0], h -> h.put("alg", "none"))) + "." + p[1] + ".";
    }

    /**
     * {@code token}'s claims and signature under the header of {@code donor} (say, a token of the
     * same issuer signed with another key, or of another issuer): the signature covers the other
     * header, so {@code invalid_signature}, or {@code unknown_key} when the donor's {@code kid} is one
     * the receiver does not trust.
     */
    public static String swappedHeader(String token, String donor) {
        String[] p = parts(token);
        return parts(donor)[0] + "." + p[1] + "." + p[2];
    }

    /**
     * {@code token}'s header and claims, byte for byte, signed anew with {@code key} (with the
     * algorithm of its header, which must fit the key): an attacker's key standing in for the
     * issuer's. With the header's {@code kid} still naming the trusted key: {@code invalid_signature}.
     *
     * @throws IllegalArgumentException when the header's {@code alg} is not one the key can sign
     */
    public static String resignedWith(String token, EctKeyPair key) {
        Objects.requireNonNull(key, "key");
        String[] p = parts(token);
        Object alg = object(p[0]).get("alg");
        EctAlgorithm a = alg instanceof String s ? EctAlgorithm.fromJwaName(s) : null;
        if (a == null) {
            throw new IllegalArgumentException("the token's alg " + alg + " is not one the library signs");
        }
        byte[] input = (p[0] + "." + p[1]).getBytes(StandardCharsets.US_ASCII);
        return p[0] + "." + p[1] + "." + B64.encodeToString(new JwsCrypto().sign(a, key.privateKey(), input));
    }

    /** {@code token} with one bit in the middle of its signature flipped: {@code invalid_signature}. */
    public static String flippedSignatureBit(String token) {
        String[] p = parts(token);
        byte[] sig = UNB64.decode(p[2]);
        if (sig.length == 0) {
            throw new IllegalArgumentException("the token has no signature to flip a bit of");
        }
        sig[sig.length / 2] ^= 0x01;
        return p[0] + "." + p[1] + "." + B64.encodeToString(sig);
    }

    /** The claims of {@code token} as a JSON object, unverified (for assertions on what a client sent). */
    public static Map<String, Object> claims(String token) { return object(parts(token)[1]); }

    /** The JOSE header of {@code token} as a JSON object. */
    public static Map<String, Object> header(String token) { return object(parts(token)[0]); }

    private static String[] parts(String token) {
        Objects.requireNonNull(token, "token");
        String[] p = token.split("\\.", -1);
        if (p.length != 3) {
            throw new IllegalArgumentException("not a compact JWS (header.claims.signature): " + p.length + " parts");
        }
        return p;
    }

    private static Map<String, Object> object(String part) {
        Map<String, Object> m;
        try {
            m = Json.parseObject(UNB64.decode(part));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a part of the token is not base64url JSON: " + e.getMessage(), e);
        }
        if (m == null) {
            throw new IllegalArgumentException("a part of the token is not a JSON object");
        }
        return new LinkedHashMap<>(m);
    }

    private static String edit(String part, Consumer<Map<String, Object>> change) {
        Map<String, Object> m = object(part);
        Objects.requireNonNull(change, "change").accept(m);
        return Json.write(m);
    }

    private static String b64(String json) { return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8)); }
}

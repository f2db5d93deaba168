package dev.ect.core.support;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.keys.EctKeyPair;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/**
 * Builds and takes apart compact JWS by hand (base64url + JSON + plain JCA), independently of the
 * library's own signer, so tests can produce exactly the malformed or hostile tokens they need.
 */
public final class Jws {
    private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DEC = Base64.getUrlDecoder();

    private Jws() {}

    public static String b64(byte[] b) { return ENC.encodeToString(b); }

    public static String b64(String s) { return b64(s.getBytes(StandardCharsets.UTF_8)); }

    public static byte[] unb64(String s) { return DEC.decode(s); }

    public static String json(Map<String, ?> m) { return JsonUtil.toJson(m); }

    /** The base64url JSON of a map (header or payload part). */
    public static String part(Map<String, ?> m) { return b64(json(m)); }

    /** Signs {@code header.payload} (given as raw JSON texts) with the key's algorithm. */
    public static String signJson(String headerJson, String payloadJson, EctKeyPair key) {
        return signParts(b64(headerJson), b64(payloadJson), key.algorithm(), key.privateKey());
    }

    /** Signs maps as header and payload with the key's algorithm. */
    public static String sign(Map<String, ?> header, Map<String, ?> claims, EctKeyPair key) {
        return signParts(part(header), part(claims), key.algorithm(), key.privateKey());
    }

    /** Signs already encoded parts. */
    public static String signParts(String h, String p, EctAlgorithm alg, PrivateKey key) {
        byte[] input = (h + "." + p).getBytes(StandardCharsets.US_ASCII);
        return h + "." + p + "." + b64(rawSign(alg, key, input));
    }

    /** A JWS signature as JWA defines it (R||S for ECDSA), computed with plain JCA. */
    public static byte[] rawSign(EctAlgorithm alg, PrivateKey key, byte[] input) {
        try {
            switch (alg) {
                case ES256, ES384, ES512 -> {
                    return derToConcat(jca(ecdsaName(alg), key, input), alg.signatureLength());
                }
                case EDDSA -> {
                    return jca("Ed25519", key, input);
                }
                case PS256 -> {
                    Signature s = Signature.getInstance("RSASSA-PSS");
                    s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                    s.initSign(key);
                    s.update(input);
                    return s.sign();
                }
                default -> throw new IllegalArgumentException(alg.toString());
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The DER (ASN.1 SEQUENCE of two INTEGERs) ECDSA signature JCA produces. */
    public static byte[] derEcdsa(EctAlgorithm alg, PrivateKey key, byte[] input) {
        try {
            return jca(ecdsaName(alg), key, input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String ecdsaName(EctAlgorithm alg) {
        return switch (alg) {
            case ES256 -> "SHA256withECDSA";
            case ES384 -> "SHA384withECDSA";
            default -> "SHA512withECDSA";
        };
    }

    private static byte[] jca(String name, PrivateKey key, byte[] input) throws GeneralSecurityException {
        Signature s = Signature.getInstance(name);
        s.initSign(key);
        s.update(input);
        return s.sign();
    }

    /** HMAC-SHA256 over {@code h.p} with the given secret: an HS256 token. */
    public static String hs256(String h, String p, byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return h + "." + p + "." + b64(mac.doFinal((h + "." + p).getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RS256 (RSASSA-PKCS1-v1_5 with SHA-256) over {@code h.p}. */
    public static String rs256(String h, String p, PrivateKey rsaKey) {
        try {
            return h + "." + p + "." + b64(jca("SHA256withRSA", rsaKey, (h + "." + p).getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** DER ECDSA signature to the fixed-length R||S form of JWA. */
    public static byte[] derToConcat(byte[] der, int len) {
        int half = len / 2;
        int i = 2;
        if ((der[1] & 0xff) == 0x81) {
            i = 3;
        }
        int rLen = der[i + 1];
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(der, i + 2, i + 2 + rLen));
        i = i + 2 + rLen;
        int sLen = der[i + 1];
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(der, i + 2, i + 2 + sLen));
        byte[] out = new byte[len];
        put(r, out, 0, half);
        put(s, out, half, half);
        return out;
    }

    /** Builds an R||S signature from two integers (no range check: for hostile values). */
    public static byte[] concat(BigInteger r, BigInteger s, int len) {
        byte[] out = new byte[len];
        put(r, out, 0, len / 2);
        put(s, out, len / 2, len / 2);
        return out;
    }

    private static void put(BigInteger v, byte[] out, int off, int len) {
        byte[] b = v.toByteArray();
        int start = Math.max(0, b.length - len);
        int n = b.length - start;
        System.arraycopy(b, start, out, off + len - n, n);
    }

    /** The three parts of a compact token. */
    public static String[] parts(String token) { return token.split("\\.", -1); }

    public static Map<String, Object> header(String token) { return parse(new String(unb64(parts(token)[0]), StandardCharsets.UTF_8)); }

    public static Map<String, Object> payload(String token) { return parse(new String(unb64(parts(token)[1]), StandardCharsets.UTF_8)); }

    /** Parses a JSON object into plain mutable maps and lists (jose4j's maps refuse re-putting a key). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(String json) {
        try {
            return (Map<String, Object>) mutable(JsonUtil.parseJson(json));
        } catch (JoseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Object mutable(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, mutable(x)));
            return out;
        }
        if (v instanceof java.util.List<?> l) {
            java.util.List<Object> out = new java.util.ArrayList<>();
            l.forEach(x -> out.add(mutable(x)));
            return out;
        }
        return v;
    }

    /** Concatenates byte arrays. */
    public static byte[] cat(byte[]... arrays) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] a : arrays) {
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    /** Flips one bit of character {@code index} of the base64url text, keeping it in the alphabet. */
    public static String flipChar(String s, int index) {
        char c = s.charAt(index);
        char r = c == 'A' ? 'B' : 'A';
        return s.substring(0, index) + r + s.substring(index + 1);
    }
}

package dev.ect.core;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.C;
import static dev.ect.core.support.Fixtures.claims;
import static dev.ect.core.support.Fixtures.header;
import static dev.ect.core.support.Fixtures.key;
import static dev.ect.core.support.Fixtures.keyA;
import static dev.ect.core.support.Jws.b64;
import static dev.ect.core.support.Jws.part;
import static dev.ect.core.support.Jws.parts;
import static dev.ect.core.support.Jws.unb64;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.support.Fixtures;
import dev.ect.core.support.Jws;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Round-trip integrity: every mutation of a signed token is rejected, with the reason of the first
 * failing step of profile section 4 (V-02 parse, V-04 typ, V-05 alg, V-06 kid/crit/b64, V-07 key,
 * V-08 signature). Tampered tokens are built by hand (base64url + JSON + plain JCA).
 */
class TamperingTest {
    /** Issuer A's genuine key and, under the same kid "a-1", issuer C's key (V-07). */
    private static final EctKeyPair A_KEY = keyA();
    private static final EctKeyPair C_KEY = key(EctAlgorithm.ES256, "a-1", "issuer-c");
    private static final EctKeyPair ATTACKER = key(EctAlgorithm.ES256, "a-1", "attacker");
    private static final KeySource KEYS = StaticKeySource.builder().key(A, A_KEY).key(C, C_KEY)
            .key(C, "c-only", key(EctAlgorithm.ES256, "c-only").publicKey())
            .key(A, key(EctAlgorithm.PS256, "rsa-1")).build();
    /** Every algorithm enabled: tamperings must fail even with the widest allowlist. */
    private static final EctVerifier VERIFIER = Fixtures.verifierBAllAlgs(KEYS).build();

    private static String genuine() { return Jws.sign(header(A_KEY), claims(), A_KEY); }

    private static String h(String token) { return parts(token)[0]; }

    private static String p(String token) { return parts(token)[1]; }

    private static String s(String token) { return parts(token)[2]; }

    private static String withHeader(String token, Map<String, Object> header) {
        return part(header) + "." + p(token) + "." + s(token);
    }

    private static Map<String, Object> headerWith(String name, Object value) {
        Map<String, Object> m = header(A_KEY);
        m.put(name, value);
        return m;
    }

    /** Flips one bit of the decoded bytes of part {@code index} at byte {@code at}. */
    private static String flipBit(String token, int index, int at, int bit) {
        String[] ps = parts(token);
        byte[] raw = unb64(ps[index]);
        raw[at] ^= (byte) (1 << bit);
        ps[index] = b64(raw);
        return String.join(".", ps);
    }

    private static String withSignature(String token, byte[] sig) { return h(token) + "." + p(token) + "." + b64(sig); }

    private static BigInteger order() { return ((ECPublicKey) A_KEY.publicKey()).getParams().getOrder(); }

    private static byte[] rawSig(String token) { return unb64(s(token)); }

    private static Arguments t(String name, Supplier<String> token, ReasonCode expected) {
        return Arguments.of(name, token, expected);
    }

    static Stream<Arguments> tamperings() {
        return Stream.of(
                // bit flips
                t("header bit flip: kid a-1 -> a-0", () -> {
                    String g = genuine();
                    byte[] hb = unb64(h(g));
                    int at = new String(hb, StandardCharsets.UTF_8).indexOf("a-1") + 2;
                    return flipBit(g, 0, at, 0);
                }, ReasonCode.UNKNOWN_KEY),
                t("header bit flip: typ exec+jwt -> exec+jwu", () -> {
                    String g = genuine();
                    int at = new String(unb64(h(g)), StandardCharsets.UTF_8).indexOf("exec+jwt") + 7;
                    return flipBit(g, 0, at, 0);
                }, ReasonCode.INVALID_TYP),
                t("payload bit flip in exec_act", () -> {
                    String g = genuine();
                    int at = new String(unb64(p(g)), StandardCharsets.UTF_8).indexOf("review_spec") + 4;
                    return flipBit(g, 1, at, 0);
                }, ReasonCode.INVALID_SIGNATURE),
                t("payload bit flip in iss (another registered issuer, C)", () -> {
                    Map<String, Object> c = claims();
                    c.put("iss", "spiffe://example.com/agent/b"); // 'b' ^ 1 = 'c'
                    c.put("aud", B);
                    String g = Jws.sign(header(A_KEY), c, A_KEY);
                    int at = new String(unb64(p(g)), StandardCharsets.UTF_8).indexOf("agent/b") + 6;
                    return flipBit(g, 1, at, 0);
                }, ReasonCode.INVALID_SIGNATURE),
                t("signature bit flip in R", () -> flipBit(genuine(), 2, 5, 3), ReasonCode.INVALID_SIGNATURE),
                t("signature bit flip in S", () -> flipBit(genuine(), 2, 63, 0), ReasonCode.INVALID_SIGNATURE),
                // alg swaps
                t("alg none, empty signature", () -> part(headerWith("alg", "none")) + "." + p(genuine()) + ".", ReasonCode.UNSUPPORTED_ALG),
                t("alg None, empty signature", () -> part(headerWith("alg", "None")) + "." + p(genuine()) + ".", ReasonCode.UNSUPPORTED_ALG),
                t("alg NONE, original signature kept", () -> withHeader(genuine(), headerWith("alg", "NONE")), ReasonCode.UNSUPPORTED_ALG),
                t("alg HS256 with the public key's X.509 bytes as HMAC secret", () -> {
                    Map<String, Object> hh = headerWith("alg", "HS256");
                    return Jws.hs256(part(hh), p(genuine()), A_KEY.publicKey().getEncoded());
                }, ReasonCode.UNSUPPORTED_ALG),
                t("alg HS256 with the public JWK text as HMAC secret", () -> {
                    Map<String, Object> hh = headerWith("alg", "HS256");
                    return Jws.hs256(part(hh), p(genuine()), A_KEY.publicJwk().getBytes(StandardCharsets.UTF_8));
                }, ReasonCode.UNSUPPORTED_ALG),
                t("alg RS256 signed by issuer A's registered RSA key", () -> {
                    EctKeyPair rsa = key(EctAlgorithm.PS256, "rsa-1");
                    Map<String, Object> hh = header(rsa);
                    hh.put("alg", "RS256");
                    return Jws.rs256(part(hh), p(genuine()), rsa.privateKey());
                }, ReasonCode.UNSUPPORTED_ALG),
                // K-02: the kid's key does not fit the new alg, so there is no usable key
                t("alg ES256 -> ES384 without re-signing", () -> withHeader(genuine(), headerWith("alg", "ES384")), ReasonCode.UNKNOWN_KEY),
                t("alg ES256 -> PS256 on the kid of an EC key", () -> withHeader(genuine(), headerWith("alg", "PS256")), ReasonCode.UNKNOWN_KEY),
                // ECDSA encodings and values (CVE-2022-21449 class)
                t("DER-encoded ECDSA signature instead of R||S", () -> {
                    String g = genuine();
                    byte[] input = (h(g) + "." + p(g)).getBytes(StandardCharsets.US_ASCII);
                    return withSignature(g, Jws.derEcdsa(EctAlgorithm.ES256, A_KEY.privateKey(), input));
                }, ReasonCode.INVALID_SIGNATURE),
                t("r = 0, s = 0 (psychic signature)", () -> withSignature(genuine(), new byte[64]), ReasonCode.INVALID_SIGNATURE),
                t("r = 0, s genuine", () -> {
                    byte[] sig = rawSig(genuine());
                    java.util.Arrays.fill(sig, 0, 32, (byte) 0);
                    return withSignature(genuine(), sig);
                }, ReasonCode.INVALID_SIGNATURE),
                t("r genuine, s = 0", () -> {
                    String g = genuine();
                    byte[] sig = rawSig(g);
                    java.util.Arrays.fill(sig, 32, 64, (byte) 0);
                    return withSignature(g, sig);
                }, ReasonCode.INVALID_SIGNATURE),
                t("r = n (the group order), s genuine", () -> {
                    String g = genuine();
                    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(rawSig(g), 32, 64));
                    return withSignature(g, Jws.concat(order(), s, 64));
                }, ReasonCode.INVALID_SIGNATURE),
                t("r genuine, s = n", () -> {
                    String g = genuine();
                    BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(rawSig(g), 0, 32));
                    return withSignature(g, Jws.concat(r, order(), 64));
                }, ReasonCode.INVALID_SIGNATURE),
                t("r = s = n - 1 + 1 wrapped: all 0xff", () -> {
                    byte[] ff = new byte[64];
                    java.util.Arrays.fill(ff, (byte) 0xff);
                    return withSignature(genuine(), ff);
                }, ReasonCode.INVALID_SIGNATURE),
                // lengths and framing
                t("signature one byte short", () -> withSignature(genuine(), java.util.Arrays.copyOf(rawSig(genuine()), 63)), ReasonCode.INVALID_SIGNATURE),
                t("signature one byte long", () -> withSignature(genuine(), java.util.Arrays.copyOf(rawSig(genuine()), 65)), ReasonCode.INVALID_SIGNATURE),
                t("signature doubled (128 bytes)", () -> withSignature(genuine(), Jws.cat(rawSig(genuine()), rawSig(genuine()))), ReasonCode.INVALID_SIGNATURE),
                t("empty signature with alg ES256", () -> h(genuine()) + "." + p(genuine()) + ".", ReasonCode.INVALID_SIGNATURE),
                t("truncated: last two signature characters cut (63 bytes left)", () -> {
                    String g = genuine();
                    return g.substring(0, g.length() - 2);
                }, ReasonCode.INVALID_SIGNATURE),
                t("truncated: signature cut to an impossible base64url length", () -> {
                    String g = genuine();
                    return g.substring(0, g.length() - 1);
                }, ReasonCode.MALFORMED_TOKEN),
                t("truncated: signature part gone", () -> h(genuine()) + "." + p(genuine()), ReasonCode.MALFORMED_TOKEN),
                // a lone header is a base64url JSON object, i.e. L1-shaped (V-02): refused by V-03
                t("truncated: header only", () -> h(genuine()), ReasonCode.LEVEL_BELOW_MINIMUM),
                t("extra fourth part", () -> genuine() + "." + b64("x"), ReasonCode.MALFORMED_TOKEN),
                t("five parts, like a JWE", () -> genuine() + ".." + b64("x"), ReasonCode.MALFORMED_TOKEN),
                t("trailing dot", () -> genuine() + ".", ReasonCode.MALFORMED_TOKEN),
                t("padding '=' added to the signature", () -> genuine() + "==", ReasonCode.MALFORMED_TOKEN),
                t("padding '=' added to the header", () -> {
                    String g = genuine();
                    return h(g) + "=." + p(g) + "." + s(g);
                }, ReasonCode.MALFORMED_TOKEN),
                t("standard base64 alphabet in the signature", () -> {
                    String g = genuine();
                    return h(g) + "." + p(g) + "." + s(g).replace('-', '+').replace('_', '/') + "+/";
                }, ReasonCode.MALFORMED_TOKEN),
                t("non-canonical base64url: signature's last character with padding bits set", () -> {
                    String g = genuine(); // 64 bytes = 86 characters; the last one carries 4 unused bits
                    String sig = s(g);
                    char last = sig.charAt(sig.length() - 1);
                    char alt = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".charAt(
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(last) | 1);
                    return h(g) + "." + p(g) + "." + sig.substring(0, sig.length() - 1) + alt;
                }, ReasonCode.MALFORMED_TOKEN),
                t("whitespace inside the token", () -> {
                    String g = genuine();
                    return h(g) + ". " + p(g) + "." + s(g);
                }, ReasonCode.MALFORMED_TOKEN),
                t("line break appended", () -> genuine() + "\r\n", ReasonCode.MALFORMED_TOKEN),
                t("header is a JSON array", () -> b64("[\"ES256\"]") + "." + p(genuine()) + "." + s(genuine()), ReasonCode.MALFORMED_TOKEN),
                t("header with a UTF-8 byte-order mark", () -> b64(Jws.cat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
                        Jws.json(header(A_KEY)).getBytes(StandardCharsets.UTF_8))) + "." + p(genuine()) + "." + s(genuine()), ReasonCode.MALFORMED_TOKEN),
                t("payload not JSON", () -> h(genuine()) + "." + b64("iss=a") + "." + s(genuine()), ReasonCode.MALFORMED_TOKEN),
                t("payload invalid UTF-8", () -> h(genuine()) + "." + b64(new byte[] {'{', '"', (byte) 0xc3, '"', ':', '1', '}'}) + "." + s(genuine()), ReasonCode.MALFORMED_TOKEN),
                // keys (V-07, H-06)
                t("signed by issuer C's key under the same kid, claiming issuer A", () -> Jws.sign(header(C_KEY), claims(), C_KEY), ReasonCode.INVALID_SIGNATURE),
                t("claiming issuer A under a kid registered only for issuer C", () -> {
                    EctKeyPair cOnly = key(EctAlgorithm.ES256, "c-only");
                    return Jws.sign(header(cOnly), claims(), cOnly);
                }, ReasonCode.UNKNOWN_KEY),
                t("embedded jwk header with the attacker's key under A's kid", () -> {
                    Map<String, Object> hh = header(ATTACKER);
                    hh.put("jwk", Jws.parse(ATTACKER.publicJwk()));
                    return Jws.sign(hh, claims(), ATTACKER);
                }, ReasonCode.INVALID_SIGNATURE),
                t("jku header pointing at the attacker's keys", () -> {
                    Map<String, Object> hh = header(ATTACKER);
                    hh.put("jku", "https://attacker.example/jwks.json");
                    return Jws.sign(hh, claims(), ATTACKER);
                }, ReasonCode.INVALID_SIGNATURE),
                t("x5u header pointing at the attacker's certificate", () -> {
                    Map<String, Object> hh = header(ATTACKER);
                    hh.put("x5u", "https://attacker.example/cert.pem");
                    return Jws.sign(hh, claims(), ATTACKER);
                }, ReasonCode.INVALID_SIGNATURE),
                t("kid changed to another existing kid of issuer A (its RSA key, K-02)", () -> withHeader(genuine(), headerWith("kid", "rsa-1")), ReasonCode.UNKNOWN_KEY),
                // header parameters (H-05)
                t("crit added (re-signed)", () -> Jws.sign(headerWith("crit", List.of("exp")), claims(), A_KEY), ReasonCode.UNSUPPORTED_HEADER),
                t("b64:false added (re-signed)", () -> {
                    Map<String, Object> hh = headerWith("b64", false);
                    hh.put("crit", List.of("b64"));
                    return Jws.sign(hh, claims(), A_KEY);
                }, ReasonCode.UNSUPPORTED_HEADER),
                t("b64:false added without crit (re-signed)", () -> Jws.sign(headerWith("b64", false), claims(), A_KEY), ReasonCode.UNSUPPORTED_HEADER),
                // duplicates (section 2.2)
                t("duplicate member name in the header (alg)", () -> Jws.signJson(
                        "{\"alg\":\"none\",\"alg\":\"ES256\",\"kid\":\"a-1\",\"typ\":\"exec+jwt\"}", Jws.json(claims()), A_KEY), ReasonCode.MALFORMED_TOKEN),
                t("duplicate member name in the header (kid)", () -> Jws.signJson(
                        "{\"alg\":\"ES256\",\"kid\":\"a-1\",\"kid\":\"c-only\",\"typ\":\"exec+jwt\"}", Jws.json(claims()), A_KEY), ReasonCode.MALFORMED_TOKEN),
                t("duplicate member name in the payload (aud)", () -> Jws.signJson(Jws.json(header(A_KEY)),
                        Jws.json(claims()).replaceFirst("^\\{", "{\"aud\":\"spiffe://example.com/agent/x\","), A_KEY), ReasonCode.MALFORMED_TOKEN),
                t("duplicate member name in the payload (jti)", () -> {
                    Map<String, Object> c = claims();
                    return Jws.signJson(Jws.json(header(A_KEY)), Jws.json(c).replaceFirst("}$", ",\"jti\":\"" + c.get("jti") + "\"}"), A_KEY);
                }, ReasonCode.MALFORMED_TOKEN),
                // splicing
                t("payload replaced by one signed by another key", () -> {
                    String other = Jws.sign(header(ATTACKER), claims(), ATTACKER);
                    String g = genuine();
                    return h(g) + "." + p(other) + "." + s(g);
                }, ReasonCode.INVALID_SIGNATURE),
                t("payload of another genuine token of the same key", () -> {
                    String g1 = genuine();
                    String g2 = genuine();
                    return h(g1) + "." + p(g2) + "." + s(g1);
                }, ReasonCode.INVALID_SIGNATURE),
                t("signature of another genuine token of the same key", () -> {
                    String g1 = genuine();
                    return h(g1) + "." + p(g1) + "." + s(genuine());
                }, ReasonCode.INVALID_SIGNATURE),
                // typ (H-01, H-02)
                t("typ changed to JWT", () -> withHeader(genuine(), headerWith("typ", "JWT")), ReasonCode.INVALID_TYP),
                t("typ removed", () -> {
                    Map<String, Object> hh = header(A_KEY);
                    hh.remove("typ");
                    return withHeader(genuine(), hh);
                }, ReasonCode.INVALID_TYP),
                t("typ changed to an accepted variant without re-signing", () -> withHeader(genuine(), headerWith("typ", "EXEC+JWT")), ReasonCode.INVALID_SIGNATURE),
                t("header members reordered without re-signing", () -> {
                    Map<String, Object> hh = new java.util.LinkedHashMap<>();
                    hh.put("typ", "exec+jwt");
                    hh.put("kid", "a-1");
                    hh.put("alg", "ES256");
                    return withHeader(genuine(), hh);
                }, ReasonCode.INVALID_SIGNATURE));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("tamperings")
    void rejectsTamperedToken(String name, Supplier<String> tampered, ReasonCode expected) {
        assertRejected(() -> VERIFIER.verify(tampered.get()), expected);
    }

    @Test
    void theUntamperedTokenVerifies() { // guards every tampering above against a broken fixture
        assertThat(VERIFIER.verify(genuine()).ect().iss()).isEqualTo(A);
    }

    @Test
    void atLeastFifteenDistinctTamperingsAreCovered() {
        assertThat(tamperings().count()).isGreaterThanOrEqualTo(15);
    }

    /**
     * A bit flip in every byte of the decoded header, payload and signature is rejected (one bit
     * per byte, rotating through the 8 positions; every bit of the ES256 signature; for the other
     * algorithms every fifth payload byte, to bound the run time).
     */
    @ParameterizedTest
    @EnumSource(value = EctAlgorithm.class)
    void rejectsABitFlipInEveryByte(EctAlgorithm alg) {
        EctKeyPair k = key(alg, "bits-" + alg);
        EctVerifier v = Fixtures.verifierBAllAlgs(StaticKeySource.builder().key(A, k).build()).build();
        String g = Jws.sign(header(k), claims(), k);
        assertThat(v.check(g).ect().alg()).isEqualTo(alg.jwaName());
        int flips = 0;
        for (int part = 0; part < 3; part++) {
            int len = unb64(parts(g)[part]).length;
            boolean allBits = part == 2 && alg == EctAlgorithm.ES256;
            int step = part == 1 && alg != EctAlgorithm.ES256 ? 5 : 1;
            for (int at = 0; at < len; at += step) {
                for (int bit = allBits ? 0 : at % 8; bit < (allBits ? 8 : at % 8 + 1); bit++) {
                    String t = flipBit(g, part, at, bit);
                    Throwable thrown = catchThrowable(() -> v.check(t));
                    assertThat(thrown).as("part %d byte %d bit %d", part, at, bit).isInstanceOf(EctRejectedException.class);
                    flips++;
                }
            }
        }
        assertThat(flips).isGreaterThan(150);
    }

    /** Every replacement of one character of the compact token is rejected (or, for the unused low bits of a last character, refused as non-canonical). */
    @Test
    void rejectsEveryCharacterSubstitution() {
        String g = genuine();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
        Random r = new Random(42);
        for (int i = 0; i < g.length(); i++) {
            char c;
            do {
                c = alphabet.charAt(r.nextInt(alphabet.length()));
            } while (c == g.charAt(i));
            String t = g.substring(0, i) + c + g.substring(i + 1);
            Throwable thrown = catchThrowable(() -> VERIFIER.check(t));
            assertThat(thrown).as("position %d -> %s", i, c).isInstanceOf(EctRejectedException.class);
        }
    }

    /**
     * ECDSA signatures are malleable: (r, n - s) verifies as well as (r, s). The verifier accepts the
     * mathematically valid twin, but replay protection keys on (iss, wid, jti), not on the token bytes
     * (P-01), so the twin of an accepted token is still refused as a replay.
     */
    @Test
    void malleatedEcdsaTwinOfAnAcceptedTokenIsRefusedAsReplay() {
        EctVerifier v = Fixtures.verifierB().build();
        String g = genuine();
        byte[] sig = rawSig(g);
        BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 0, 32));
        BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64));
        String twin = withSignature(g, Jws.concat(r, order().subtract(s), 64));
        assertThat(twin).isNotEqualTo(g);
        assertThat(v.check(twin).ect().jti()).isEqualTo(Jws.payload(g).get("jti"));
        v.verify(g);
        assertRejected(() -> v.verify(twin), ReasonCode.REPLAY);
    }

    @Test
    @DisplayName("V-08 EdDSA and PS256 signatures of the wrong length are invalid_signature")
    void wrongLengthSignaturesAreRejectedForEdDsaAndPs256() { // V-08: length checked before the JCA call
        for (EctAlgorithm alg : EnumSet.of(EctAlgorithm.EDDSA, EctAlgorithm.PS256)) {
            EctKeyPair k = key(alg, "len-" + alg);
            EctVerifier v = Fixtures.verifierBAllAlgs(StaticKeySource.builder().key(A, k).build()).build();
            String g = Jws.sign(header(k), claims(), k);
            byte[] sig = rawSig(g);
            assertRejected(() -> v.verify(withSignature(g, java.util.Arrays.copyOf(sig, sig.length - 1))), ReasonCode.INVALID_SIGNATURE);
            assertRejected(() -> v.verify(withSignature(g, Jws.cat(sig, new byte[1]))), ReasonCode.INVALID_SIGNATURE);
            assertRejected(() -> v.verify(withSignature(g, new byte[sig.length])), ReasonCode.INVALID_SIGNATURE);
            assertThat(v.verify(g).ect().alg()).isEqualTo(alg.jwaName());
        }
    }

    @Test
    void rsaKeysShorterThan2048BitsNeverVerify() throws Exception { // H-03: PS256 needs RSA >= 2048
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        java.security.KeyPair weak = g.generateKeyPair();
        EctKeyPair k = new EctKeyPair(EctAlgorithm.PS256, "weak", weak.getPrivate(), weak.getPublic());
        EctVerifier v = Fixtures.verifierBAllAlgs(StaticKeySource.builder().key(A, k).build()).build();
        String token = Jws.sign(header(k), claims(), k); // a valid RSASSA-PSS signature, by a 1024-bit key
        assertRejected(() -> v.verify(token), ReasonCode.UNKNOWN_KEY); // K-02: a 1024-bit key fits no alg
        // and JwsCrypto refuses it too, should a key source hand it out anyway
        EctVerifier careless = Fixtures.verifierBAllAlgs((iss, kid) -> java.util.Optional.of(weak.getPublic())).build();
        KeySource handsItOut = new KeySource() {
            @Override
            public java.util.Optional<java.security.PublicKey> resolve(String iss, String kid) { return java.util.Optional.of(weak.getPublic()); }

            @Override
            public java.util.Optional<java.security.PublicKey> resolve(String iss, String kid, EctAlgorithm alg) { return resolve(iss, kid); }
        };
        assertRejected(() -> careless.verify(token), ReasonCode.UNKNOWN_KEY); // the default resolve(iss, kid, alg) filters
        assertRejected(() -> Fixtures.verifierBAllAlgs(handsItOut).build().verify(token), ReasonCode.INVALID_SIGNATURE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EctSigner.builder(k).build())
                .isInstanceOf(IllegalArgumentException.class); // and the signer refuses to use it
    }

    @Test
    @DisplayName("V-08 the all-zero psychic signature (CVE-2022-21449) is invalid_signature on every ECDSA curve")
    void psychicSignatureIsRejectedForEveryEcdsaCurve() { // CVE-2022-21449 on P-256, P-384, P-521
        for (EctAlgorithm alg : EnumSet.of(EctAlgorithm.ES256, EctAlgorithm.ES384, EctAlgorithm.ES512)) {
            EctKeyPair k = key(alg, "psychic-" + alg);
            EctVerifier v = Fixtures.verifierBAllAlgs(StaticKeySource.builder().key(A, k).build()).build();
            String g = Jws.sign(header(k), claims(), k);
            assertRejected(() -> v.verify(h(g) + "." + p(g) + "." + b64(new byte[alg.signatureLength()])), ReasonCode.INVALID_SIGNATURE);
        }
    }
}

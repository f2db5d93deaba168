package dev.ect.core;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.claims;
import static dev.ect.core.support.Fixtures.header;
import static dev.ect.core.support.Fixtures.key;
import static dev.ect.core.support.Fixtures.keyA;
import static dev.ect.core.support.Fixtures.verifierB;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.support.Jws;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Profile section 2.1, the JOSE header rules H-01..H-06, as checked by V-04..V-07. */
class HeaderRulesTest {
    private static final EctVerifier VERIFIER = verifierB().build();

    private static String signedWithHeader(Map<String, Object> header) {
        return Jws.sign(header, claims(), keyA());
    }

    private static Map<String, Object> headerWith(String name, Object value) {
        Map<String, Object> h = header(keyA());
        h.put(name, value);
        return h;
    }

    private static Map<String, Object> headerWithout(String name) {
        Map<String, Object> h = header(keyA());
        h.remove(name);
        return h;
    }

    // ---- H-01 / H-02 (V-04)

    @Test
    @DisplayName("H-01 M-03 minting always writes typ exec+jwt, whatever the draft says")
    void mintingAlwaysWritesTypExecJwt() { // H-01, M-03
        String token = EctSigner.builder(keyA()).clock(dev.ect.core.support.Fixtures.clock()).build()
                .sign(Ect.builder().iss(A).aud("x").execAct("a").typ("wimse-exec+jwt").build());
        assertThat(Jws.header(token)).containsEntry("typ", "exec+jwt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"exec+jwt", "EXEC+JWT", "Exec+Jwt", "application/exec+jwt", "APPLICATION/EXEC+JWT",
        "wimse-exec+jwt", "WIMSE-EXEC+JWT", "application/wimse-exec+jwt", "Application/Wimse-Exec+JWT"})
    @DisplayName("H-01 H-02 exec+jwt and the legacy wimse-exec+jwt are accepted, ignoring ASCII case and an application/ prefix")
    void acceptsExecJwtAndLegacyTypIgnoringAsciiCaseAndApplicationPrefix(String typ) { // H-01, H-02
        VerifiedEct v = VERIFIER.verify(signedWithHeader(headerWith("typ", typ)));
        assertThat(v.ect().typ()).isEqualTo(typ);
    }

    @ParameterizedTest
    @ValueSource(strings = {"JWT", "jwt", "at+jwt", "exec+jws", "exec", "", " exec+jwt", "exec+jwt ", "application/jwt",
        "application/application/exec+jwt", "application/", "xexec+jwt", "wimse-exec", "text/exec+jwt",
        "wimſe-exec+jwt", /* long s: lower-case only in Unicode, not ASCII */
        "ｅｘｅｃ+ｊｗｔ" /* full-width letters */})
    @DisplayName("H-01 V-04 any other typ is invalid_typ")
    void rejectsAnyOtherTyp(String typ) { // H-01 -> invalid_typ
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWith("typ", typ))), ReasonCode.INVALID_TYP);
    }

    @Test
    @DisplayName("H-01 V-04 a missing typ is invalid_typ")
    void rejectsMissingTyp() { // H-01
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWithout("typ"))), ReasonCode.INVALID_TYP);
    }

    @Test
    void rejectsNonStringTyp() { // H-01
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWith("typ", List.of("exec+jwt")))), ReasonCode.INVALID_TYP);
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWith("typ", 1))), ReasonCode.INVALID_TYP);
    }

    // ---- H-03 (V-05)

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE", "HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
        "PS384", "PS512", "ES256K", "Ed25519", "es256", "ES-256", ""})
    @DisplayName("H-03 V-05 none, HS*, RS* and unknown algs are unsupported_alg even with every algorithm enabled")
    void neverAcceptsAlgorithmsOutsideTheSupportedSetWhateverTheConfiguration(String alg) { // H-03
        EctVerifier all = verifierB().settings(EctSettings.builder().algorithms(EnumSet.allOf(EctAlgorithm.class)).build()).build();
        assertRejected(() -> all.verify(signedWithHeader(headerWith("alg", alg))), ReasonCode.UNSUPPORTED_ALG);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "HS256", "HS512", "RS256", "RS512", "ES256K"})
    @DisplayName("H-03 none, HS* and RS* cannot be enabled by configuration")
    void refusesToEnableNoneHmacOrRsaPkcs1InConfiguration(String alg) { // H-03
        assertThatThrownBy(() -> EctAlgorithm.parse(alg)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported algorithm");
        assertThat(EctAlgorithm.fromJwaName(alg)).isNull();
    }

    @Test
    @DisplayName("H-03 V-05 a missing or non-string alg is unsupported_alg")
    void rejectsMissingOrNonStringAlg() { // H-03
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWithout("alg"))), ReasonCode.UNSUPPORTED_ALG);
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWith("alg", 256))), ReasonCode.UNSUPPORTED_ALG);
    }

    @ParameterizedTest
    @EnumSource(value = EctAlgorithm.class, names = "ES256", mode = EnumSource.Mode.EXCLUDE)
    @DisplayName("H-03 V-05 the default allowlist is ES256 only; other algorithms verify once enabled")
    void defaultAllowlistIsEs256Only(EctAlgorithm alg) { // H-03
        EctKeyPair k = key(alg, "a-" + alg);
        String token = Jws.sign(header(k), claims(), k);
        EctVerifier defaults = verifierB(StaticKeySource.builder().key(A, k).build()).build();
        assertRejected(() -> defaults.verify(token), ReasonCode.UNSUPPORTED_ALG);
        EctVerifier enabled = verifierB(StaticKeySource.builder().key(A, k).build()).settings(EctSettings.builder().algorithms(alg).build()).build();
        assertThat(enabled.verify(token).ect().alg()).isEqualTo(alg.jwaName());
        assertThat(enabled.settings().algorithms()).containsExactly(alg);
    }

    @Test
    void rejectsAKeyWhoseTypeDoesNotFitTheAlg() { // H-03, K-02: an ES384 key registered under the kid of an ES256 token
        EctKeyPair p384 = key(EctAlgorithm.ES384, "a-1");
        EctVerifier v = verifierB(StaticKeySource.builder().key(A, p384).build())
                .settings(EctSettings.builder().algorithms(EctAlgorithm.ES256, EctAlgorithm.ES384).build()).build();
        // K-02: a key that does not fit the alg is not used at all: no usable key
        assertRejected(() -> v.verify(signedWithHeader(header(keyA()))), ReasonCode.UNKNOWN_KEY);
    }

    // ---- H-04 / H-05 (V-06)

    @Test
    @DisplayName("H-04 V-06 a missing kid is missing_kid")
    void rejectsMissingKid() { // H-04
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWithout("kid"))), ReasonCode.MISSING_KID);
    }

    @Test
    @DisplayName("H-04 V-06 an empty kid is missing_kid")
    void rejectsEmptyKid() { // H-04
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWith("kid", ""))), ReasonCode.MISSING_KID);
    }

    @Test
    @DisplayName("H-04 V-06 a non-string or null kid is missing_kid")
    void rejectsNonStringKid() { // H-04
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWith("kid", 1))), ReasonCode.MISSING_KID);
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWith("kid", null))), ReasonCode.MISSING_KID);
    }

    @Test
    @DisplayName("H-05 V-06 any crit parameter is unsupported_header")
    void rejectsAnyCritParameter() { // H-05
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWith("crit", List.of("exp")))), ReasonCode.UNSUPPORTED_HEADER);
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWith("crit", List.of()))), ReasonCode.UNSUPPORTED_HEADER);
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWith("crit", null))), ReasonCode.UNSUPPORTED_HEADER);
    }

    @Test
    @DisplayName("H-05 V-06 b64 other than true is unsupported_header")
    void rejectsUnencodedPayloadOption() { // H-05, RFC 7797
        Map<String, Object> h = headerWith("b64", false);
        h.put("crit", List.of("b64"));
        assertRejected(() -> VERIFIER.verify(signedWithHeader(h)), ReasonCode.UNSUPPORTED_HEADER);
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWith("b64", false))), ReasonCode.UNSUPPORTED_HEADER);
        assertRejected(() -> VERIFIER.verify(signedWithHeader(headerWith("b64", "true"))), ReasonCode.UNSUPPORTED_HEADER);
    }

    @Test
    void acceptsB64True() { // H-05: b64 true is the default meaning
        assertThat(VERIFIER.verify(signedWithHeader(headerWith("b64", true))).ect().iss()).isEqualTo(A);
    }

    @Test
    void ignoresUnknownHeaderParameters() { // H-05 only refuses crit and b64
        assertThat(VERIFIER.verify(signedWithHeader(headerWith("cty", "JWT"))).ect().iss()).isEqualTo(A);
    }

    // ---- H-06 (V-07)

    @Test
    @DisplayName("H-06 K-01 an embedded jwk header is never used to verify")
    void neverUsesAnEmbeddedJwkToVerify() throws Exception { // H-06, K-01, RFC 8725 3.10
        EctKeyPair attacker = key(EctAlgorithm.ES256, "a-1", "attacker");
        Map<String, Object> h = header(attacker);
        h.put("jwk", Jws.parse(attacker.publicJwk()));
        // the attacker's key under the victim's kid: the configured key does not verify it
        assertRejected(() -> VERIFIER.verify(Jws.sign(h, claims(), attacker)), ReasonCode.INVALID_SIGNATURE);
        // under a kid only the embedded key knows: no configured key at all
        EctKeyPair own = key(EctAlgorithm.ES256, "attacker-kid", "attacker");
        Map<String, Object> h2 = header(own);
        h2.put("jwk", Jws.parse(own.publicJwk()));
        assertRejected(() -> VERIFIER.verify(Jws.sign(h2, claims(), own)), ReasonCode.UNKNOWN_KEY);
    }

    @Test
    @DisplayName("H-06 K-01 jku and x5u are never fetched and x5c is ignored: keys come only from configuration")
    void neverFetchesKeysFromJkuOrX5uAndIgnoresX5c() throws Exception { // H-06, K-01: keys only from configuration
        try (MockWebServer attackerServer = new MockWebServer()) {
            attackerServer.start();
            EctKeyPair attacker = key(EctAlgorithm.ES256, "evil", "attacker");
            for (int i = 0; i < 4; i++) {
                attackerServer.enqueue(new MockResponse.Builder().code(200).body(attacker.publicJwks()).build());
            }
            String jku = attackerServer.url("/jwks.json").toString();
            String x5u = attackerServer.url("/cert.pem").toString();
            Map<String, Object> hostile = header(attacker);
            hostile.put("jku", jku);
            hostile.put("x5u", x5u);
            assertRejected(() -> VERIFIER.verify(Jws.sign(hostile, claims(), attacker)), ReasonCode.UNKNOWN_KEY);
            Map<String, Object> hostileSameKid = header(key(EctAlgorithm.ES256, "a-1", "attacker"));
            hostileSameKid.put("jku", jku);
            hostileSameKid.put("x5c", List.of(Jws.b64("not a certificate")));
            assertRejected(() -> VERIFIER.verify(Jws.sign(hostileSameKid, claims(), key(EctAlgorithm.ES256, "a-1", "attacker"))),
                    ReasonCode.INVALID_SIGNATURE);
            // a genuine token carrying the same parameters verifies with the configured key alone
            Map<String, Object> genuine = header(keyA());
            genuine.put("jku", jku);
            genuine.put("x5u", x5u);
            genuine.put("x5c", List.of(Jws.b64("not a certificate")));
            assertThat(VERIFIER.verify(Jws.sign(genuine, claims(), keyA())).ect().iss()).isEqualTo(A);
            assertThat(attackerServer.getRequestCount()).isZero();
        }
    }
}

package dev.ect.core.keys;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.clock;
import static dev.ect.core.support.Fixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.VerificationListener;
import dev.ect.core.support.Jws;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** EctKeys: generation, JWK and JWKS round trips, and the bounds of JWKS parsing. */
class EctKeysTest {

    @ParameterizedTest
    @EnumSource(value = EctAlgorithm.class, names = "PS256", mode = EnumSource.Mode.EXCLUDE)
    void generatesKeysOfTheRightTypeAndCurve(EctAlgorithm alg) {
        EctKeyPair k = EctKeys.generate(alg, "g");
        assertThat(k.algorithm()).isEqualTo(alg);
        assertThat(k.kid()).isEqualTo("g");
        switch (alg) {
            case ES256 -> assertThat(((ECPublicKey) k.publicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
            case ES384 -> assertThat(((ECPublicKey) k.publicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(384);
            case ES512 -> assertThat(((ECPublicKey) k.publicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(521);
            default -> assertThat(((EdECPublicKey) k.publicKey()).getParams().getName()).isEqualTo("Ed25519");
        }
        assertThat(EctKeys.generate("d").algorithm()).isEqualTo(EctAlgorithm.ES256);
    }

    @Test
    void rsaKeysAreAtLeast2048Bits() { // H-03: PS256 with RSA >= 2048 (generation makes 3072)
        assertThat(((RSAPublicKey) key(EctAlgorithm.PS256, "r").publicKey()).getModulus().bitLength()).isEqualTo(3072);
    }

    @ParameterizedTest
    @EnumSource(EctAlgorithm.class)
    void privateJwkRoundTripsIntoAWorkingSigner(EctAlgorithm alg) {
        EctKeyPair original = key(alg, "jwk-" + alg);
        String jwk = original.privateJwk();
        Map<String, Object> parsed = Jws.parse(jwk);
        assertThat(parsed).containsEntry("kid", "jwk-" + alg).containsEntry("alg", alg.jwaName()).containsEntry("use", "sig").containsKey("d");
        EctKeyPair restored = EctKeys.fromPrivateJwk(jwk);
        assertThat(restored.algorithm()).isEqualTo(alg);
        assertThat(restored.kid()).isEqualTo(original.kid());
        assertThat(restored.publicKey()).isEqualTo(original.publicKey());
        // tokens of the restored key verify with the original public key, published as a JWKS
        EctVerifier v = EctVerifier.builder().verifierId(B).clock(clock()).listener(VerificationListener.noop())
                .settings(EctSettings.builder().algorithms(EnumSet.allOf(EctAlgorithm.class)).build())
                .keySource(StaticKeySource.builder().jwks(A, original.publicJwks()).build()).build();
        String token = EctSigner.builder(restored).clock(clock()).build().sign(Ect.builder().iss(A).aud(B).execAct("a").build());
        assertThat(v.verify(token).ect().kid()).isEqualTo(original.kid());
    }

    @ParameterizedTest
    @EnumSource(EctAlgorithm.class)
    void publicJwkCarriesNoPrivateMember(EctAlgorithm alg) {
        Map<String, Object> pub = Jws.parse(key(alg, "pub-" + alg).publicJwk());
        assertThat(pub).doesNotContainKeys("d", "p", "q", "dp", "dq", "qi").containsEntry("kid", "pub-" + alg).containsEntry("use", "sig");
        assertThat(key(alg, "pub-" + alg).toString()).doesNotContain(String.valueOf(pub.get("x")));
    }

    @Test
    void guessesTheAlgorithmOfAnEcOrOkpJwkWithoutAlg() {
        for (EctAlgorithm alg : List.of(EctAlgorithm.ES256, EctAlgorithm.ES384, EctAlgorithm.ES512, EctAlgorithm.EDDSA)) {
            Map<String, Object> jwk = Jws.parse(key(alg, "noalg").privateJwk());
            jwk.remove("alg");
            assertThat(EctKeys.fromPrivateJwk(Jws.json(jwk)).algorithm()).isEqualTo(alg);
        }
        Map<String, Object> rsa = Jws.parse(key(EctAlgorithm.PS256, "noalg").privateJwk());
        rsa.remove("alg");
        assertThatThrownBy(() -> EctKeys.fromPrivateJwk(Jws.json(rsa))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no alg");
    }

    @Test
    void refusesUnusablePrivateJwks() {
        EctKeyPair k = key(EctAlgorithm.ES256, "bad");
        assertThatThrownBy(() -> EctKeys.fromPrivateJwk(k.publicJwk())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no private part");
        Map<String, Object> noKid = Jws.parse(k.privateJwk());
        noKid.remove("kid");
        assertThatThrownBy(() -> EctKeys.fromPrivateJwk(Jws.json(noKid))).hasMessageContaining("no kid");
        Map<String, Object> hs = Jws.parse(k.privateJwk());
        hs.put("alg", "HS256");
        assertThatThrownBy(() -> EctKeys.fromPrivateJwk(Jws.json(hs))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported algorithm");
        assertThatThrownBy(() -> EctKeys.fromPrivateJwk("{\"kty\":\"oct\",\"k\":\"c2VjcmV0\",\"kid\":\"s\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EctKeys.fromPrivateJwk("not json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a usable private JWK");
    }

    @Test
    void parsesAJwksIntoKeysByKid() {
        EctKeyPair k1 = key(EctAlgorithm.ES256, "k1");
        EctKeyPair k2 = key(EctAlgorithm.EDDSA, "k2");
        Map<String, PublicKey> keys = EctKeys.parseJwks(EctKeys.toJwks(List.of(k1, k2)));
        assertThat(keys).containsOnlyKeys("k1", "k2");
        assertThat(keys.get("k1")).isEqualTo(k1.publicKey());
        assertThat(keys.get("k2")).isEqualTo(k2.publicKey());
    }

    @Test
    void skipsEntriesThatCannotVerify() {
        String ok = key(EctAlgorithm.ES256, "ok").publicJwk();
        String noKid = ok.replace("\"kid\":\"ok\",", "");
        String enc = key(EctAlgorithm.ES256, "enc").publicJwk().replace("\"use\":\"sig\"", "\"use\":\"enc\"");
        String oct = "{\"kty\":\"oct\",\"kid\":\"hmac\",\"k\":\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\"}";
        String emptyKid = key(EctAlgorithm.ES256, "x").publicJwk().replace("\"kid\":\"x\"", "\"kid\":\"\"");
        Map<String, PublicKey> keys = EctKeys.parseJwks("{\"keys\":[" + String.join(",", ok, noKid, enc, oct, emptyKid) + "]}");
        assertThat(keys).containsOnlyKeys("ok");
    }

    @Test
    void refusesARepeatedKid() {
        String a = key(EctAlgorithm.ES256, "dup", "one").publicJwk();
        String b = key(EctAlgorithm.ES256, "dup", "two").publicJwk();
        assertThatThrownBy(() -> EctKeys.parseJwks("{\"keys\":[" + a + "," + b + "]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("JWKS repeats kid 'dup'");
    }

    @Test
    void refusesTooManyKeys() {
        StringBuilder sb = new StringBuilder("{\"keys\":[");
        String template = key(EctAlgorithm.ES256, "t").publicJwk();
        for (int i = 0; i <= EctKeys.MAX_JWKS_KEYS; i++) {
            sb.append(i == 0 ? "" : ",").append(template.replace("\"kid\":\"t\"", "\"kid\":\"t" + i + "\""));
        }
        String tooMany = sb.append("]}").toString();
        assertThatThrownBy(() -> EctKeys.parseJwks(tooMany)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JWKS holds 101 keys, more than 100");
        // exactly the maximum is fine
        StringBuilder max = new StringBuilder("{\"keys\":[");
        for (int i = 0; i < EctKeys.MAX_JWKS_KEYS; i++) {
            max.append(i == 0 ? "" : ",").append(template.replace("\"kid\":\"t\"", "\"kid\":\"t" + i + "\""));
        }
        assertThat(EctKeys.parseJwks(max.append("]}").toString())).hasSize(EctKeys.MAX_JWKS_KEYS);
    }

    @Test
    void refusesATooLargeDocumentBeforeParsingIt() {
        String huge = "{\"keys\":[]" + " ".repeat(EctKeys.MAX_JWKS_CHARS) + "}";
        assertThatThrownBy(() -> EctKeys.parseJwks(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("larger than " + EctKeys.MAX_JWKS_CHARS);
        String atLimit = "{\"keys\":[]" + " ".repeat(EctKeys.MAX_JWKS_CHARS - 11) + "}";
        assertThat(atLimit).hasSize(EctKeys.MAX_JWKS_CHARS);
        assertThat(EctKeys.parseJwks(atLimit)).isEmpty();
    }

    @Test
    void refusesWhatIsNotAJwks() {
        assertThatThrownBy(() -> EctKeys.parseJwks(null)).isInstanceOf(IllegalArgumentException.class).hasMessage("JWKS is null");
        for (String bad : List.of("", "[]", "{\"keys\":7}", "<xml/>")) {
            assertThatThrownBy(() -> EctKeys.parseJwks(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not a JWKS document");
        }
    }
}

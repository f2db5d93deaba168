package dev.ect.core.keys;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.claims;
import static dev.ect.core.support.Fixtures.header;
import static dev.ect.core.support.Fixtures.key;
import static dev.ect.core.support.Fixtures.verifierBAllAlgs;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.support.Jws;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * K-02: a JWK is used only for the algorithm it fits. A key whose {@code kty}/{@code crv} does not
 * fit the token's {@code alg}, or whose {@code alg} member names another algorithm, is not used:
 * the token is rejected as {@code unknown_key} (no usable key), the same answer as for an absent kid.
 */
class JwkBindingTest {
    private static final EctKeyPair RSA = key(EctAlgorithm.PS256, "rsa-1");
    private static final EctKeyPair P256 = key(EctAlgorithm.ES256, "ec-1");

    private static String jwks(String... jwks) { return "{\"keys\":[" + String.join(",", jwks) + "]}"; }

    private static String relabel(EctKeyPair k, String alg) {
        String jwk = k.publicJwk();
        assertThat(jwk).contains("\"alg\":\"" + k.algorithm().jwaName() + "\"");
        return jwk.replace("\"alg\":\"" + k.algorithm().jwaName() + "\"", "\"alg\":\"" + alg + "\"");
    }

    private static String sign(EctKeyPair k) {
        Map<String, Object> h = header(k);
        return Jws.sign(h, claims(), k);
    }

    @Test
    @DisplayName("K-02 an RSA JWK labelled alg RS256 does not verify a PS256 token")
    void rsaKeyLabelledRs256IsNotUsedForPs256() {
        EctVerifier v = verifierBAllAlgs(StaticKeySource.builder().jwks(A, jwks(relabel(RSA, "RS256"))).build()).build();
        assertRejected(() -> v.verify(sign(RSA)), ReasonCode.UNKNOWN_KEY);
    }

    @Test
    @DisplayName("K-02 an EC JWK labelled ES384 does not verify an ES256 token signed by it")
    void ecKeyLabelledForAnotherAlgIsNotUsed() {
        EctVerifier v = verifierBAllAlgs(StaticKeySource.builder().jwks(A, jwks(relabel(P256, "ES384"))).build()).build();
        assertRejected(() -> v.verify(sign(P256)), ReasonCode.UNKNOWN_KEY);
    }

    @Test
    @DisplayName("K-02 a JWK without alg, or with the token's alg, verifies")
    void matchingOrAbsentAlgMemberVerifies() {
        String noAlg = RSA.publicJwk().replace(",\"alg\":\"PS256\"", "").replace("\"alg\":\"PS256\",", "");
        assertThat(noAlg).doesNotContain("\"alg\"");
        EctVerifier v = verifierBAllAlgs(StaticKeySource.builder().jwks(A, jwks(noAlg, P256.publicJwk())).build()).build();
        assertThat(v.verify(sign(RSA)).ect().kid()).isEqualTo("rsa-1");
        assertThat(v.verify(sign(P256)).ect().kid()).isEqualTo("ec-1");
    }

    @Test
    @DisplayName("K-02 a key whose kty/crv does not fit the token's alg is no usable key (unknown_key)")
    void keyTypeMismatchIsUnknownKey() {
        EctVerifier v = verifierBAllAlgs(StaticKeySource.builder().jwks(A, jwks(P256.publicJwk())).build()).build();
        Map<String, Object> h = header(P256);
        h.put("alg", "ES384");
        assertRejected(() -> v.verify(Jws.sign(h, claims(), P256)), ReasonCode.UNKNOWN_KEY);
        h.put("alg", "PS256");
        assertRejected(() -> v.verify(Jws.sign(h, claims(), P256)), ReasonCode.UNKNOWN_KEY);
    }

    @Test
    @DisplayName("K-02 a key source of one's own that knows no JWK alg still gets the kty/crv check")
    void customKeySourceGetsTheKeyTypeCheck() {
        KeySource mine = (iss, kid) -> java.util.Optional.of(P256.publicKey());
        assertThat(mine.resolve(A, "ec-1", EctAlgorithm.ES256)).contains(P256.publicKey());
        assertThat(mine.resolve(A, "ec-1", EctAlgorithm.ES384)).isEmpty();
        assertThat(mine.resolve(A, "ec-1", EctAlgorithm.PS256)).isEmpty();
        KeySource both = KeySource.firstOf(StaticKeySource.builder().jwks(A, jwks(relabel(RSA, "RS256"))).build(), mine);
        assertThat(both.resolve(A, "rsa-1")).contains(RSA.publicKey());
        assertThat(both.resolve(A, "rsa-1", EctAlgorithm.PS256)).as("relabelled RSA key refused, EC key of the next source does not fit").isEmpty();
        assertThat(both.resolve(A, "x", EctAlgorithm.ES256)).contains(P256.publicKey());
    }

    @Test
    @DisplayName("K-02 a key registered from an EctKeyPair is bound to the pair's algorithm")
    void keyPairRegistrationBindsTheAlgorithm() {
        EctKeyPair p384 = key(EctAlgorithm.ES384, "ec-384");
        StaticKeySource ks = StaticKeySource.builder().key(A, p384).key(A, "raw", p384.publicKey()).build();
        assertThat(ks.resolve(A, "ec-384", EctAlgorithm.ES384)).contains(p384.publicKey());
        assertThat(ks.resolve(A, "raw", EctAlgorithm.ES384)).contains(p384.publicKey());
        assertThat(ks.resolve(A, "raw", EctAlgorithm.ES256)).isEmpty();
        assertThat(ks.resolve(A, "nope", EctAlgorithm.ES384)).isEmpty();
        assertThat(ks.resolve(null, "raw", EctAlgorithm.ES384)).isEmpty();
    }
}

package dev.ect.core;

import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.support.Fixtures;
import dev.ect.core.support.Jws;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The example of profile section 2.2, in its -01 form and its -00 form (C-11, H-02). */
class ProfileExampleTest {
    private static final EctKeyPair KEY = Fixtures.key(EctAlgorithm.ES256, "agent-a-key-1");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> vector(String name) throws IOException {
        try (InputStream in = ProfileExampleTest.class.getResourceAsStream("/vectors/" + name)) {
            return Jws.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @SuppressWarnings("unchecked")
    private static String sign(Map<String, Object> v) {
        return Jws.sign((Map<String, Object>) v.get("header"), (Map<String, Object>) v.get("payload"), KEY);
    }

    private static EctVerifier.Builder verifierFor(Map<String, Object> v) {
        String iss = "spiffe://example.com/agent/a";
        return EctVerifier.builder().verifierId((String) v.get("verifierId"))
                .keySource(StaticKeySource.builder().key(iss, KEY).build())
                .clock(Fixtures.clockAt(Instant.ofEpochSecond((Long) v.get("verifyAt"))))
                .listener(VerificationListener.noop());
    }

    @Test
    void profileExampleVerifiesWhenSigned() throws IOException { // section 2.2, C-01..C-10
        Map<String, Object> v = vector("profile-example-01.json");
        Ect e = verifierFor(v).build().verify(sign(v)).ect();
        assertThat(e.iss()).isEqualTo("spiffe://example.com/agent/a");
        assertThat(e.aud()).containsExactly("spiffe://example.com/agent/b");
        assertThat(e.iat()).isEqualTo(Instant.ofEpochSecond(1772064000L));
        assertThat(e.exp()).isEqualTo(Instant.ofEpochSecond(1772064600L));
        assertThat(e.jti()).isEqualTo("550e8400-e29b-41d4-a716-446655440000");
        assertThat(e.wid()).isEqualTo("a0b1c2d3-e4f5-6789-abcd-ef0123456789");
        assertThat(e.execAct()).isEqualTo("review_spec");
        assertThat(e.pred()).isEmpty();
        assertThat(e.inpHash()).isEqualTo("n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg");
        assertThat(e.outHash()).isEqualTo("LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564");
        assertThat(e.ext()).containsExactly(Map.entry("pol", "policy_v1"), Map.entry("pol_decision", "approved"));
        assertThat(e.kid()).isEqualTo("agent-a-key-1");
    }

    @Test
    void profileExampleHashesAreOfTestAndFoo() throws IOException { // C-09: inp_hash = "test", out_hash = "foo"
        @SuppressWarnings("unchecked")
        Map<String, Object> payload = (Map<String, Object>) vector("profile-example-01.json").get("payload");
        assertThat(payload.get("inp_hash")).isEqualTo(EctHashes.sha256("test"));
        assertThat(payload.get("out_hash")).isEqualTo(EctHashes.sha256("foo"));
        assertThat(payload.get("inp_hash")).isNotEqualTo(EctHashes.sha256("foo"));
    }

    @Test
    void profileExampleIsRejectedBeforeIatMinusSkewAndAfterExp() throws IOException { // V-11 on the example
        Map<String, Object> v = vector("profile-example-01.json");
        String token = sign(v);
        EctVerifier tooEarly = EctVerifier.builder().verifierId((String) v.get("verifierId"))
                .keySource(StaticKeySource.builder().key("spiffe://example.com/agent/a", KEY).build())
                .clock(Fixtures.clockAt(Instant.ofEpochSecond(1772064000L - 31))).listener(VerificationListener.noop()).build();
        assertRejected(() -> tooEarly.verify(token), ReasonCode.IAT_IN_FUTURE);
        EctVerifier tooLate = EctVerifier.builder().verifierId((String) v.get("verifierId"))
                .keySource(StaticKeySource.builder().key("spiffe://example.com/agent/a", KEY).build())
                .clock(Fixtures.clockAt(Instant.ofEpochSecond(1772064600L + 30))).listener(VerificationListener.noop()).build();
        assertRejected(() -> tooLate.verify(token), ReasonCode.EXPIRED);
    }

    @Test
    void legacyFormIsRejectedByDefault() throws IOException { // C-11
        Map<String, Object> v = vector("profile-example-00.json");
        EctException e = assertRejected(() -> verifierFor(v).build().verify(sign(v)), ReasonCode.LEGACY_CLAIM);
        assertThat(e.error().ruleId()).isEqualTo("C-11");
    }

    @Test
    void legacyFormIsAcceptedWithTheLegacyOption() throws IOException { // C-11 mapping, H-02 typ
        Map<String, Object> v = vector("profile-example-00.json");
        Ect e = verifierFor(v).settings(EctSettings.builder().legacyClaims(true).build()).build().verify(sign(v)).ect();
        assertThat(e.typ()).isEqualTo("wimse-exec+jwt");
        assertThat(e.pred()).isEqualTo(List.of());
        assertThat(e.ext()).containsExactly(Map.entry("pol", "policy_v1"), Map.entry("pol_decision", "approved"));
        assertThat(e.jti()).isEqualTo("550e8400-e29b-41d4-a716-446655440000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wimse-exec+jwt", "WIMSE-EXEC+JWT", "Wimse-Exec+Jwt", "application/wimse-exec+jwt", "APPLICATION/WIMSE-EXEC+JWT"})
    @SuppressWarnings("unchecked")
    void legacyTypIsAcceptedInAnyAsciiCaseWithOrWithoutApplicationPrefix(String typ) throws IOException { // H-02
        Map<String, Object> v = vector("profile-example-01.json");
        ((Map<String, Object>) v.get("header")).put("typ", typ);
        assertThat(verifierFor(v).build().verify(sign(v)).ect().typ()).isEqualTo(typ);
    }
}

package dev.ect.core;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.NOW;
import static dev.ect.core.support.Fixtures.clock;
import static dev.ect.core.support.Fixtures.key;
import static dev.ect.core.support.Fixtures.keyA;
import static dev.ect.core.support.Fixtures.signerA;
import static dev.ect.core.support.Fixtures.verifierB;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.support.Fixtures;
import dev.ect.core.support.Jws;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Minting rules of profile section 10: M-01, M-02, M-03, M-07. */
class MintingRulesTest {
    private static Ect.Builder draft() { return Ect.builder().iss(A).aud(B).execAct("review_spec"); }

    // ---- M-01

    @Test
    void mintsAFreshRandomUuidJtiForEveryToken() { // M-01
        EctSigner signer = signerA();
        Ect d = draft().build();
        Set<String> jtis = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            String jti = signer.mint(d).ect().jti();
            assertThat(UUID.fromString(jti).version()).isEqualTo(4);
            assertThat(UUID.fromString(jti).toString()).isEqualTo(jti); // canonical lower-case 8-4-4-4-12
            jtis.add(jti);
        }
        assertThat(jtis).hasSize(500);
        assertThat(d.jti()).isNull(); // the draft is immutable and stays without jti
    }

    @Test
    void jtiInTheTokenIsTheJtiOfTheReturnedEct() { // M-01
        SignedEct s = signerA().mint(draft().build());
        assertThat(Jws.payload(s.compact())).containsEntry("jti", s.ect().jti());
    }

    // ---- M-02

    @Test
    @DisplayName("M-02 C-04 iat is now from the injected clock and exp is iat plus the default expiry")
    void takesIatFromTheInjectedClockAndAddsTheDefaultExpiry() { // M-02, C-04
        Clock millis = Clock.fixed(NOW.plusMillis(999), ZoneOffset.UTC);
        SignedEct s = EctSigner.builder(keyA()).clock(millis).build().mint(draft().build());
        assertThat(s.ect().iat()).isEqualTo(NOW); // NumericDate: whole seconds
        assertThat(s.ect().exp()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
        assertThat(Jws.payload(s.compact())).containsEntry("iat", NOW.getEpochSecond())
                .containsEntry("exp", NOW.getEpochSecond() + 600);
    }

    @Test
    void usesTheConfiguredDefaultExpiry() { // M-02 with ECT_DEFAULT_EXPIRY_MIN=3
        EctSettings s = EctSettings.fromEnvironment(Map.of("ECT_DEFAULT_EXPIRY_MIN", "3"));
        SignedEct t = EctSigner.builder(keyA()).clock(clock()).settings(s).build().mint(draft().build());
        assertThat(t.ect().exp()).isEqualTo(NOW.plus(Duration.ofMinutes(3)));
    }

    @Test
    @DisplayName("M-02 an iat and exp the caller gave are kept")
    void keepsAnExpAndIatTheCallerGave() { // M-02: "unless given"
        Instant iat = NOW.minusSeconds(5);
        SignedEct t = signerA().mint(draft().iat(iat).exp(NOW.plusSeconds(42)).build());
        assertThat(t.ect().iat()).isEqualTo(iat);
        assertThat(t.ect().exp()).isEqualTo(NOW.plusSeconds(42));
        assertThat(verifierB().build().verify(t.compact()).ect().exp()).isEqualTo(NOW.plusSeconds(42));
    }

    // ---- M-03

    @ParameterizedTest
    @EnumSource(EctAlgorithm.class)
    void headerCarriesExactlyAlgKidAndTypExecJwt(EctAlgorithm alg) { // M-03, H-01
        EctKeyPair k = key(alg, "m03-" + alg);
        String token = EctSigner.builder(k).clock(clock()).build()
                .sign(draft().typ("JWT").alg("none").kid("forged").build()); // draft header values are ignored
        String headerJson = new String(Jws.unb64(Jws.parts(token)[0]), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(headerJson).isEqualTo("{\"alg\":\"" + alg.jwaName() + "\",\"kid\":\"m03-" + alg + "\",\"typ\":\"exec+jwt\"}");
    }

    // ---- M-07: minting refuses what verification would refuse, with the same reason code

    private static Arguments bad(String name, UnaryOperator<Ect.Builder> change, ReasonCode expected) {
        return Arguments.of(name, change, expected);
    }

    private static Map<String, Object> extOfBytes(int bytes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", "a".repeat(bytes - 8));
        return m;
    }

    private static List<String> uuids(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(UUID.randomUUID().toString());
        }
        return out;
    }

    static Stream<Arguments> invalidDrafts() {
        String self = UUID.randomUUID().toString();
        String p = UUID.randomUUID().toString();
        Map<String, Object> deep = Map.of("a", Map.of("b", Map.of("c", Map.of("d", Map.of("e", Map.of("f", 1))))));
        return Stream.of(
                bad("C-01 no iss", b -> b.iss(null), ReasonCode.MISSING_CLAIM),
                bad("C-01 empty iss", b -> b.iss(""), ReasonCode.INVALID_CLAIM),
                bad("C-02 no aud", b -> b.aud(List.of()), ReasonCode.MISSING_CLAIM),
                bad("C-02 empty aud", b -> b.aud(""), ReasonCode.INVALID_CLAIM),
                bad("C-04 exp before iat", b -> b.iat(NOW).exp(NOW.minusSeconds(1)), ReasonCode.INVALID_CLAIM),
                bad("C-04 exp equal to iat", b -> b.iat(NOW).exp(NOW), ReasonCode.INVALID_CLAIM),
                bad("C-05 jti not a UUID", b -> b.jti("task-1"), ReasonCode.INVALID_CLAIM),
                bad("C-06 wid not a UUID", b -> b.wid("wf-1"), ReasonCode.INVALID_CLAIM),
                bad("C-07 no exec_act", b -> b.execAct(null), ReasonCode.MISSING_CLAIM),
                bad("C-07 exec_act of 257 characters", b -> b.execAct("x".repeat(257)), ReasonCode.INVALID_CLAIM),
                bad("C-08 pred entry not a UUID", b -> b.pred("task-0"), ReasonCode.INVALID_CLAIM),
                bad("C-08 pred contains the own jti", b -> b.jti(self).pred(self), ReasonCode.INVALID_CLAIM),
                bad("C-08 pred with a duplicate", b -> b.pred(p, p), ReasonCode.INVALID_CLAIM),
                bad("C-08 pred over maxPred", b -> b.pred(uuids(101)), ReasonCode.PRED_LIMIT_EXCEEDED),
                bad("C-09 prefixed inp_hash", b -> b.inpHash("sha-256:" + EctHashes.sha256("x")), ReasonCode.INVALID_CLAIM),
                bad("C-09 hex out_hash", b -> b.outHash("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"), ReasonCode.INVALID_CLAIM),
                bad("C-10 ect_ext of 4097 bytes", b -> b.ext(extOfBytes(4097)), ReasonCode.INVALID_EXT),
                bad("C-10 ect_ext of depth 6", b -> b.ext(deep), ReasonCode.INVALID_EXT));
    }

    @ParameterizedTest(name = "M-07 {0} -> {2}")
    @MethodSource("invalidDrafts")
    void refusesToSignAnInvalidDraftWithTheVerificationReason(String name, UnaryOperator<Ect.Builder> change, ReasonCode expected) {
        Ect d = change.apply(draft()).build();
        EctException e = assertRejected(() -> signerA().mint(d), expected);
        assertThat(e).isInstanceOf(EctRejectedException.class);
        // the same claims, signed by hand, are refused by the verifier with the same code
        Map<String, Object> claims = new LinkedHashMap<>(d.claims());
        claims.putIfAbsent("jti", UUID.randomUUID().toString());
        claims.putIfAbsent("iat", NOW.getEpochSecond());
        claims.putIfAbsent("exp", NOW.getEpochSecond() + 600);
        String token = Jws.sign(Fixtures.header(keyA()), claims, keyA());
        EctVerifier v = verifierB().settings(EctSettings.builder().allowUnresolvedPredecessors(true).build()).build();
        if (expected == ReasonCode.MISSING_CLAIM && d.iss() == null) {
            assertRejected(() -> v.verify(token), ReasonCode.UNKNOWN_KEY); // V-07 needs iss before V-09
        } else if (expected == ReasonCode.INVALID_CLAIM && "".equals(d.iss())) {
            assertRejected(() -> v.verify(token), ReasonCode.UNKNOWN_KEY);
        } else {
            assertRejected(() -> v.verify(token), expected);
        }
    }

    @Test
    void acceptsDraftsExactlyAtTheLimits() { // M-07 with C-07, C-08, C-10 boundaries
        SignedEct s = signerA().mint(draft().execAct("x".repeat(256)).pred(uuids(100)).ext(extOfBytes(4096)).build());
        // Note: the claim limits together exceed the default size gate (T-03): 100 preds, 4 KiB of
        // ect_ext and 256 characters of exec_act base64url-encode to more than 8192 bytes. Minting
        // warns (T-03); a receiver must raise maxTokenBytes to accept such a token.
        assertThat(s.compact().length()).isGreaterThan(8192);
        assertRejected(() -> verifierB().settings(EctSettings.builder().allowUnresolvedPredecessors(true).build()).build().verify(s.compact()), ReasonCode.TOKEN_TOO_LARGE);
        EctVerifier large = verifierB().settings(EctSettings.builder().allowUnresolvedPredecessors(true).maxTokenBytes(16384).build()).build();
        assertThat(large.verify(s.compact()).ect()).isEqualTo(s.ect());
    }

    @Test
    void honoursTheSignersMaxPredSetting() { // M-07 uses the signer's settings
        EctSigner signer = EctSigner.builder(keyA()).clock(clock()).settings(EctSettings.builder().maxPred(1).build()).build();
        assertRejected(() -> signer.mint(draft().pred(uuids(2)).build()), ReasonCode.PRED_LIMIT_EXCEEDED);
        assertThat(signer.mint(draft().pred(uuids(1)).build()).ect().pred()).hasSize(1);
    }

    // ---- signer construction

    @Test
    void refusesAKeyThatDoesNotFitItsAlgorithm() {
        EctKeyPair p256 = keyA();
        EctKeyPair mislabeled = new EctKeyPair(EctAlgorithm.ES384, "k", p256.privateKey(), p256.publicKey());
        assertThatThrownBy(() -> EctSigner.builder(mislabeled).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit ES384");
        EctKeyPair ed = key(EctAlgorithm.EDDSA, "ed");
        assertThatThrownBy(() -> EctSigner.builder(new EctKeyPair(EctAlgorithm.PS256, "k", ed.privateKey(), ed.publicKey())).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builderRefusesNulls() {
        assertThatThrownBy(() -> EctSigner.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("key cannot be null");
        assertThatThrownBy(() -> EctSigner.builder(keyA()).clock(null)).isInstanceOf(NullPointerException.class).hasMessage("clock cannot be null");
        assertThatThrownBy(() -> EctSigner.builder(keyA()).settings(null)).isInstanceOf(NullPointerException.class).hasMessage("settings cannot be null");
        assertThatThrownBy(() -> EctSigner.builder(keyA()).provider(null)).isInstanceOf(NullPointerException.class).hasMessage("provider cannot be null");
    }

    @Test
    void keyPairValidatesItsParts() {
        EctKeyPair k = keyA();
        assertThatThrownBy(() -> new EctKeyPair(EctAlgorithm.ES256, "", k.privateKey(), k.publicKey()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("H-04");
        assertThatThrownBy(() -> new EctKeyPair(null, "k", k.privateKey(), k.publicKey())).isInstanceOf(NullPointerException.class);
        assertThat(k.toString()).isEqualTo("EctKeyPair{alg=ES256, kid=a-1}");
    }
}

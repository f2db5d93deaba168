package dev.ect.core;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The public value types: Ect, EctAlgorithm, EctLevel, ReasonCode (section 7), EctError and the exceptions. */
class ValueTypesTest {

    @Test
    void reasonCodesAreExactlyThoseOfProfileSection7() { // section 7
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (String c : List.of("token_too_large", "malformed_token", "level_below_minimum", "invalid_typ", "unsupported_alg",
                "missing_kid", "unsupported_header", "unknown_key", "invalid_signature", "missing_claim", "invalid_claim",
                "invalid_ext", "pred_limit_exceeded", "legacy_claim", "expired", "iat_in_future", "iat_too_old",
                "audience_mismatch", "dag_duplicate_jti", "dag_unknown_predecessor", "dag_workflow_mismatch",
                "dag_temporal_violation", "dag_cycle", "dag_too_deep", "dag_policy_violation", "dag_ambiguous_predecessor", "replay", "missing_ect",
                "multiple_ects")) {
            expected.put(c, 403);
        }
        for (String c : List.of("key_source_unavailable", "replay_store_unavailable", "replay_store_full", "ledger_unavailable")) {
            expected.put(c, 503);
        }
        Map<String, Integer> actual = Arrays.stream(ReasonCode.values())
                .collect(Collectors.toMap(ReasonCode::code, ReasonCode::httpStatus, (a, b) -> a, LinkedHashMap::new));
        assertThat(actual).isEqualTo(expected);
        for (ReasonCode r : ReasonCode.values()) {
            assertThat(ReasonCode.fromCode(r.code())).isSameAs(r);
            assertThat(r.toString()).isEqualTo(r.code());
            assertThat(r.isInfrastructure()).isEqualTo(r.httpStatus() == 503);
            assertThat(r.ruleId()).matches("[A-Z]-\\d\\d");
            assertThat(r.description()).isNotBlank();
        }
        assertThatThrownBy(() -> ReasonCode.fromCode("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorsDefaultTheirDetailAndRuleAndExceptionsCheckTheirKind() {
        EctError e = EctError.of(ReasonCode.EXPIRED, null);
        assertThat(e.detail()).isEqualTo(ReasonCode.EXPIRED.description());
        assertThat(e.ruleId()).isEqualTo("V-11");
        assertThat(e.code()).isEqualTo("expired");
        assertThat(new EctRejectedException(ReasonCode.REPLAY, "again").getMessage()).isEqualTo("replay: again");
        assertThatThrownBy(() -> new EctRejectedException(ReasonCode.REPLAY_STORE_FULL, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EctUnavailableException(ReasonCode.EXPIRED, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        EctUnavailableException u = new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "disk");
        assertThat(u.httpStatus()).isEqualTo(503);
        assertThat(u.error().reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
        assertThatThrownBy(() -> new EctError(null, "d", "r")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void algorithmsParseLenientlyFromConfigurationAndStrictlyFromTokens() { // H-03
        assertThat(EctAlgorithm.parse(" es384 ")).isEqualTo(EctAlgorithm.ES384);
        assertThat(EctAlgorithm.parse("ed25519")).isEqualTo(EctAlgorithm.EDDSA);
        assertThat(EctAlgorithm.parse("EDDSA")).isEqualTo(EctAlgorithm.EDDSA);
        assertThat(EctAlgorithm.fromJwaName("EdDSA")).isEqualTo(EctAlgorithm.EDDSA);
        assertThat(EctAlgorithm.fromJwaName("eddsa")).isNull();
        assertThat(EctAlgorithm.fromJwaName(null)).isNull();
        assertThat(EctAlgorithm.ES512.signatureLength()).isEqualTo(132);
        assertThat(EctAlgorithm.PS256.signatureLength()).isEqualTo(-1);
        assertThat(EctAlgorithm.ES256.isEcdsa()).isTrue();
        assertThat(EctAlgorithm.EDDSA.isEcdsa()).isFalse();
        assertThat(EctAlgorithm.PS256.isEcdsa()).isFalse();
        assertThat(EctAlgorithm.EDDSA.toString()).isEqualTo("EdDSA");
    }

    @Test
    void levelsAreOrderedAndParsed() {
        assertThat(EctLevel.L3.atLeast(EctLevel.L2)).isTrue();
        assertThat(EctLevel.L1.atLeast(EctLevel.L2)).isFalse();
        assertThat(EctLevel.parse(" l3 ")).isEqualTo(EctLevel.L3);
        assertThatThrownBy(() -> EctLevel.parse("L0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("L1, L2 or L3");
    }

    @Test
    void ectIsImmutableAndItsBuilderCopiesDefensively() {
        List<String> aud = new ArrayList<>(List.of(B));
        List<String> pred = new ArrayList<>(List.of("p"));
        Map<String, Object> ext = new LinkedHashMap<>(Map.of("list", new ArrayList<>(List.of(1))));
        Ect e = Ect.builder().iss(A).aud(aud).pred(pred).ext(ext).execAct("a").iat(NOW.plusMillis(900)).build();
        aud.add("x");
        pred.add("q");
        ext.put("later", 1);
        assertThat(e.aud()).containsExactly(B);
        assertThat(e.pred()).containsExactly("p");
        assertThat(e.ext()).doesNotContainKey("later");
        assertThat(e.iat()).isEqualTo(NOW); // NumericDate precision
        assertThatThrownBy(() -> e.aud().add("y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> e.claims().put("y", 1)).isInstanceOf(UnsupportedOperationException.class);
        Ect copy = e.toBuilder().build();
        assertThat(copy).isEqualTo(e).hasSameHashCodeAs(e);
        assertThat(copy.toBuilder().execAct("b").build()).isNotEqualTo(e);
        assertThat(e).isNotEqualTo(null).isNotEqualTo("ect");
        assertThat(e.sameClaims(null)).isFalse();
        assertThat(e.claims()).containsEntry("aud", B); // C-02: one audience serializes as a string
        assertThat(e.toBuilder().aud(List.of(B, A)).build().claims()).containsEntry("aud", List.of(B, A));
        assertThat(e.toBuilder().ext(null).build().ext()).isNull();
    }

    @Test
    void ectExtAcceptsOnlyJsonLikeValues() { // C-10
        assertThatThrownBy(() -> Ect.builder().ext(Map.of("when", NOW)).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON-like");
        Map<String, Object> nullValue = new LinkedHashMap<>();
        nullValue.put("k", null);
        assertThat(Ect.builder().ext(nullValue).build().ext()).containsKey("k");
        assertThatThrownBy(() -> Ect.builder().aud((String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Ect.builder().pred(Arrays.asList("a", null))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Ect.builder().aud(Arrays.asList("a", null))).isInstanceOf(NullPointerException.class);
    }
}

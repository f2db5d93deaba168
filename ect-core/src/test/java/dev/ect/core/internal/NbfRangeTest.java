package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSettings;
import dev.ect.core.ReasonCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * C-12: {@code nbf} is range-checked like {@code iat} and {@code exp}. Before, an {@code nbf} of
 * Long.MAX_VALUE passed the claim rules and then made the verifier's Instant arithmetic throw a
 * DateTimeException (an undocumented exception; the filter answered 503). Found by the
 * hostile-input suite in ect-hardening-tests.
 */
class NbfRangeTest {
    private static Map<String, Object> claims(Object nbf) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", "spiffe://example.com/agent/a");
        c.put("aud", "spiffe://example.com/agent/b");
        c.put("iat", 1772366400L);
        c.put("exp", 1772367000L);
        c.put("jti", "550e8400-e29b-41d4-a716-446655440000");
        c.put("exec_act", "review_spec");
        c.put("pred", new ArrayList<>());
        c.put("nbf", nbf);
        return c;
    }

    @ParameterizedTest
    @ValueSource(longs = {Long.MAX_VALUE, Long.MIN_VALUE, -1L, 253402300800L})
    void outOfRangeNbfIsAnInvalidClaim(long nbf) { // C-12
        assertThatThrownBy(() -> ClaimRules.toEct(claims(nbf), "exec+jwt", "ES256", "k", EctSettings.defaults()))
                .isInstanceOfSatisfying(EctRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_CLAIM);
                    assertThat(e.error().ruleId()).isEqualTo("C-12");
                });
    }

    @ParameterizedTest
    @ValueSource(longs = {0L, 1772366400L, 253402300799L})
    void inRangeNbfPassesTheClaimRules(long nbf) { // C-12
        assertThat(ClaimRules.toEct(claims(nbf), "exec+jwt", "ES256", "k", EctSettings.defaults()).jti())
                .isEqualTo("550e8400-e29b-41d4-a716-446655440000");
        assertThat(ClaimRules.nbf(claims(nbf))).isEqualTo(nbf);
    }
}

package dev.ect.core;

import static dev.ect.core.support.Fixtures.NOW;
import static dev.ect.core.support.Fixtures.claims;
import static dev.ect.core.support.Fixtures.header;
import static dev.ect.core.support.Fixtures.keyA;
import static dev.ect.core.support.Fixtures.keysOfA;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.support.Fixtures;
import dev.ect.core.support.Jws;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Profile V-11 (time) and C-12 (nbf), each exactly at its boundary, with the defaults of section 9
 * (skew = maxFuture = 30 s, maxAge = 15 min) and with configured values. The verifier's clock is
 * fixed at {@link Fixtures#NOW}.
 */
class TimeRulesTest {
    private static final EctVerifier VERIFIER = Fixtures.verifierB().build();

    private static String token(long iat, long exp) {
        Map<String, Object> c = claims();
        c.put("iat", iat);
        c.put("exp", exp);
        return Jws.sign(header(keyA()), c, keyA());
    }

    private static long now() { return NOW.getEpochSecond(); }

    // ---- exp: expired when exp <= now - skew

    @Test
    @DisplayName("V-11 a token whose exp is exactly now minus skew is expired")
    void rejectsExpiredTokenExactlyAtNowMinusSkew() { // V-11
        assertRejected(() -> VERIFIER.verify(token(now() - 120, now() - 30)), ReasonCode.EXPIRED);
    }

    @Test
    @DisplayName("V-11 a token expiring one second after now minus skew is accepted")
    void acceptsTokenExpiringOneSecondAfterNowMinusSkew() { // V-11: within the skew
        assertThat(VERIFIER.verify(token(now() - 120, now() - 29)).ect().exp()).isEqualTo(NOW.minusSeconds(29));
    }

    @Test
    void rejectsExpiredTokenBeyondSkew() { // V-11
        assertRejected(() -> VERIFIER.verify(token(now() - 600, now() - 300)), ReasonCode.EXPIRED);
    }

    @Test
    void expiredIsReportedAsTheRefimplErrExpired() { // section 7: ErrExpired -> expired
        EctException e = assertRejected(() -> VERIFIER.verify(token(now() - 120, now() - 60)), ReasonCode.EXPIRED);
        assertThat(e.reason().code()).isEqualTo("expired");
        assertThat(e.error().ruleId()).isEqualTo("V-11");
    }

    // ---- iat in the future: rejected when iat > now + maxFuture

    @Test
    void acceptsIatExactlyMaxFutureAhead() { // V-11
        assertThat(VERIFIER.verify(token(now() + 30, now() + 630)).ect().iat()).isEqualTo(NOW.plusSeconds(30));
    }

    @Test
    @DisplayName("V-11 an iat one second beyond maxFuture is iat_in_future")
    void rejectsIatOneSecondBeyondMaxFuture() { // V-11
        assertRejected(() -> VERIFIER.verify(token(now() + 31, now() + 631)), ReasonCode.IAT_IN_FUTURE);
    }

    // ---- iat too old: rejected when iat < now - maxAge

    @Test
    @DisplayName("V-11 an iat exactly maxAge old is accepted")
    void acceptsIatExactlyMaxAgeOld() { // V-11: 15 minutes
        assertThat(VERIFIER.verify(token(now() - 900, now() + 60)).ect().iat()).isEqualTo(NOW.minusSeconds(900));
    }

    @Test
    @DisplayName("V-11 an iat one second older than maxAge is iat_too_old")
    void rejectsIatOneSecondOlderThanMaxAge() { // V-11
        assertRejected(() -> VERIFIER.verify(token(now() - 901, now() + 60)), ReasonCode.IAT_TOO_OLD);
    }

    @Test
    void checksExpiryBeforeIatAge() { // V-11 order: expired is reported first
        assertRejected(() -> VERIFIER.verify(token(now() - 3600, now() - 1800)), ReasonCode.EXPIRED);
    }

    // ---- configured windows (section 9 settings drive the same checks)

    @Test
    void honoursAConfiguredSkewAndMaxAge() { // V-11 with ECT_IAT_MAX_FUTURE_SEC=5, ECT_IAT_MAX_AGE_MINUTES=1
        EctSettings s = EctSettings.fromEnvironment(Map.of("ECT_IAT_MAX_FUTURE_SEC", "5", "ECT_IAT_MAX_AGE_MINUTES", "1"));
        EctVerifier v = EctVerifier.builder().verifierId(Fixtures.B).keySource(keysOfA()).clock(Fixtures.clock())
                .listener(VerificationListener.noop()).settings(s).build();
        assertThat(v.verify(token(now() + 5, now() + 60)).ect()).isNotNull();
        assertRejected(() -> v.verify(token(now() + 6, now() + 60)), ReasonCode.IAT_IN_FUTURE);
        assertRejected(() -> v.verify(token(now() - 60, now() - 5)), ReasonCode.EXPIRED);
        assertThat(v.verify(token(now() - 60, now() - 4)).ect()).isNotNull();
        assertRejected(() -> v.verify(token(now() - 61, now() + 60)), ReasonCode.IAT_TOO_OLD);
    }

    @Test
    void zeroSkewRejectsATokenExpiringNow() { // V-11 with skew 0: exp <= now
        EctVerifier v = Fixtures.verifierB().settings(EctSettings.builder().clockSkew(Duration.ZERO).build()).build();
        assertRejected(() -> v.verify(token(now() - 60, now())), ReasonCode.EXPIRED);
        assertThat(v.verify(token(now() - 60, now() + 1)).ect()).isNotNull();
    }

    @Test
    void usesTheInjectedClockNotTheSystemClock() { // V-11: a token from 2026 verified by a clock in 2030
        EctVerifier later = EctVerifier.builder().verifierId(Fixtures.B).keySource(keysOfA())
                .clock(Fixtures.clockAt(Instant.parse("2030-01-01T00:00:00Z"))).listener(VerificationListener.noop()).build();
        assertRejected(() -> later.verify(token(now(), now() + 600)), ReasonCode.EXPIRED);
    }

    // ---- C-12: nbf is checked like any JWT nbf (with the skew)

    private static String tokenWithNbf(long nbf) {
        Map<String, Object> c = claims();
        c.put("nbf", nbf);
        return Jws.sign(header(keyA()), c, keyA());
    }

    @Test
    @DisplayName("C-12 an nbf exactly the skew ahead is accepted")
    void acceptsNbfExactlySkewAhead() { // C-12
        assertThat(VERIFIER.verify(tokenWithNbf(now() + 30)).ect()).isNotNull();
    }

    @Test
    @DisplayName("C-12 an nbf beyond the skew is invalid_claim")
    void rejectsNbfBeyondSkew() { // C-12 -> invalid_claim
        EctException e = assertRejected(() -> VERIFIER.verify(tokenWithNbf(now() + 31)), ReasonCode.INVALID_CLAIM);
        assertThat(e.error().ruleId()).isEqualTo("C-12");
    }
}

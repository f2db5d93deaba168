package dev.ect.core;

import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.claims;
import static dev.ect.core.support.Fixtures.clock;
import static dev.ect.core.support.Fixtures.header;
import static dev.ect.core.support.Fixtures.keyA;
import static dev.ect.core.support.Fixtures.keysOfA;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import dev.ect.core.support.Jws;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * T-09 in the core: {@link EctVerifier#verifyAgain} runs every check with the second verifier's own
 * policy and writes each side-effect store once; and item 12: a rejection carries the token's
 * unverified {@code jti}/{@code iss}.
 */
class VerifyAgainTest {
    private static final String OTHER = "spiffe://example.com/agent/other";

    private static String token(Map<String, Object> c) { return Jws.sign(header(keyA()), c, keyA()); }

    private static EctVerifier.Builder verifier(String id) {
        return EctVerifier.builder().verifierId(id).keySource(keysOfA()).clock(clock()).listener(VerificationListener.noop());
    }

    /** A replay store that counts its records. */
    private static final class Counting implements ReplayStore {
        final CaffeineReplayStore inner = new CaffeineReplayStore(100, clock());
        final AtomicInteger records = new AtomicInteger();

        @Override
        public boolean checkAndRecord(String iss, String wid, String jti, Instant keepUntil) {
            records.incrementAndGet();
            return inner.checkAndRecord(iss, wid, jti, keepUntil);
        }
    }

    @Test
    void t09SharedReplayStoreAndLedgerAreWrittenOnceAndTheSecondCheckIsNoReplay() {
        Counting replay = new Counting();
        InMemoryLedger ledger = new InMemoryLedger();
        EctVerifier first = verifier(B).replayStore(replay).ledger(ledger).build();
        EctVerifier second = verifier(B).replayStore(replay).ledger(ledger).build();
        String t = token(claims());

        VerifiedEct v1 = first.verify(t);
        // without verifyAgain the shared store refuses the second filter's check: the bug T-09 avoids
        assertRejected(() -> verifier(B).replayStore(replay).build().verify(t), ReasonCode.REPLAY);
        VerifiedEct v2 = second.verifyAgain(t, v1);

        assertThat(v2.level()).isEqualTo(EctLevel.L3);
        assertThat(v2.recordedIn(replay)).isTrue();
        assertThat(v2.recordedIn(ledger)).isTrue();
        assertThat(ledger.entries()).hasSize(1);
        assertThat(replay.records.get()).isEqualTo(2); // the first verifier's and the plain verify() above
        // a true replay is still one, for both
        assertRejected(() -> first.verify(t), ReasonCode.REPLAY);
        assertRejected(() -> second.verify(t), ReasonCode.REPLAY);
    }

    @Test
    void t09SeparateStoresEachRecordTheTokenOnce() {
        Counting r1 = new Counting();
        Counting r2 = new Counting();
        InMemoryLedger l1 = new InMemoryLedger();
        InMemoryLedger l2 = new InMemoryLedger();
        EctVerifier first = verifier(B).replayStore(r1).ledger(l1).build();
        EctVerifier second = verifier(B).replayStore(r2).ledger(l2).build();
        String t = token(claims());

        VerifiedEct v2 = second.verifyAgain(t, first.verify(t));

        assertThat(r1.records.get()).isEqualTo(1);
        assertThat(r2.records.get()).isEqualTo(1);
        assertThat(l1.entries()).hasSize(1);
        assertThat(l2.entries()).hasSize(1);
        assertThat(v2.recordedIn(r1) && v2.recordedIn(r2) && v2.recordedIn(l1) && v2.recordedIn(l2)).isTrue();
        assertRejected(() -> second.verify(t), ReasonCode.REPLAY);
    }

    @Test
    void t09TheSecondVerifierEnforcesItsOwnIdAndTrust() {
        Map<String, Object> c = claims();
        String t = token(c); // addressed to B
        VerifiedEct v1 = verifier(B).build().verify(t);
        assertRejected(() -> verifier(OTHER).build().verifyAgain(t, v1), ReasonCode.AUDIENCE_MISMATCH);
        EctVerifier untrusting = EctVerifier.builder().verifierId(B).keySource((iss, kid) -> java.util.Optional.empty())
                .clock(clock()).listener(VerificationListener.noop()).build();
        assertRejected(() -> untrusting.verifyAgain(t, v1), ReasonCode.UNKNOWN_KEY);
    }

    @Test
    void t09VerifyAgainRefusesTheResultOfAnotherToken() {
        EctVerifier v = verifier(B).build();
        VerifiedEct one = v.verify(token(claims()));
        String other = token(claims());
        assertThatThrownBy(() -> v.verifyAgain(other, one)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("T-09 verifyAgain with a scope: its validator runs after the DAG rules, before the second verifier's own record; a shared ledger is still no replay")
    void t09VerifyAgainWithAScopeRunsItsValidatorBeforeTheSideEffects() {
        Counting shared = new Counting();
        Counting own = new Counting();
        InMemoryLedger ledger = new InMemoryLedger();
        EctVerifier first = verifier(B).replayStore(shared).ledger(ledger).build();
        EctVerifier second = verifier(B).replayStore(own).ledger(ledger).build();
        String t = token(claims());
        VerifiedEct v1 = first.verify(t);
        AtomicInteger seen = new AtomicInteger();
        VerificationScope refusing = VerificationScope.of((ect, dag) -> {
            seen.incrementAndGet();
            return ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "C-07", "exec_act does not name this operation");
        });
        EctException e = assertRejected(() -> second.verifyAgain(t, v1, refusing), ReasonCode.INVALID_CLAIM);
        assertThat(e.error().ruleId()).isEqualTo("C-07");
        assertThat(e.unverifiedJti()).contains(v1.ect().jti());
        assertThat(seen).hasValue(1);
        assertThat(own.records).hasValue(0); // refused before this verifier's replay record
        assertThat(ledger.entries()).hasSize(1); // the first verifier's entry only
        // passing: the shared ledger's entry of this very request is no G-01 duplicate, the own store records once
        VerificationScope passing = VerificationScope.of((ect, dag) -> {
            seen.incrementAndGet();
            return ValidationResult.valid();
        });
        VerifiedEct v2 = second.verifyAgain(t, v1, passing);
        assertThat(v2.level()).isEqualTo(EctLevel.L3);
        assertThat(seen).hasValue(2);
        assertThat(own.records).hasValue(1);
        assertThat(shared.records).hasValue(1);
        assertThat(ledger.entries()).hasSize(1);
        assertThatThrownBy(() -> second.verifyAgain(token(claims()), v1, passing)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> second.verifyAgain(t, v1, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("T-09 a verifier of one's own gets verifyAgain(token, accepted, scope) by default: check, the scope's validator, then verifyAgain")
    void t09ACustomVerifierGetsTheDefaultScopedVerifyAgain() {
        EctVerifier inner = verifier(B).build();
        java.util.List<String> calls = new java.util.ArrayList<>();
        EctVerifier custom = new EctVerifier() {
            @Override
            public VerifiedEct verify(String token) { return inner.verify(token); }

            @Override
            public VerifiedEct verifyAgain(String token, VerifiedEct accepted) {
                calls.add("verifyAgain");
                return inner.verifyAgain(token, accepted);
            }

            @Override
            public VerifiedEct check(String token) {
                calls.add("check");
                return inner.check(token);
            }

            @Override
            public String verifierId() { return B; }

            @Override
            public EctSettings settings() { return inner.settings(); }
        };
        String t = token(claims());
        VerifiedEct v1 = verifier(B).build().verify(t);
        VerificationScope refusing = VerificationScope.of((ect, dag) ->
                ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "C-09", "inp_hash does not match"));
        assertRejected(() -> custom.verifyAgain(t, v1, refusing), ReasonCode.INVALID_CLAIM);
        assertThat(calls).containsExactly("check");
        assertThat(custom.verifyAgain(t, v1, VerificationScope.of(EctValidator.none())).ect().jti()).isEqualTo(v1.ect().jti());
        assertThat(calls).containsExactly("check", "check", "verifyAgain");
        assertThatThrownBy(() -> custom.verifyAgain(token(claims()), v1, refusing)).isInstanceOf(IllegalArgumentException.class);
        VerificationScope nullResult = VerificationScope.of((ect, dag) -> null);
        assertThatThrownBy(() -> custom.verifyAgain(t, v1, nullResult)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRejectionCarriesTheUnverifiedJtiAndIss() { // item 12 (T-11: the caller escapes them)
        Map<String, Object> c = claims();
        c.put("aud", OTHER);
        EctException e = org.junit.jupiter.api.Assertions.assertThrows(EctException.class,
                () -> verifier(B).build().verify(token(c)));
        assertThat(e.reason()).isEqualTo(ReasonCode.AUDIENCE_MISMATCH);
        assertThat(e.unverifiedJti()).contains((String) c.get("jti"));
        assertThat(e.unverifiedIss()).contains((String) c.get("iss"));
        EctException malformed = org.junit.jupiter.api.Assertions.assertThrows(EctException.class,
                () -> verifier(B).build().verify("not-a-token"));
        assertThat(malformed.unverifiedJti()).isEmpty();
        assertThat(malformed.unverifiedIss()).isEmpty();
        // the first verifier that read them wins
        assertThat(e.initUnverifiedIds("x", "y").unverifiedJti()).contains((String) c.get("jti"));
    }
}

package dev.ect.core;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.clock;
import static dev.ect.core.support.Fixtures.signerA;
import static dev.ect.core.support.Fixtures.verifierB;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.client.EctClientConfig;
import dev.ect.core.dag.AncestorWalk;
import dev.ect.core.dag.DagView;
import dev.ect.core.dag.EctStore;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The validator seam: {@link EctValidator}s run after the DAG rules (G-01..G-07) and before the side
 * effects (V-14 replay record, V-15 ledger append), compose in order, carry their reason code and
 * rule id, and ask the DAG through {@link DagView} (F-03/F-04/T-08 descent as a walkAncestors query).
 */
class ValidatorHookTest {
    private static final String WID = UUID.randomUUID().toString();

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

    private static SignedEct mint(String... pred) {
        return signerA().mint(Ect.builder().iss(A).aud(B).execAct("review_spec").wid(WID).pred(List.of(pred)).build());
    }

    private static EctValidator refusing(String rule) {
        return (ect, dag) -> ValidationResult.invalid(ReasonCode.DAG_POLICY_VIOLATION, rule, "exec_act " + ect.execAct() + " is not served here");
    }

    @Test
    @DisplayName("G-06 a rejecting validator leaves no replay record (V-14) and no ledger entry (V-15), and its reason code and rule id are carried")
    void aRejectingValidatorLeavesNoReplayRecordAndNoLedgerEntry() {
        Counting replay = new Counting();
        InMemoryLedger ledger = new InMemoryLedger();
        SignedEct t = mint();
        EctVerifier v = verifierB().replayStore(replay).ledger(ledger).validator(refusing("X-01")).build();

        EctException e = assertRejected(() -> v.verify(t.compact()), ReasonCode.DAG_POLICY_VIOLATION);
        assertThat(e).isInstanceOf(EctRejectedException.class);
        assertThat(e.error().ruleId()).isEqualTo("X-01");
        assertThat(e.error().detail()).isEqualTo("exec_act review_spec is not served here");
        assertThat(e.unverifiedJti()).contains(t.ect().jti()); // item 12: a validator's refusal carries the ids too
        assertThat(e.unverifiedIss()).contains(A);
        assertThat(replay.records).hasValue(0);
        assertThat(ledger.entries()).isEmpty();
        // nothing was consumed: the same token is accepted by a verifier without the validator, on the same stores
        assertThat(verifierB().replayStore(replay).ledger(ledger).build().verify(t.compact()).level()).isEqualTo(EctLevel.L3);
    }

    @Test
    @DisplayName("V-13 validators run after the DAG rules: a token the DAG check refuses never reaches them")
    void validatorsRunAfterTheDagRules() {
        AtomicInteger calls = new AtomicInteger();
        EctVerifier v = verifierB().validator((ect, dag) -> {
            calls.incrementAndGet();
            return ValidationResult.valid();
        }).build();
        assertRejected(() -> v.verify(mint(UUID.randomUUID().toString()).compact()), ReasonCode.DAG_UNKNOWN_PREDECESSOR);
        assertThat(calls).hasValue(0);
        v.verify(mint().compact());
        assertThat(calls).hasValue(1);
    }

    @Test
    void validatorsRunInTheOrderAddedAndTheFirstRefusalDecides() {
        List<String> ran = new CopyOnWriteArrayList<>();
        EctValidator one = (ect, dag) -> {
            ran.add("one");
            return ValidationResult.valid();
        };
        EctValidator two = (ect, dag) -> {
            ran.add("two");
            return ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "X-02", "two refuses");
        };
        EctValidator three = (ect, dag) -> {
            ran.add("three");
            return ValidationResult.invalid(ReasonCode.DAG_POLICY_VIOLATION, "X-03", "three refuses");
        };
        EctVerifier v = verifierB().validator(one).validator(two).validator(three).build();
        EctException e = assertRejected(() -> v.verify(mint().compact()), ReasonCode.INVALID_CLAIM);
        assertThat(e.error().ruleId()).isEqualTo("X-02");
        assertThat(ran).containsExactly("one", "two");

        ran.clear();
        Ect any = mint().ect();
        assertThat(one.and(three).and(two).validate(any, DagView.direct(any)).error().orElseThrow().ruleId()).isEqualTo("X-03");
        assertThat(ran).containsExactly("one", "three");
        assertThat(EctValidator.allOf(one, one).validate(any, DagView.direct(any)).isValid()).isTrue();
        assertThat(EctValidator.allOf(List.of()).validate(any, DagView.direct(any)).isValid()).isTrue();
        assertThat(EctValidator.none().validate(any, DagView.direct(any))).hasToString("ValidationResult{valid}");
    }

    @Test
    void checkRunsTheValidatorsTooAndTheyArePureOfSideEffects() {
        Counting replay = new Counting();
        EctVerifier v = verifierB().replayStore(replay).validator(refusing("X-04")).build();
        assertRejected(() -> v.check(mint().compact()), ReasonCode.DAG_POLICY_VIOLATION);
        assertThat(replay.records).hasValue(0);
    }

    @Test
    void aValidatorCannotRefuseWithAnInfrastructureReasonOrReturnNull() {
        assertThatThrownBy(() -> ValidationResult.invalid(ReasonCode.LEDGER_UNAVAILABLE, "X", "no"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EctUnavailableException");
        EctVerifier v = verifierB().validator((ect, dag) -> null).build();
        assertThatThrownBy(() -> v.verify(mint().compact())).isInstanceOf(IllegalStateException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> verifierB().validator(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("F-04 the DAG view answers descent through pred links (a walkAncestors query), not through which lookups happened")
    void f04TheDagViewAnswersDescentFromTheDagCheck() {
        InMemoryLedger ledger = new InMemoryLedger();
        EctVerifier appender = verifierB().ledger(ledger).build();
        SignedEct root = mint();
        appender.verify(root.compact());
        SignedEct mid = mint(root.ect().jti());
        appender.verify(mid.compact());
        SignedEct child = mint(mid.ect().jti());

        AtomicReference<DagView> seen = new AtomicReference<>();
        AtomicInteger walks = new AtomicInteger();
        EctStore counting = new EctStore() {
            @Override
            public List<SignedEct> findByJti(String jti) { return ledger.findByJti(jti); }

            @Override
            public AncestorWalk walkAncestors(List<SignedEct> parents, String jti, int limit, Duration timeout) {
                walks.incrementAndGet();
                return ledger.walkAncestors(parents, jti, limit, timeout);
            }
        };
        EctVerifier v = verifierB().ectStore(counting).validator((ect, dag) -> {
            seen.set(dag);
            return ValidationResult.valid();
        }).build();
        v.verify(child.compact());
        DagView dag = seen.get();
        assertThat(dag.ect().jti()).isEqualTo(child.ect().jti());
        assertThat(dag.predecessors()).extracting(Ect::jti).containsExactly(mid.ect().jti());
        assertThat(dag.unresolvedPredecessors()).isEmpty();
        int afterCheck = walks.get(); // G-05's own walk
        assertThat(dag.descendsFrom(mid.ect().jti())).isTrue(); // named in pred: no walk needed
        assertThat(walks.get()).isEqualTo(afterCheck);
        assertThat(dag.descendsFrom(root.ect().jti().toUpperCase(java.util.Locale.ROOT))).isTrue(); // through mid, P-01 case
        assertThat(walks.get()).isEqualTo(afterCheck + 1); // one walk per question
        assertThat(dag.descendsFrom(UUID.randomUUID().toString())).isFalse();
        assertThat(dag.descendsFrom(child.ect().jti())).isFalse(); // its own id is no ancestor
    }

    @Test
    @DisplayName("F-03 a scope's own ECTs reach the DAG check only through a minted store, and only for that call")
    void f03AScopesOwnEctsReachOnlyAMintedStoreAndOnlyForThatCall() {
        SignedEct own = mint(); // "the request": minted by the caller, in no store
        SignedEct answer = mint(own.ect().jti());
        VerificationScope scope = VerificationScope.of((ect, dag) -> dag.descendsFrom(own.ect().jti())
                ? ValidationResult.valid() : ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "T-08", "unlinked"))
                .withOwnEcts(List.of(own));
        // a store that does not take own ECTs: G-02 still refuses (the caller must opt in)
        assertRejected(() -> verifierB().build().verify(answer.compact(), scope), ReasonCode.DAG_UNKNOWN_PREDECESSOR);
        EctVerifier v = verifierB().ectStore(EctClientConfig.mintedEctStore()).build();
        assertThat(v.verify(answer.compact(), scope).ect().jti()).isEqualTo(answer.ect().jti());
        // not kept: the next verification of a token naming the same task does not see it
        assertRejected(() -> v.verify(mint(own.ect().jti()).compact()), ReasonCode.DAG_UNKNOWN_PREDECESSOR);
        // the scope's validator runs after the configured ones and refuses before the side effects
        Counting replay = new Counting();
        AtomicInteger configured = new AtomicInteger();
        EctVerifier w = verifierB().ectStore(EctClientConfig.mintedEctStore()).replayStore(replay).validator((ect, dag) -> {
            configured.incrementAndGet();
            return ValidationResult.valid();
        }).build();
        EctException e = assertRejected(() -> w.verify(mint().compact(), scope), ReasonCode.INVALID_CLAIM);
        assertThat(e.error().ruleId()).isEqualTo("T-08");
        assertThat(configured).hasValue(1);
        assertThat(replay.records).hasValue(0);
    }

    @Test
    @DisplayName("T-11 a verifier of one's own gets verify(token, scope) by default: check, the scope's validator, then verify; rejections carry the ids")
    void aCustomVerifierGetsTheDefaultScopeVerificationAndItsRejectionsCarryTheIds() {
        Counting replay = new Counting();
        EctVerifier inner = verifierB().replayStore(replay).build();
        List<String> calls = new ArrayList<>();
        EctVerifier custom = new EctVerifier() {
            @Override
            public VerifiedEct verify(String token) {
                calls.add("verify");
                return inner.verify(token);
            }

            @Override
            public VerifiedEct check(String token) {
                calls.add("check");
                try {
                    return inner.check(token);
                } catch (EctRejectedException e) {
                    throw new EctRejectedException(e.error()); // a verifier that drops the ids
                }
            }

            @Override
            public String verifierId() { return B; }

            @Override
            public EctSettings settings() { return inner.settings(); }
        };
        SignedEct direct = mint();
        SignedEct answer = mint(direct.ect().jti());
        VerificationScope linked = VerificationScope.of((ect, dag) -> dag.descendsFrom(direct.ect().jti())
                ? ValidationResult.valid() : ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "T-08", "unlinked"));
        // the direct view sees pred only; this custom verifier's store cannot resolve the pred, so check refuses
        EctException e = assertRejected(() -> custom.verify(answer.compact(), linked), ReasonCode.DAG_UNKNOWN_PREDECESSOR);
        assertThat(e.unverifiedJti()).contains(answer.ect().jti()); // read from the token by the default method
        assertThat(e.logSafeIss()).isEqualTo(A);
        SignedEct unlinked = mint();
        assertRejected(() -> custom.verify(unlinked.compact(), linked), ReasonCode.INVALID_CLAIM);
        assertThat(replay.records).hasValue(0);
        assertThat(calls).containsExactly("check", "check");
        VerificationScope any = VerificationScope.of(EctValidator.none());
        assertThat(custom.verify(unlinked.compact(), any).ect().jti()).isEqualTo(unlinked.ect().jti());
        assertThat(calls).endsWith("check", "verify");
        assertThat(replay.records).hasValue(1);
    }

    @Test
    @DisplayName("T-11 initUnverifiedIdsFrom reads jti/iss unverified, never overwrites, and logSafe* escape them")
    void initUnverifiedIdsFromReadsTheTokenOnceAndEscapesForLogs() {
        SignedEct t = mint();
        EctRejectedException fresh = new EctRejectedException(ReasonCode.INVALID_SIGNATURE, "bad");
        fresh.initUnverifiedIdsFrom(t.compact());
        assertThat(fresh.unverifiedJti()).contains(t.ect().jti());
        assertThat(fresh.unverifiedIss()).contains(A);
        fresh.initUnverifiedIdsFrom(mint().compact()); // the first ids win
        assertThat(fresh.unverifiedJti()).contains(t.ect().jti());

        EctRejectedException garbage = new EctRejectedException(ReasonCode.MALFORMED_TOKEN, "bad");
        garbage.initUnverifiedIdsFrom("a.%%%.c");
        assertThat(garbage.unverifiedJti()).isEmpty();
        assertThat(garbage.logSafeJti()).isEqualTo("-");
        EctRejectedException huge = new EctRejectedException(ReasonCode.TOKEN_TOO_LARGE, "big");
        huge.initUnverifiedIdsFrom("x".repeat(EctException.MAX_DECODED_CHARS + 1));
        assertThat(huge.unverifiedIss()).isEmpty();

        EctRejectedException hostile = new EctRejectedException(ReasonCode.INVALID_SIGNATURE, "bad");
        hostile.initUnverifiedIds("a\nb c", "iss\u202e");
        assertThat(hostile.logSafeJti()).isEqualTo("a\\u000ab\\u0020c");
        assertThat(hostile.logSafeIss()).isEqualTo("iss\\u202e");
    }
}

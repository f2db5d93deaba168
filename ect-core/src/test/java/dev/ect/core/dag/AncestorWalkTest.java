package dev.ect.core.dag;

import dev.ect.core.config.EctConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSettings;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.VerificationListener;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.TestEcts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * G-05 through {@link EctStore#walkAncestors}: the default walk over an {@link InMemoryLedger}, the
 * validator's use of a store's own walk, and the V-13 deadline of the whole DAG check.
 */
class AncestorWalkTest {
    static final Duration SKEW = Duration.ofSeconds(30);
    static final Duration LONG = Duration.ofMinutes(1);
    final String wid = UUID.randomUUID().toString();
    final InMemoryLedger ledger = new InMemoryLedger(TestEcts.CLOCK);

    SignedEct append(String jti, String iss, List<String> pred) {
        Ect e = Ect.builder().iss(iss).aud(TestEcts.AUD).jti(jti).wid(wid).execAct("task").pred(pred)
                .iat(TestEcts.NOW.minusSeconds(60)).exp(TestEcts.NOW.plusSeconds(600)).build();
        SignedEct s = dev.ect.core.internal.TestTokens.unsigned(e);
        ledger.append(s);
        return s;
    }

    SignedEct append(List<String> pred) { return append(UUID.randomUUID().toString(), TestEcts.ISS, pred); }

    /** A chain of n entries; returns them root first. */
    List<SignedEct> chain(int n) {
        List<SignedEct> out = new ArrayList<>();
        SignedEct prev = append(List.of());
        out.add(prev);
        for (int i = 1; i < n; i++) {
            prev = append(List.of(prev.ect().jti()));
            out.add(prev);
        }
        return out;
    }

    Ect child(String... pred) {
        return Ect.builder().iss(TestEcts.ISS).aud(TestEcts.AUD).jti(UUID.randomUUID().toString()).wid(wid).execAct("child")
                .pred(List.of(pred)).iat(TestEcts.NOW).exp(TestEcts.NOW.plusSeconds(600)).build();
    }

    @Test
    @DisplayName("G-05 default walk: counts every ancestor once, the bound itself passes, one more is LIMIT_EXCEEDED")
    void g05DefaultWalkCountsAndBounds() {
        List<SignedEct> c = chain(50);
        SignedEct top = c.get(49);
        String target = UUID.randomUUID().toString();
        assertThat(ledger.walkAncestors(List.of(top), target, 50, LONG)).isEqualTo(AncestorWalk.complete(50));
        assertThat(ledger.walkAncestors(List.of(top), target, 49, LONG)).isEqualTo(AncestorWalk.limitExceeded(49));
        assertThat(ledger.walkAncestors(List.of(c.get(0)), target, 1, LONG)).isEqualTo(AncestorWalk.complete(1));
    }

    @Test
    @DisplayName("G-05 default walk: an ancestor naming the target (in upper case, from another issuer) is REACHED_TARGET")
    void g05DefaultWalkReachesTheTargetThroughAnyIssuerInAnyCase() {
        String target = UUID.randomUUID().toString();
        String shared = UUID.randomUUID().toString();
        append(shared, "spiffe://example.com/agent/c", List.of(target.toUpperCase(Locale.ROOT))); // the claimant that closes the loop
        append(shared, TestEcts.ISS, List.of());
        SignedEct top = append(List.of(shared.toUpperCase(Locale.ROOT)));
        AncestorWalk walk = ledger.walkAncestors(List.of(top), target, 10_000, LONG);
        assertThat(walk.outcome()).isEqualTo(AncestorWalk.Outcome.REACHED_TARGET);
        DagValidator v = DagValidatorTest.dag(ledger, false, SKEW, 10_000, List.of());
        Ect child = child(top.ect().jti()).toBuilder().jti(target).build();
        assertThatThrownBy(() -> v.validate(child)).isInstanceOfSatisfying(EctRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.DAG_CYCLE);
            assertThat(e.error().ruleId()).isEqualTo("G-05");
        });
    }

    @Test
    @DisplayName("G-05 the validator walks through the store's own walk, once, and maps its outcomes to dag_cycle / dag_too_deep")
    void g05ValidatorUsesTheStoresWalk() {
        SignedEct parent = append(List.of());
        AtomicInteger walks = new AtomicInteger();
        AtomicInteger lookups = new AtomicInteger();
        class OneQueryStore implements EctStore {
            AncestorWalk answer = AncestorWalk.complete(1);

            @Override
            public List<SignedEct> findByJti(String jti) {
                lookups.incrementAndGet();
                return ledger.findByJti(jti);
            }

            @Override
            public AncestorWalk walkAncestors(List<SignedEct> parents, String jti, int limit, Duration timeout) {
                walks.incrementAndGet();
                assertThat(parents).containsExactly(parent); // the stored token itself
                assertThat(limit).isEqualTo(7);
                assertThat(timeout).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2));
                return answer;
            }
        }
        OneQueryStore store = new OneQueryStore();
        DagValidator v = DagValidatorTest.dag(store, false, SKEW, 7, List.of());
        assertThat(v.validate(child(parent.ect().jti()))).isEmpty();
        assertThat(walks).hasValue(1);
        assertThat(lookups).hasValue(2); // G-01 and the one pred: the walk itself made none
        store.answer = AncestorWalk.reachedTarget(3);
        assertThat(DagValidatorTest.reason(() -> v.validate(child(parent.ect().jti())))).isEqualTo(ReasonCode.DAG_CYCLE);
        store.answer = AncestorWalk.limitExceeded(7);
        assertThat(DagValidatorTest.reason(() -> v.validate(child(parent.ect().jti())))).isEqualTo(ReasonCode.DAG_TOO_DEEP);
    }

    @Test
    @DisplayName("V-13 G-05 a store slower than the deadline: 503 ledger_unavailable naming dagTimeout; a late answer does not count, no lookup after it")
    void v13DeadlineOfTheWholeCheckIsEnforcedBetweenLookups() {
        List<SignedEct> c = chain(100);
        AtomicLong now = new AtomicLong();
        AtomicInteger lookups = new AtomicInteger();
        EctStore slow = jti -> { // every lookup takes 100 ms on the fake ticker
            lookups.incrementAndGet();
            now.addAndGet(Duration.ofMillis(100).toNanos());
            return ledger.findByJti(jti);
        };
        DagValidator v = new DagValidator(slow, false, SKEW, 10_000, List.of(), VerificationListener.noop(),
                Duration.ofMillis(1000), now::get);
        assertThatThrownBy(() -> v.validate(child(c.get(99).ect().jti()))).isInstanceOfSatisfying(EctUnavailableException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
            assertThat(e.httpStatus()).isEqualTo(503);
            assertThat(e.error().detail()).contains("deadline of 1000 ms").contains("dagTimeout").contains("ECT_DAG_TIMEOUT_MS");
        });
        // G-01 + pred + 99 walk lookups (the default walk measures real time, the validator this ticker):
        // the walk's answer came 10 s after a 1 s deadline and does not count
        assertThat(lookups).hasValue(101);

        // the deadline passed before the pred lookups: no further store call at all
        now.set(0);
        lookups.set(0);
        EctStore verySlow = jti -> {
            lookups.incrementAndGet();
            now.addAndGet(Duration.ofSeconds(5).toNanos());
            return ledger.findByJti(jti);
        };
        DagValidator v2 = new DagValidator(verySlow, false, SKEW, 10_000, List.of(), VerificationListener.noop(),
                Duration.ofMillis(1000), now::get);
        assertThat(DagValidatorTest.reason(() -> v2.validate(child(c.get(99).ect().jti(), c.get(98).ect().jti()))))
                .isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
        assertThat(lookups).hasValue(1); // the G-01 lookup alone used the whole deadline
    }

    @Test
    @DisplayName("V-13 G-05 the default walk stops at the time left it was given: 503, not a walk to the end")
    void v13DefaultWalkHonoursTheTimeLeft() {
        List<SignedEct> c = chain(200);
        AtomicInteger lookups = new AtomicInteger();
        EctStore counting = jti -> {
            lookups.incrementAndGet();
            return ledger.findByJti(jti);
        };
        // 1 ns is over after the first lookup, however fast the machine
        assertThatThrownBy(() -> counting.walkAncestors(List.of(c.get(199)), UUID.randomUUID().toString(), 10_000, Duration.ofNanos(1)))
                .isInstanceOfSatisfying(EctUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
                    assertThat(e.error().detail()).contains("dagTimeout");
                });
        assertThat(lookups.get()).isLessThanOrEqualTo(1);
        lookups.set(0);
        assertThat(counting.walkAncestors(List.of(c.get(199)), UUID.randomUUID().toString(), 10_000, LONG))
                .isEqualTo(AncestorWalk.complete(200));
        assertThat(lookups).hasValue(199); // the default: one lookup per ancestor id
    }

    @Test
    @DisplayName("V-13 dagTimeout: default 2 s, ECT_DAG_TIMEOUT_MS in milliseconds, 0 fails naming the variable")
    void v13DagTimeoutSetting() {
        assertThat(EctSettings.defaults().dagTimeout()).isEqualTo(Duration.ofSeconds(2)).isEqualTo(EctSettings.DEFAULT_DAG_TIMEOUT);
        assertThat(EctConfig.fromEnvironment(Map.of("ECT_DAG_TIMEOUT_MS", "250")).settings().dagTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> EctConfig.fromEnvironment(Map.of("ECT_DAG_TIMEOUT_MS", "0")).settings())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ECT_DAG_TIMEOUT_MS");
        assertThatThrownBy(() -> EctSettings.builder().dagTimeout(Duration.ZERO)).hasMessage("dagTimeout must be > 0");
        assertThat(EctSettings.builder().dagTimeout(Duration.ofMillis(5)).build()).isNotEqualTo(EctSettings.defaults());
        assertThatThrownBy(() -> new DagValidator(ledger, false, SKEW, 1, List.of(), VerificationListener.noop(), Duration.ZERO, System::nanoTime))
                .hasMessage("timeout must be > 0");
    }
}

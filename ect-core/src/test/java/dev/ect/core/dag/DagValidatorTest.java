package dev.ect.core.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctException;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSettings;
import dev.ect.core.VerificationListener;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.internal.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** DagValidator on its own, over a map-backed store of plain ECTs: one group of tests per rule id. */
class DagValidatorTest {
    static final Instant T = Instant.parse("2026-03-01T00:00:00Z");
    static final String W1 = UUID.randomUUID().toString();
    static final String W2 = UUID.randomUUID().toString();

    final Map<String, List<SignedEct>> stored = new HashMap<>();
    final AtomicInteger lookups = new AtomicInteger();
    final EctStore store = jti -> {
        lookups.incrementAndGet();
        return stored.getOrDefault(jti, List.of());
    };

    Ect ect(String wid, String execAct, Instant iat, String... pred) {
        return Ect.builder().iss("spiffe://a").aud("spiffe://b").jti(UUID.randomUUID().toString()).wid(wid)
                .execAct(execAct).pred(List.of(pred)).iat(iat).exp(iat.plusSeconds(600)).build();
    }

    /** Stores {@code e} as a token (the store holds tokens) and returns the token's ECT. */
    Ect put(Ect e) {
        SignedEct s = TestTokens.unsigned(e);
        stored.computeIfAbsent(e.jti(), k -> new ArrayList<>()).add(s);
        return s.ect();
    }

    static List<List<Ect>> ects(List<List<SignedEct>> found) {
        return found.stream().map(l -> l.stream().map(SignedEct::ect).toList()).toList();
    }

    /** A validator with these DAG settings (the rest default) and no listener. */
    static DagValidator dag(EctStore store, boolean allowUnresolved, Duration skew, int maxAncestors, List<DagRule> rules) {
        return dag(store, allowUnresolved, skew, maxAncestors, rules, VerificationListener.noop());
    }

    /** A validator with these DAG settings (the rest default), telling {@code listener} of security events. */
    static DagValidator dag(EctStore store, boolean allowUnresolved, Duration skew, int maxAncestors, List<DagRule> rules,
            VerificationListener listener) {
        EctSettings settings = EctSettings.builder().allowUnresolvedPredecessors(allowUnresolved).clockSkew(skew)
                .maxAncestors(maxAncestors).build();
        return new DagValidator(store, settings, rules, listener);
    }

    DagValidator validator() { return dag(store, false, Duration.ofSeconds(30), 10_000, List.of()); }

    static ReasonCode reason(Runnable r) {
        try {
            r.run();
        } catch (EctException e) {
            return e.reason();
        }
        return null;
    }

    static String rule(Runnable r) {
        try {
            r.run();
        } catch (EctException e) {
            return e.error().ruleId();
        }
        return null;
    }

    // G-01
    @Test
    void g01RejectsAnotherEctReusingAJtiInTheSameWorkflow() {
        Ect a = put(ect(W1, "review", T));
        Ect other = a.toBuilder().execAct("deploy").build();
        assertThat(reason(() -> validator().validate(other))).isEqualTo(ReasonCode.DAG_DUPLICATE_JTI);
        assertThat(rule(() -> validator().validate(other))).isEqualTo("G-01");
    }

    // G-01 is per issuer: another issuer's ECT with the same (wid, jti) is no duplicate
    @Test
    @DisplayName("G-01: the same (wid, jti) from another issuer is not a duplicate, with or without a wid")
    void g01IsPerIssuer() {
        Ect a = put(ect(W1, "review", T));
        assertThat(validator().validate(a.toBuilder().iss("spiffe://squatter").build())).isEmpty();
        assertThat(validator().validate(a.toBuilder().iss("spiffe://squatter").wid(null).build())).isEmpty();
        assertThat(reason(() -> validator().validate(a.toBuilder().wid(null).execAct("x").build())))
                .isEqualTo(ReasonCode.DAG_DUPLICATE_JTI); // the same issuer without a wid: still unique everywhere
    }

    @Test
    @DisplayName("P-01 G-01: a jti or wid differing only in letter case is the same id")
    void g01ComparesIdsInCanonicalCase() {
        Ect a = put(ect(W1, "review", T));
        Ect upper = a.toBuilder().jti(a.jti().toUpperCase(java.util.Locale.ROOT)).wid(W1.toUpperCase(java.util.Locale.ROOT))
                .execAct("again").build();
        assertThat(reason(() -> validator().validate(upper))).isEqualTo(ReasonCode.DAG_DUPLICATE_JTI);
        // and a child naming the parent in upper case, from a wid in upper case, resolves it
        Ect child = ect(W1.toUpperCase(java.util.Locale.ROOT), "child", T, a.jti().toUpperCase(java.util.Locale.ROOT));
        assertThat(validator().validate(child)).isEmpty();
    }

    @Test
    @DisplayName("T-12 G-01 G-03: rejection details name only what the child carries, never a stored ECT's wid")
    void t12DetailsDoNotDiscloseStoredWorkflows() {
        Ect a = put(ect(W1, "review", T));
        EctRejectedException dup = org.assertj.core.api.Assertions.catchThrowableOfType(EctRejectedException.class,
                () -> validator().validate(a.toBuilder().wid(null).execAct("x").build()));
        assertThat(dup.error().detail()).doesNotContain(W1).contains(a.jti());
        EctRejectedException mismatch = org.assertj.core.api.Assertions.catchThrowableOfType(EctRejectedException.class,
                () -> validator().validate(ect(W2, "child", T, a.jti()).toBuilder().iss("spiffe://other").build()));
        assertThat(mismatch.reason()).isEqualTo(ReasonCode.DAG_WORKFLOW_MISMATCH);
        assertThat(mismatch.error().detail()).doesNotContain(W1).contains(a.jti()).contains(W2);
        EctRejectedException noWid = org.assertj.core.api.Assertions.catchThrowableOfType(EctRejectedException.class,
                () -> validator().validate(ect(null, "child", T, a.jti())));
        assertThat(noWid.error().detail()).doesNotContain(W1);
    }

    @Test
    @DisplayName("G-07: a pred resolving to ECTs of two issuers is refused and reported once; a store's duplicate copy is not ambiguous")
    void g07AmbiguousPredecessor() {
        Ect a = put(ect(W1, "review", T));
        List<dev.ect.core.SecurityEvent> events = new ArrayList<>();
        dev.ect.core.VerificationListener l = new dev.ect.core.VerificationListener() {
            @Override
            public void onVerification(dev.ect.core.VerificationEvent e) { }

            @Override
            public void onSecurityEvent(dev.ect.core.SecurityEvent e) { events.add(e); }
        };
        DagValidator v = dag(store, false, Duration.ofSeconds(30), 100, List.of(), l);
        put(a); // the same ECT twice (a store that unions sources): not ambiguous
        assertThat(v.validate(ect(W1, "child", T, a.jti()))).isEmpty();
        assertThat(events).isEmpty();
        put(a.toBuilder().iss("spiffe://squatter").execAct("squat").build());
        // in another workflow, the squat does not matter
        put(a.toBuilder().iss("spiffe://squatter").wid(W2).build());
        Ect child = ect(W1, "child", T, a.jti());
        assertThat(reason(() -> v.validate(child))).isEqualTo(ReasonCode.DAG_AMBIGUOUS_PREDECESSOR);
        assertThat(rule(() -> validator().validate(child))).isEqualTo("G-07");
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.taskId()).isEqualTo(a.jti());
            assertThat(e.jti()).isEqualTo(child.jti());
            assertThat(e.claimedBy()).containsExactly("spiffe://a", "spiffe://squatter");
        });
        // a listener that throws does not change the answer
        DagValidator throwing = dag(store, false, Duration.ofSeconds(30), 100, List.of(), new dev.ect.core.VerificationListener() {
            @Override
            public void onVerification(dev.ect.core.VerificationEvent e) { }

            @Override
            public void onSecurityEvent(dev.ect.core.SecurityEvent e) { throw new IllegalStateException("metrics down"); }
        });
        assertThat(reason(() -> throwing.validate(child))).isEqualTo(ReasonCode.DAG_AMBIGUOUS_PREDECESSOR);
    }

    // G-01 refinement: the same claims again are a replay, not a duplicate
    @Test
    void g01ReportsTheSameEctAgainAsReplay() {
        Ect a = put(ect(W1, "review", T));
        Ect again = a.toBuilder().kid("other-header-values-do-not-matter").build();
        assertThat(reason(() -> validator().validate(again))).isEqualTo(ReasonCode.REPLAY);
    }

    // G-01: per wid when present
    @Test
    void g01AllowsTheSameJtiInAnotherWorkflow() {
        Ect a = put(ect(W2, "review", T));
        assertThat(validator().validate(a.toBuilder().wid(W1).build())).isEmpty();
    }

    // G-01: globally when the child has no wid
    @Test
    void g01WithoutWidTheJtiMustBeGloballyUnique() {
        Ect a = put(ect(W1, "review", T));
        Ect noWid = a.toBuilder().wid(null).build();
        assertThat(reason(() -> validator().validate(noWid))).isEqualTo(ReasonCode.DAG_DUPLICATE_JTI);
        // and a stored no-wid ECT with the same claims is still a replay, whatever else is stored
        Ect b = put(ect(null, "plan", T));
        put(b.toBuilder().wid(W2).build());
        assertThat(reason(() -> validator().validate(b))).isEqualTo(ReasonCode.REPLAY);
    }

    // G-02
    @Test
    void g02RejectsAnUnknownPredecessorByDefault() {
        Ect a = put(ect(W1, "a", T));
        Ect child = ect(W1, "b", T, a.jti(), UUID.randomUUID().toString());
        assertThat(reason(() -> validator().validate(child))).isEqualTo(ReasonCode.DAG_UNKNOWN_PREDECESSOR);
        assertThat(rule(() -> validator().validate(child))).isEqualTo("G-02");
    }

    // G-02 ALLOW: a partial DAG, with the unresolved predecessors reported
    @Test
    void g02AllowPolicyAcceptsAndReportsUnresolvedPredecessors() {
        Ect a = put(ect(W1, "a", T));
        String x = UUID.randomUUID().toString();
        String y = UUID.randomUUID().toString();
        DagValidator allow = dag(store, true, Duration.ofSeconds(30), 10_000, List.of());
        assertThat(allow.validate(ect(W1, "b", T, x, a.jti(), y))).containsExactly(x, y);
        assertThat(allow.validate(ect(W1, "c", T, a.jti()))).isEmpty();
    }

    // G-03
    @Test
    void g03RejectsAPredecessorOfAnotherWorkflow() {
        Ect a = put(ect(W2, "a", T));
        assertThat(reason(() -> validator().validate(ect(W1, "b", T, a.jti())))).isEqualTo(ReasonCode.DAG_WORKFLOW_MISMATCH);
        assertThat(reason(() -> validator().validate(ect(null, "b", T, a.jti())))).isEqualTo(ReasonCode.DAG_WORKFLOW_MISMATCH);
        Ect n = put(ect(null, "n", T));
        assertThat(reason(() -> validator().validate(ect(W1, "b", T, n.jti())))).isEqualTo(ReasonCode.DAG_WORKFLOW_MISMATCH);
        assertThat(validator().validate(ect(null, "b", T, n.jti()))).isEmpty(); // both absent: equal
    }

    // G-03 under ALLOW: a predecessor found in another workflow is a mismatch, not "unresolved"
    @Test
    void g03MismatchIsNotExcusedByTheAllowPolicy() {
        Ect a = put(ect(W2, "a", T));
        DagValidator allow = dag(store, true, Duration.ofSeconds(30), 10_000, List.of());
        assertThat(reason(() -> allow.validate(ect(W1, "b", T, a.jti())))).isEqualTo(ReasonCode.DAG_WORKFLOW_MISMATCH);
    }

    // G-04: the boundary is inclusive
    @Test
    void g04PredecessorIatMayExceedTheChildsByTheSkewButNotMore() {
        Ect atSkew = put(ect(W1, "a", T.plusSeconds(30)));
        Ect beyond = put(ect(W1, "a", T.plusSeconds(31)));
        assertThat(validator().validate(ect(W1, "b", T, atSkew.jti()))).isEmpty();
        assertThat(reason(() -> validator().validate(ect(W1, "b", T, beyond.jti())))).isEqualTo(ReasonCode.DAG_TEMPORAL_VIOLATION);
        assertThat(rule(() -> validator().validate(ect(W1, "b", T, beyond.jti())))).isEqualTo("G-04");
        DagValidator noSkew = dag(store, false, Duration.ZERO, 10_000, List.of());
        assertThat(reason(() -> noSkew.validate(ect(W1, "b", T, atSkew.jti())))).isEqualTo(ReasonCode.DAG_TEMPORAL_VIOLATION);
    }

    // G-05: a stored ancestor naming the child closes a cycle
    @Test
    void g05DetectsACycleThroughTheChild() {
        String c = UUID.randomUUID().toString();
        Ect root = put(ect(W1, "root", T));
        Ect x = put(ect(W1, "x", T, root.jti(), c));
        Ect y = put(ect(W1, "y", T, x.jti()));
        Ect child = ect(W1, "c", T, y.jti()).toBuilder().jti(c).build();
        assertThat(reason(() -> validator().validate(child))).isEqualTo(ReasonCode.DAG_CYCLE);
        assertThat(rule(() -> validator().validate(child))).isEqualTo("G-05");
    }

    // G-05: a cycle planted above the child does not make the walk loop
    @Test
    void g05WalkEndsOnAPlantedCycleThatDoesNotReachTheChild() {
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        put(ect(W1, "a", T, b).toBuilder().jti(a).build());
        put(ect(W1, "b", T, a).toBuilder().jti(b).build());
        assertThat(validator().validate(ect(W1, "c", T, a))).isEmpty();
        assertThat(lookups.get()).isLessThan(10);
    }

    // G-05 (C-08 for tokens): a pred naming the child itself
    @Test
    void g05SelfReferenceIsACycle() {
        Ect self = ect(W1, "c", T);
        Ect child = self.toBuilder().pred(List.of(self.jti())).build();
        assertThat(reason(() -> validator().validate(child))).isEqualTo(ReasonCode.DAG_CYCLE);
    }

    // G-05: bounded walk
    @Test
    void g05WalkBeyondTheBoundIsTooDeepAndTheBoundItselfPasses() {
        Ect prev = put(ect(W1, "t0", T));
        for (int i = 1; i < 20; i++) {
            prev = put(ect(W1, "t" + i, T, prev.jti()));
        }
        Ect child = ect(W1, "child", T, prev.jti());
        assertThat(dag(store, false, Duration.ofSeconds(30), 20, List.of()).validate(child)).isEmpty();
        DagValidator bounded = dag(store, false, Duration.ofSeconds(30), 19, List.of());
        assertThat(reason(() -> bounded.validate(child))).isEqualTo(ReasonCode.DAG_TOO_DEEP);
        assertThat(rule(() -> bounded.validate(child))).isEqualTo("G-05");
    }

    // G-05: shared ancestors (diamonds) are visited once
    @Test
    void g05CountsEachAncestorOnce() {
        Ect a = put(ect(W1, "a", T));
        Ect b = put(ect(W1, "b", T, a.jti()));
        Ect c = put(ect(W1, "c", T, a.jti()));
        Ect d = put(ect(W1, "d", T, b.jti(), c.jti()));
        // ancestors of the child: d, b, c, a = 4 distinct nodes
        assertThat(dag(store, false, Duration.ofSeconds(30), 4, List.of()).validate(ect(W1, "e", T, d.jti()))).isEmpty();
        assertThat(reason(() -> dag(store, false, Duration.ofSeconds(30), 3, List.of())
                .validate(ect(W1, "e", T, d.jti())))).isEqualTo(ReasonCode.DAG_TOO_DEEP);
    }

    // G-05: a node reached twice before it is expanded still counts once
    @Test
    void g05NodeReachedOnTwoPathsCountsOnce() {
        Ect p = put(ect(W1, "p", T));
        Ect q = put(ect(W1, "q", T, p.jti()));
        Ect child = ect(W1, "c", T, p.jti(), q.jti()); // p is queued from the child and again from q
        assertThat(dag(store, false, Duration.ofSeconds(30), 2, List.of()).validate(child)).isEmpty();
        assertThat(reason(() -> dag(store, false, Duration.ofSeconds(30), 1, List.of()).validate(child)))
                .isEqualTo(ReasonCode.DAG_TOO_DEEP);
    }

    // G-06
    @Test
    void g06PolicyRuleSeesResolvedPredecessorsAndCanRefuse() {
        Ect rejected = put(ect(W1, "a", T).toBuilder().ext(Map.of("pol", "p1", "pol_decision", "rejected")).build());
        Ect approved = put(ect(W1, "a", T).toBuilder().ext(Map.of("pol", "p1", "pol_decision", "approved")).build());
        Ect plain = put(ect(W1, "a", T));
        DagValidator v = dag(store, true, Duration.ofSeconds(30), 100,
                List.of(DagRule.rejectChildrenOfRejectedPolicyDecisions()));
        assertThat(reason(() -> v.validate(ect(W1, "b", T, approved.jti(), rejected.jti())))).isEqualTo(ReasonCode.DAG_POLICY_VIOLATION);
        assertThat(rule(() -> v.validate(ect(W1, "b", T, rejected.jti())))).isEqualTo("G-06");
        assertThat(v.validate(ect(W1, "b", T, approved.jti(), plain.jti()))).isEmpty();

        List<List<Ect>> seen = new ArrayList<>();
        String unknown = UUID.randomUUID().toString();
        DagValidator recording = dag(store, true, Duration.ofSeconds(30), 100, List.of((child, preds) -> {
            seen.add(preds);
            return Optional.empty();
        }, (child, preds) -> child.execAct().equals("forbidden") ? Optional.of("no") : Optional.empty()));
        assertThat(recording.validate(ect(W1, "ok", T, plain.jti(), unknown))).containsExactly(unknown);
        assertThat(seen).containsExactly(List.of(plain)); // unresolved ones are absent
        assertThatThrownBy(() -> recording.validate(ect(W1, "forbidden", T))).isInstanceOfSatisfying(
                EctRejectedException.class, e -> assertThat(e.error().detail()).isEqualTo("no"));
    }

    // T-06: the store's failure is not the token's fault
    @Test
    void aFailingStoreIsUnavailableNotAnError() {
        EctStore broken = jti -> {
            throw new IllegalStateException("connection refused");
        };
        DagValidator v = dag(broken, false, Duration.ofSeconds(30), 100, List.of());
        assertThatThrownBy(() -> v.validate(ect(W1, "a", T))).isInstanceOfSatisfying(EctUnavailableException.class,
                e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
                    assertThat(e.httpStatus()).isEqualTo(503);
                });
        EctStore unavailable = jti -> {
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "down");
        };
        assertThatThrownBy(() -> dag(unavailable, false, Duration.ZERO, 1, List.of()).validate(ect(W1, "a", T)))
                .isInstanceOfSatisfying(EctUnavailableException.class, e -> assertThat(e.getMessage()).contains("down"));
        EctStore nulls = jti -> null;
        assertThat(dag(nulls, true, Duration.ZERO, 1, List.of()).validate(ect(W1, "a", T, UUID.randomUUID().toString())))
                .hasSize(1);
    }

    @Test
    void constructorFailsFast() {
        EctSettings d = EctSettings.defaults();
        VerificationListener none = VerificationListener.noop();
        assertThatThrownBy(() -> new DagValidator(null, d, List.of(), none)).hasMessageContaining("store");
        assertThatThrownBy(() -> new DagValidator(store, null, List.of(), none)).hasMessageContaining("settings");
        assertThatThrownBy(() -> new DagValidator(store, d, null, none)).hasMessageContaining("rules");
        assertThatThrownBy(() -> new DagValidator(store, d, List.of(), null)).hasMessageContaining("listener");
        assertThatThrownBy(() -> new DagValidator(store, false, null, 1, List.of(), none, Duration.ofSeconds(1), System::nanoTime))
                .hasMessageContaining("skew");
        assertThatThrownBy(() -> new DagValidator(store, false, Duration.ZERO, 0, List.of(), none, Duration.ofSeconds(1), System::nanoTime))
                .hasMessageContaining("maxAncestors");
        assertThat(EctStore.empty().findByJti(UUID.randomUUID().toString())).isEmpty();
    }

    /** A store that looks several ids up at once, counting its calls of each kind. */
    final class BatchingStore implements EctStore {
        final AtomicInteger batches = new AtomicInteger();
        final List<List<String>> asked = new ArrayList<>();

        @Override
        public List<SignedEct> findByJti(String jti) {
            lookups.incrementAndGet();
            return stored.getOrDefault(jti, List.of());
        }

        @Override
        public List<List<SignedEct>> findByJtis(List<String> jtis, Duration timeout) {
            batches.incrementAndGet();
            asked.add(jtis);
            List<List<SignedEct>> out = new ArrayList<>();
            jtis.forEach(j -> out.add(stored.getOrDefault(j, List.of())));
            return out;
        }
    }

    @Test
    @DisplayName("V-13 G-01 G-02 a store that overrides findByJtis gets the child's jti and every pred, in canonical case, in one call; the rules decide as before")
    void v13BatchingStoreIsAskedOnce() {
        Ect a = put(ect(W1, "a", T));
        Ect b = put(ect(W1, "b", T));
        BatchingStore batching = new BatchingStore();
        DagValidator v = dag(batching, false, Duration.ofSeconds(30), 10_000, List.of());
        Ect child = ect(W1, "child", T, a.jti().toUpperCase(java.util.Locale.ROOT), b.jti());
        assertThat(v.validate(child)).isEmpty();
        assertThat(batching.batches).hasValue(1);
        assertThat(batching.asked.get(0)).containsExactly(child.jti(), a.jti(), b.jti());
        assertThat(lookups).as("single lookups (a and b name no pred: the default walk looks nothing up)").hasValue(0);
        // the same outcomes as the one-call-per-id path
        Ect unknown = ect(W1, "child", T, a.jti(), UUID.randomUUID().toString());
        Ect mismatch = ect(W2, "child", T, b.jti());
        Ect dup = a.toBuilder().execAct("again").build();
        for (Ect e : List.of(unknown, mismatch, dup, a)) {
            assertThat(reason(() -> v.validate(e))).isEqualTo(reason(() -> validator().validate(e)));
        }
        // a store answering for the wrong number of ids is unavailable, not a verdict
        EctStore broken = new EctStore() {
            @Override
            public List<SignedEct> findByJti(String jti) { return List.of(); }

            @Override
            public List<List<SignedEct>> findByJtis(List<String> jtis, Duration timeout) { return List.of(List.of()); }
        };
        assertThat(reason(() -> dag(broken, false, Duration.ofSeconds(30), 10_000, List.of()).validate(child)))
                .isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
        // the default findByJtis asks findByJti once per id, within the time given
        lookups.set(0);
        assertThat(ects(store.findByJtis(List.of(a.jti(), b.jti(), "x"), Duration.ofSeconds(1)))).containsExactly(List.of(a), List.of(b), List.of());
        assertThat(lookups).hasValue(3);
        assertThatThrownBy(() -> store.findByJtis(List.of(a.jti(), b.jti()), Duration.ofNanos(1)))
                .isInstanceOfSatisfying(EctUnavailableException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE));
    }
}

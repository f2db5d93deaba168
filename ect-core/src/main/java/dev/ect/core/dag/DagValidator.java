package dev.ect.core.dag;

import dev.ect.core.Ect;
import dev.ect.core.EctError;
import dev.ect.core.EctException;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSettings;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.SecurityEvent;
import dev.ect.core.SignedEct;
import dev.ect.core.VerificationListener;
import dev.ect.core.internal.Uuids;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates an ECT against the workflow graph in an {@link EctStore} (profile V-13, G-01..G-07).
 * Pure: it only reads the store (and tells the listener of security events). Thread-safe when the
 * store and the listener are.
 *
 * <p>Rules, in order: G-01 unique ({@code iss}, {@code wid}, {@code jti}); for each {@code pred}
 * entry G-02 resolution, G-03 same workflow, G-07 one ECT only (not two issuers' ECTs with that
 * id), G-04 temporal order (predecessor {@code iat} &le; child {@code iat} + skew); G-05 a bounded
 * ancestor walk that must not reach the child's {@code jti}; G-06 the configured {@link DagRule}s.
 *
 * <p>Ids are compared in their canonical lower-case form (P-01): a {@code jti}, {@code wid} or
 * {@code pred} entry that differs only in letter case is the same id. The store is asked with the
 * lower-case {@code jti}; what it returns is matched ignoring ASCII case.
 *
 * <p>G-01 refinement [P]: when the stored ECT with the same ({@code iss}, {@code wid},
 * {@code jti}) carries exactly the same claims, the token is a resubmission of an accepted ECT and
 * is rejected as {@code replay}; a different ECT reusing the id is {@code dag_duplicate_jti}. An
 * ECT without {@code wid} must be unique among its issuer's ECTs in every workflow, so any stored
 * ECT of the same issuer with its {@code jti} conflicts. Another issuer's ECT never conflicts: with
 * (wid, jti) alone, any trusted issuer that saw a token first could take its task id (squatting).
 * G-07 then refuses to build on an id that two issuers claim.
 *
 * <p>T-12: a rejection's detail names only what the child itself carries (its {@code jti},
 * {@code wid}, {@code pred} entries); never a stored ECT's workflow or issuer.
 *
 * <p>A {@code pred} that names the child itself (which V-10, C-08, already rejects as
 * {@code invalid_claim} for a token) is a {@code dag_cycle} here, for ECTs validated directly.
 *
 * <p>The lookups of G-01..G-04 and G-07 (the child's {@code jti} and every {@code pred} entry) are
 * one {@link EctStore#findByJtis} call when the store overrides it (a database: one query);
 * otherwise one {@link EctStore#findByJti(String, Duration)} per id, each made when its rule needs
 * it. G-05 is one {@link EctStore#walkAncestors} call: a database store answers it with one
 * bounded query, other stores with the default walk of one lookup per ancestor.
 *
 * <p><b>Deadline</b> (V-13): the whole check, every store call included, must finish within
 * {@code timeout} ({@link EctSettings#dagTimeout()}, default 2 s). Each store call is given the
 * time left, and the deadline is checked after each; past it the check fails with 503
 * {@code ledger_unavailable} (the store is too slow; the token may be fine). A store that ignores
 * the time left overruns the deadline by at most one call.
 *
 * <p>A store that fails with something other than an {@link dev.ect.core.EctException} is reported
 * as 503 {@code ledger_unavailable}: the store is the ledger or stands in for it, and its failure is
 * not the token's fault (T-06).
 */
public final class DagValidator {
    private static final Logger LOG = LoggerFactory.getLogger(DagValidator.class);

    private final EctStore store;
    /** The store overrides {@link EctStore#findByJtis} or {@link EctStore#lookupForCheck}: the check's lookups are one call. */
    private final boolean batchLookups;
    /** The store overrides {@link EctStore#lookupForCheck}: it may decide G-05 in the lookups' call. */
    private final boolean combinedLookups;
    private final boolean allowUnresolved;
    private final Duration skew;
    private final int maxAncestors;
    private final List<DagRule> rules;
    private final VerificationListener listener;
    private final Duration timeout;
    private final long timeoutNanos;
    private final LongSupplier nanoTicker;

    /**
     * A validator over {@code store} with the DAG settings of {@code settings}: the G-02 policy
     * ({@link EctSettings#allowUnresolvedPredecessors()}: false = REJECT, the default), the G-04
     * skew ({@link EctSettings#clockSkew()}, default 30 s), the G-05 bound
     * ({@link EctSettings#maxAncestors()}, default 10,000) and the deadline of one {@link #check}
     * ({@link EctSettings#dagTimeout()}, V-13, default 2 s). The verifier builds its own; build one
     * yourself to run the DAG rules on ECTs without a token (tests, tools, benchmarks).
     *
     * @param store where predecessors are looked up
     * @param settings the DAG settings above (the others are not used)
     * @param rules G-06 policy hooks, in order
     * @param listener told of security events ({@link SecurityEvent.Kind#AMBIGUOUS_PREDECESSOR},
     *     G-07); an exception it throws is logged and ignored; {@link VerificationListener#noop()} for none
     */
    public DagValidator(EctStore store, EctSettings settings, List<DagRule> rules, VerificationListener listener) {
        this(store, Objects.requireNonNull(settings, "settings cannot be null").allowUnresolvedPredecessors(),
                settings.clockSkew(), settings.maxAncestors(), Objects.requireNonNull(rules, "rules cannot be null"), listener,
                settings.dagTimeout(), System::nanoTime);
    }

    /**
     * The settings one by one, with the ticker that measures the deadline (tests move a fake one).
     *
     * @param allowUnresolved G-02 policy: false = REJECT, true = ALLOW (partial DAG)
     * @param skew the clock skew of G-04
     * @param maxAncestors the bound of the G-05 walk, &ge; 1
     * @param timeout the deadline of one {@link #check}, store calls included; &gt; 0
     */
    DagValidator(EctStore store, boolean allowUnresolved, Duration skew, int maxAncestors, List<DagRule> rules,
            VerificationListener listener, Duration timeout, LongSupplier nanoTicker) {
        Objects.requireNonNull(timeout, "timeout cannot be null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0");
        }
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.nanoTicker = Objects.requireNonNull(nanoTicker, "nanoTicker cannot be null");
        this.store = Objects.requireNonNull(store, "store cannot be null");
        this.combinedLookups = COMBINES.get(store.getClass());
        this.batchLookups = combinedLookups || batches(store);
        this.allowUnresolved = allowUnresolved;
        this.skew = Objects.requireNonNull(skew, "skew cannot be null");
        if (maxAncestors < 1) {
            throw new IllegalArgumentException("maxAncestors must be >= 1");
        }
        this.maxAncestors = maxAncestors;
        this.rules = List.copyOf(rules);
        this.listener = Objects.requireNonNull(listener, "listener cannot be null");
    }

    /**
     * @return the unresolved predecessors (empty unless the ALLOW policy accepted some)
     * @throws EctRejectedException with a {@code dag_*} (or {@code replay}) reason
     * @throws EctUnavailableException {@code ledger_unavailable} when the store cannot be read
     */
    public List<String> validate(Ect child) { return check(child).unresolvedPredecessors(); }

    /**
     * {@link #validate(Ect)}, returning what the check found: the resolved predecessors and the
     * ancestry query that {@link dev.ect.core.EctValidator}s ask ({@link DagView#descendsFrom}),
     * answered from this store within what is left of this check's deadline.
     *
     * @throws EctRejectedException with a {@code dag_*} (or {@code replay}) reason
     * @throws EctUnavailableException {@code ledger_unavailable} when the store cannot be read
     */
    public DagView check(Ect child) {
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(child.jti(), "child jti");
        long start = nanoTicker.getAsLong();
        // a store that looks several ids up at once: one call for the child's jti (G-01) and every
        // pred entry (G-02..G-04, G-07); any other store: one call per id, each when its rule needs it
        DagLookups looked = batchLookups ? findAll(child, start) : null;
        List<List<SignedEct>> lookedUp = looked != null ? looked.found() : null;
        // G-01: per (iss, wid, jti)
        for (SignedEct stored : lookedUp != null ? lookedUp.get(0) : find(child.jti(), start)) {
            Ect s = stored.ect();
            if (!Objects.equals(s.iss(), child.iss())) {
                continue; // another issuer's id: never a conflict (G-07 guards its use as a pred)
            }
            if (Uuids.same(s.wid(), child.wid())) {
                if (s.sameClaims(child)) {
                    throw reject(ReasonCode.REPLAY, "G-01", "ECT " + child.jti() + " was already accepted");
                }
                throw reject(ReasonCode.DAG_DUPLICATE_JTI, "G-01", "jti " + child.jti() + " is already used by this issuer"
                        + (child.wid() == null ? "" : " in workflow " + child.wid()));
            }
            if (child.wid() == null) { // T-12: the stored ECT's workflow is not named
                throw reject(ReasonCode.DAG_DUPLICATE_JTI, "G-01", "jti " + child.jti()
                        + " is already used by this issuer; an ECT without a wid must have a jti unique in every workflow");
            }
        }
        if (containsId(child.pred(), child.jti())) { // C-08 for tokens; G-05 for ECTs validated directly
            throw reject(ReasonCode.DAG_CYCLE, "G-05", "ECT " + child.jti() + " names itself as a predecessor");
        }
        List<String> unresolved = null; // made when the ALLOW policy lets the first one through
        List<SignedEct> resolved = new ArrayList<>(child.pred().size());
        List<Ect> resolvedEcts = new ArrayList<>(child.pred().size());
        Instant latest = null; // G-04: no predecessor issued after the child's iat + skew (computed at the first need)
        for (int i = 0; i < child.pred().size(); i++) {
            String p = child.pred().get(i);
            List<SignedEct> found = lookedUp != null ? lookedUp.get(i + 1) : find(p, start);
            List<SignedEct> matches = DagWalks.sameWorkflow(found, child.wid());
            if (matches.isEmpty()) {
                if (!found.isEmpty()) { // G-03; T-12: the predecessor's own workflow is not named
                    throw reject(ReasonCode.DAG_WORKFLOW_MISMATCH, "G-03", "predecessor " + p + " is not in "
                            + (child.wid() == null ? "this ECT's workflow (it has no wid)" : "workflow " + child.wid()));
                }
                if (!allowUnresolved) { // G-02
                    throw reject(ReasonCode.DAG_UNKNOWN_PREDECESSOR, "G-02", "predecessor " + p + " is not known");
                }
                if (unresolved == null) {
                    unresolved = new ArrayList<>();
                }
                unresolved.add(p);
                continue;
            }
            if (matches.size() > 1) { // G-07: two ECTs claim this task id; building on either is a guess
                ambiguous(child, p, matches);
            }
            SignedEct stored = matches.get(0);
            Ect match = stored.ect();
            // G-04
            if (match.iat() != null && child.iat() != null && latest == null) {
                latest = child.iat().plus(skew);
            }
            if (match.iat() != null && child.iat() != null && match.iat().isAfter(latest)) {
                throw reject(ReasonCode.DAG_TEMPORAL_VIOLATION, "G-04",
                        "predecessor " + p + " was issued after its child (beyond the skew of " + skew.toSeconds() + " s)");
            }
            resolved.add(stored);
            resolvedEcts.add(match);
        }
        List<SignedEct> parents = List.copyOf(resolved);
        List<Ect> predecessors = List.copyOf(resolvedEcts);
        // G-05, decided by the lookups' call when the store could (its parents are these: every pred
        // entry stored in the child's workflow resolved to exactly one ECT, or the check failed above)
        walkAncestors(child, parents, start, looked != null ? looked.walk().orElse(null) : null);
        for (DagRule rule : rules) { // G-06
            Optional<String> refusal = rule.check(child, predecessors);
            if (refusal.isPresent()) {
                throw reject(ReasonCode.DAG_POLICY_VIOLATION, "G-06", refusal.get());
            }
        }
        return new View(child, parents, predecessors, unresolved == null ? List.of() : List.copyOf(unresolved), start);
    }

    /** The result of one check; its ancestry query shares the check's store, bound and deadline. */
    private final class View implements DagView {
        private final Ect child;
        private final List<SignedEct> parents;
        private final List<Ect> predecessors;
        private final List<String> unresolved;
        private final long start;

        View(Ect child, List<SignedEct> parents, List<Ect> predecessors, List<String> unresolved, long start) {
            this.child = child;
            this.parents = parents;
            this.predecessors = predecessors;
            this.unresolved = unresolved;
            this.start = start;
        }

        @Override
        public Ect ect() { return child; }

        @Override
        public List<Ect> predecessors() { return predecessors; }

        @Override
        public List<String> unresolvedPredecessors() { return unresolved; }

        @Override
        public boolean descendsFrom(String taskId) {
            Objects.requireNonNull(taskId, "taskId");
            if (containsId(child.pred(), taskId)) {
                return true;
            }
            if (parents.isEmpty() || Uuids.same(taskId, child.jti())) {
                return false;
            }
            // the G-05 walk with another target: "an examined ancestor names taskId" is descent. G-05
            // passed with the same bound, so the walk completes within it; a store that says
            // otherwise is answered "not descended" (fails closed)
            AncestorWalk walk;
            try {
                walk = store.walkAncestors(parents, Uuids.canonical(taskId), maxAncestors, timeLeft(start));
            } catch (EctException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ECT store ancestor walk failed: " + e, e);
            }
            if (walk == null) {
                throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ECT store ancestor walk returned nothing");
            }
            checkDeadline(start);
            return walk.outcome() == AncestorWalk.Outcome.REACHED_TARGET;
        }
    }

    private void ambiguous(Ect child, String pred, List<SignedEct> matches) {
        List<String> issuers = new ArrayList<>(matches.size());
        matches.forEach(m -> issuers.add(m.ect().iss() == null ? "" : m.ect().iss()));
        try {
            listener.onSecurityEvent(new SecurityEvent(SecurityEvent.Kind.AMBIGUOUS_PREDECESSOR,
                    ReasonCode.DAG_AMBIGUOUS_PREDECESSOR, child.jti(), child.iss(), child.wid(), pred, issuers));
        } catch (RuntimeException e) {
            LOG.warn("verification listener failed on a security event: {}", e.toString());
        }
        // T-12: the other issuers are not named to the sender
        throw reject(ReasonCode.DAG_AMBIGUOUS_PREDECESSOR, "G-07",
                "predecessor " + pred + " is claimed by more than one issuer in this workflow; refusing to guess which one is meant");
    }

    private void walkAncestors(Ect child, List<SignedEct> parents, long start, AncestorWalk decided) {
        if (parents.isEmpty()) {
            return;
        }
        AncestorWalk walk;
        try {
            walk = decided != null ? decided : store.walkAncestors(parents, Uuids.canonical(child.jti()), maxAncestors, timeLeft(start));
        } catch (EctException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ECT store ancestor walk failed: " + e, e);
        }
        if (walk == null) {
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ECT store ancestor walk returned nothing");
        }
        checkDeadline(start); // an answer after the deadline does not count
        switch (walk.outcome()) {
            case REACHED_TARGET -> throw reject(ReasonCode.DAG_CYCLE, "G-05", "ECT " + child.jti() + " is its own ancestor");
            case LIMIT_EXCEEDED -> throw reject(ReasonCode.DAG_TOO_DEEP, "G-05", "ancestor walk exceeded " + maxAncestors + " nodes");
            case COMPLETE -> { }
        }
    }

    /** The time left of this check's deadline; 503 when none is. */
    private Duration timeLeft(long start) { return Duration.ofNanos(nanosLeft(start)); }

    /** {@link #timeLeft} without the Duration, after a store call: 503 when the deadline has passed. */
    private void checkDeadline(long start) { nanosLeft(start); }

    private long nanosLeft(long start) {
        long left = timeoutNanos - (nanoTicker.getAsLong() - start);
        if (left <= 0) {
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "the DAG check exceeded its deadline of "
                    + timeout.toMillis() + " ms (dagTimeout, ECT_DAG_TIMEOUT_MS): the ECT store is too slow");
        }
        return left;
    }

    private static boolean containsId(List<String> ids, String id) {
        for (String x : ids) {
            if (Uuids.same(x, id)) {
                return true;
            }
        }
        return false;
    }

    /** The stored tokens whose jti is {@code jti} in canonical form (the store is asked in lower case), within the deadline. */
    private List<SignedEct> find(String jti, long start) {
        List<SignedEct> found;
        try {
            found = store.findByJti(Uuids.canonical(jti), timeLeft(start));
        } catch (EctException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ECT store lookup failed: " + e, e);
        }
        checkDeadline(start);
        return DagWalks.exact(found, jti);
    }

    /**
     * Per store class: does it override {@link EctStore#findByJtis} (answer several lookups in one
     * call)? Asked once per class, not per validator: the verifier builds a validator per call for a
     * response ECT's scope (F-03) and for a second filter on one request (T-09).
     */
    private static final ClassValue<Boolean> BATCHES = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("findByJtis", List.class, Duration.class).getDeclaringClass() != EctStore.class;
            } catch (NoSuchMethodException | SecurityException e) {
                return false;
            }
        }
    };

    private static boolean batches(EctStore store) { return BATCHES.get(store.getClass()); }

    /** Per store class: does it override {@link EctStore#lookupForCheck} (lookups and maybe G-05 in one call)? */
    private static final ClassValue<Boolean> COMBINES = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("lookupForCheck", Ect.class, List.class, int.class, Duration.class)
                        .getDeclaringClass() != EctStore.class;
            } catch (NoSuchMethodException | SecurityException e) {
                return false;
            }
        }
    };

    /**
     * The stored ECTs of the child's {@code jti} (element 0) and of each {@code pred} entry (element
     * i + 1), each id in canonical form (the store is asked in lower case), in one store call,
     * within the deadline.
     */
    private DagLookups findAll(Ect child, long start) {
        List<String> ids = new ArrayList<>(1 + child.pred().size());
        ids.add(Uuids.canonical(child.jti()));
        for (String p : child.pred()) {
            ids.add(Uuids.canonical(p));
        }
        List<List<SignedEct>> found;
        AncestorWalk walk = null;
        try {
            if (combinedLookups) {
                DagLookups l = store.lookupForCheck(child, List.copyOf(ids), maxAncestors, timeLeft(start));
                found = l == null ? null : l.found();
                walk = l == null ? null : l.walk().orElse(null);
            } else {
                found = store.findByJtis(List.copyOf(ids), timeLeft(start));
            }
        } catch (EctException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ECT store lookup failed: " + e, e);
        }
        checkDeadline(start);
        if (found == null || found.size() != ids.size()) {
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ECT store lookup returned "
                    + (found == null ? "nothing" : found.size() + " results for " + ids.size() + " ids"));
        }
        List<List<SignedEct>> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            out.add(DagWalks.exact(found.get(i), i == 0 ? child.jti() : child.pred().get(i - 1)));
        }
        return walk == null ? DagLookups.of(out) : DagLookups.of(out, walk);
    }

    private static EctRejectedException reject(ReasonCode code, String rule, String detail) {
        return new EctRejectedException(EctError.of(code, rule, detail));
    }
}

package dev.ect.core.dag;

import dev.ect.core.Ect;
import dev.ect.core.EctError;
import dev.ect.core.EctException;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Validates an ECT against the workflow graph in an {@link EctStore} (profile V-13, G-01..G-06).
 * Pure: it only reads the store. Thread-safe when the store is.
 *
 * <p>Rules, in order: G-01 unique {@code jti} per {@code wid}; for each {@code pred} entry G-02
 * resolution, G-03 same workflow, G-04 temporal order (predecessor {@code iat} &le; child
 * {@code iat} + skew); G-05 a bounded ancestor walk that must not reach the child's {@code jti};
 * G-06 the configured {@link DagRule}s.
 *
 * <p>G-01 refinement [P]: when the stored ECT with the same {@code jti} carries exactly the same
 * claims, the token is a resubmission of an accepted ECT and is rejected as {@code replay}; a
 * different ECT reusing the {@code jti} is {@code dag_duplicate_jti}. Uniqueness is per
 * {@code wid} when the child has one; a child without {@code wid} must be globally unique, so any
 * stored ECT with its {@code jti} conflicts.
 *
 * <p>A {@code pred} that names the child itself (which V-10, C-08, already rejects as
 * {@code invalid_claim} for a token) is a {@code dag_cycle} here, for ECTs validated directly.
 *
 * <p>A store that fails with something other than an {@link dev.ect.core.EctException} is reported
 * as 503 {@code ledger_unavailable}: the store is the ledger or stands in for it, and its failure is
 * not the token's fault (T-06).
 */
public final class DagValidator {
    private final EctStore store;
    private final boolean allowUnresolved;
    private final Duration skew;
    private final int maxAncestors;
    private final List<DagRule> rules;

    /**
     * @param store where predecessors are looked up
     * @param allowUnresolved G-02 policy: false = REJECT (default), true = ALLOW (partial DAG)
     * @param skew the clock skew of G-04 (default 30 s)
     * @param maxAncestors the bound of the G-05 walk (default 10,000)
     * @param rules G-06 policy hooks
     */
    public DagValidator(EctStore store, boolean allowUnresolved, Duration skew, int maxAncestors, List<DagRule> rules) {
        this.store = Objects.requireNonNull(store, "store cannot be null");
        this.allowUnresolved = allowUnresolved;
        this.skew = Objects.requireNonNull(skew, "skew cannot be null");
        if (maxAncestors < 1) {
            throw new IllegalArgumentException("maxAncestors must be >= 1");
        }
        this.maxAncestors = maxAncestors;
        this.rules = List.copyOf(rules);
    }

    /**
     * @return the unresolved predecessors (empty unless the ALLOW policy accepted some)
     * @throws EctRejectedException with a {@code dag_*} (or {@code replay}) reason
     * @throws EctUnavailableException {@code ledger_unavailable} when the store cannot be read
     */
    public List<String> validate(Ect child) {
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(child.jti(), "child jti");
        // G-01
        List<Ect> same = find(child.jti());
        for (Ect s : same) {
            if (Objects.equals(s.wid(), child.wid())) {
                if (s.sameClaims(child)) {
                    throw reject(ReasonCode.REPLAY, "G-01", "ECT " + child.jti() + " was already accepted");
                }
                throw reject(ReasonCode.DAG_DUPLICATE_JTI, "G-01", "jti " + child.jti() + " is already used in this workflow");
            }
        }
        if (child.wid() == null && !same.isEmpty()) {
            throw reject(ReasonCode.DAG_DUPLICATE_JTI, "G-01", "jti " + child.jti() + " is already used (in workflow "
                    + same.get(0).wid() + "); an ECT without a wid must have a globally unique jti");
        }
        if (child.pred().contains(child.jti())) { // C-08 for tokens; G-05 for ECTs validated directly
            throw reject(ReasonCode.DAG_CYCLE, "G-05", "ECT " + child.jti() + " names itself as a predecessor");
        }
        List<String> unresolved = new ArrayList<>();
        List<Ect> resolved = new ArrayList<>();
        for (String p : child.pred()) {
            List<Ect> found = find(p);
            Ect match = null;
            for (Ect f : found) {
                if (Objects.equals(f.wid(), child.wid())) {
                    match = f;
                    break;
                }
            }
            if (match == null) {
                if (!found.isEmpty()) { // G-03
                    throw reject(ReasonCode.DAG_WORKFLOW_MISMATCH, "G-03",
                            "predecessor " + p + " belongs to workflow " + found.get(0).wid() + ", not " + child.wid());
                }
                if (!allowUnresolved) { // G-02
                    throw reject(ReasonCode.DAG_UNKNOWN_PREDECESSOR, "G-02", "predecessor " + p + " is not known");
                }
                unresolved.add(p);
                continue;
            }
            // G-04
            if (match.iat() != null && child.iat() != null && match.iat().isAfter(child.iat().plus(skew))) {
                throw reject(ReasonCode.DAG_TEMPORAL_VIOLATION, "G-04",
                        "predecessor " + p + " was issued after its child (beyond the skew of " + skew.toSeconds() + " s)");
            }
            resolved.add(match);
        }
        walkAncestors(child, resolved); // G-05
        for (DagRule rule : rules) { // G-06
            Optional<String> refusal = rule.check(child, List.copyOf(resolved));
            if (refusal.isPresent()) {
                throw reject(ReasonCode.DAG_POLICY_VIOLATION, "G-06", refusal.get());
            }
        }
        return List.copyOf(unresolved);
    }

    private void walkAncestors(Ect child, List<Ect> parents) {
        Set<String> seen = new HashSet<>();
        Deque<Ect> todo = new ArrayDeque<>(parents);
        int visited = 0;
        while (!todo.isEmpty()) {
            Ect node = todo.pop(); // never the child: a pred naming it is refused before it is pushed
            if (!seen.add(node.jti())) {
                continue;
            }
            if (++visited > maxAncestors) {
                throw reject(ReasonCode.DAG_TOO_DEEP, "G-05", "ancestor walk exceeded " + maxAncestors + " nodes");
            }
            for (String p : node.pred()) {
                if (p.equals(child.jti())) {
                    throw reject(ReasonCode.DAG_CYCLE, "G-05", "ECT " + child.jti() + " is its own ancestor");
                }
                if (seen.contains(p)) {
                    continue;
                }
                for (Ect f : find(p)) {
                    if (Objects.equals(f.wid(), node.wid())) {
                        todo.push(f);
                        break;
                    }
                }
            }
        }
    }

    private List<Ect> find(String jti) {
        try {
            List<Ect> found = store.findByJti(jti);
            return found == null ? List.of() : found;
        } catch (EctException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ECT store lookup failed: " + e, e);
        }
    }

    private static EctRejectedException reject(ReasonCode code, String rule, String detail) {
        return new EctRejectedException(EctError.of(code, rule, detail));
    }
}

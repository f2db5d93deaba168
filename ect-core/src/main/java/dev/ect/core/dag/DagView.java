package dev.ect.core.dag;

import dev.ect.core.Ect;
import dev.ect.core.internal.Uuids;
import java.util.List;
import java.util.Objects;

/**
 * What the DAG check (V-13, G-01..G-07) found for one ECT, and the one query an
 * {@link dev.ect.core.EctValidator} may ask of the graph: given to each validator by the verifier
 * ({@link DagValidator#check(Ect)} makes it).
 *
 * <p>{@link #descendsFrom(String)} answers "is task {@code O} an ancestor of this ECT" (F-03/F-04,
 * T-08: a response ECT must descend from the request it answers) by following {@code pred} links
 * only, within the ECT's workflow (G-03), from the predecessors the DAG check resolved: one
 * {@link EctStore#walkAncestors} call (one query on a database store), within what is left of the
 * DAG check's deadline and its {@code maxAncestors} bound. That a store lookup <em>happened</em>
 * proves nothing about descent; only a {@code pred} chain does.
 */
public interface DagView {
    /** The ECT the DAG check was run for. */
    Ect ect();

    /**
     * The stored ECTs its {@code pred} entries resolved to (G-02), in {@code pred} order, one per
     * resolved entry, all in its workflow (G-03). Entries accepted unresolved are not in it.
     */
    List<Ect> predecessors();

    /** {@code pred} entries accepted unresolved under the G-02 {@code ALLOW} policy; empty otherwise. */
    List<String> unresolvedPredecessors();

    /**
     * True when task {@code taskId} is an ancestor of {@link #ect()}: a {@code pred} entry names
     * it, or one of its ancestors' does, through {@code pred} links within the workflow (ids compared
     * in canonical lower case, P-01). False for the ECT's own {@code jti} (an ECT reusing the id of
     * task {@code O} does not descend from {@code O}).
     *
     * @throws dev.ect.core.EctUnavailableException {@code ledger_unavailable} when the store cannot
     *     be read, or not within the DAG check's deadline
     */
    boolean descendsFrom(String taskId);

    /**
     * A view that knows only the ECT's own {@code pred} (no store): {@link #descendsFrom} is true for
     * a direct predecessor only. What {@link dev.ect.core.EctVerifier#verify(String, dev.ect.core.VerificationScope)}
     * gives validators when the verifier is not the library's own and cannot share its DAG check.
     */
    static DagView direct(Ect ect) {
        Objects.requireNonNull(ect, "ect cannot be null");
        return new DagView() {
            @Override
            public Ect ect() { return ect; }

            @Override
            public List<Ect> predecessors() { return List.of(); }

            @Override
            public List<String> unresolvedPredecessors() { return ect.pred(); }

            @Override
            public boolean descendsFrom(String taskId) {
                for (String p : ect.pred()) {
                    if (Uuids.same(p, taskId)) {
                        return true;
                    }
                }
                return false;
            }
        };
    }
}

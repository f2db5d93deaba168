package dev.ect.core.dag;

import dev.ect.core.Ect;
import dev.ect.core.SignedEct;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.internal.Uuids;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The default ancestor walk of {@link EctStore} and the id matching it shares with {@link DagValidator}. */
final class DagWalks {
    private DagWalks() {}

    /**
     * The G-05 walk as one {@code findByJti} per distinct {@code pred} id: depth first from the
     * parents, every ECT carrying an id in the node's workflow followed (a cycle through any of them
     * counts), each id looked up once.
     */
    static AncestorWalk depthFirst(EctStore store, List<SignedEct> parents, String jti, int limit, Duration timeout) {
        Objects.requireNonNull(parents, "parents");
        Objects.requireNonNull(jti, "jti");
        requireArguments(limit, timeout);
        if (allRoots(parents)) { // nothing to look up: the walk visits the parents and ends
            return parents.size() > limit ? AncestorWalk.limitExceeded(limit) : AncestorWalk.complete(parents.size());
        }
        long start = System.nanoTime();
        long budget = timeout.toNanos();
        Set<String> looked = null; // jtis whose ECTs are queued already (all in the child's workflow); made at the first pred
        Deque<Ect> todo = new ArrayDeque<>(parents.size());
        for (SignedEct p : parents) {
            todo.add(p.ect());
        }
        int visited = 0;
        while (!todo.isEmpty()) {
            Ect node = todo.pop();
            if (++visited > limit) {
                return AncestorWalk.limitExceeded(limit);
            }
            for (String p : node.pred()) {
                if (Uuids.same(p, jti)) {
                    return AncestorWalk.reachedTarget(visited);
                }
                if (looked == null) {
                    looked = new HashSet<>();
                    for (SignedEct q : parents) {
                        looked.add(Uuids.canonical(q.ect().jti()));
                    }
                }
                if (!looked.add(Uuids.canonical(p))) {
                    continue;
                }
                long left = budget - (System.nanoTime() - start);
                if (left <= 0) {
                    throw deadlineExceeded("after " + visited + " ancestors");
                }
                List<SignedEct> found = exact(store.findByJti(Uuids.canonical(p), Duration.ofNanos(left)), p);
                for (SignedEct f : sameWorkflow(found, node.wid())) {
                    todo.push(f.ect());
                }
            }
        }
        return AncestorWalk.complete(visited);
    }

    private static boolean allRoots(List<SignedEct> parents) {
        for (SignedEct p : parents) {
            if (!p.ect().pred().isEmpty()) {
                return false;
            }
        }
        return true;
    }

    static void requireArguments(int limit, Duration timeout) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0");
        }
    }

    /** 503 {@code ledger_unavailable}: the DAG check ran out of time; the store is too slow, not the token bad. */
    static EctUnavailableException deadlineExceeded(String where) {
        return new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE,
                "the DAG check exceeded its deadline (dagTimeout, ECT_DAG_TIMEOUT_MS) " + where);
    }

    /** The tokens of {@code found} whose ECT's jti is {@code jti} (a store that answers loosely: keep the matches only). */
    static List<SignedEct> exact(List<SignedEct> found, String jti) {
        if (found == null || found.isEmpty()) {
            return List.of();
        }
        for (SignedEct f : found) {
            if (f == null || !Uuids.same(f.ect().jti(), jti)) {
                List<SignedEct> out = new ArrayList<>(found.size());
                for (SignedEct g : found) {
                    if (g != null && Uuids.same(g.ect().jti(), jti)) {
                        out.add(g);
                    }
                }
                return out;
            }
        }
        return found;
    }

    /** The tokens of {@code found} in workflow {@code wid}, one per distinct ECT (a store may return a copy twice). */
    static List<SignedEct> sameWorkflow(List<SignedEct> found, String wid) {
        if (found.size() == 1) { // the usual case: one ECT carries the id (returned as is, no copy)
            return Uuids.same(found.get(0).ect().wid(), wid) ? found : List.of();
        }
        List<SignedEct> out = null;
        for (SignedEct f : found) {
            if (!Uuids.same(f.ect().wid(), wid)) {
                continue;
            }
            if (out == null) {
                out = new ArrayList<>(1);
            } else if (containsSame(out, f)) {
                continue;
            }
            out.add(f);
        }
        return out == null ? List.of() : out;
    }

    private static boolean containsSame(List<SignedEct> list, SignedEct e) {
        for (SignedEct x : list) {
            if (x.ect().sameClaims(e.ect())) {
                return true;
            }
        }
        return false;
    }
}

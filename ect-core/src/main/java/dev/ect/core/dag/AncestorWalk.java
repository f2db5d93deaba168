package dev.ect.core.dag;

import java.util.Objects;

/**
 * What a bounded ancestor walk found (G-05), as returned by
 * {@link EctStore#walkAncestors(java.util.List, String, int, java.time.Duration)}.
 *
 * <p>The walk visits ECTs reachable through {@code pred} links within the workflow of its start
 * (every stored ECT that carries a {@code pred} id in that workflow, from any issuer, each once),
 * starting with the given parents, and examines at most {@code limit} of them. It stops at the
 * first examined ECT that names the target {@code jti} ({@link Outcome#REACHED_TARGET}: a cycle),
 * or when a {@code limit + 1}st ECT is reachable ({@link Outcome#LIMIT_EXCEEDED}:
 * {@code dag_too_deep}); otherwise the whole ancestry was examined ({@link Outcome#COMPLETE}).
 *
 * @param outcome how the walk ended
 * @param visited how many ECTs were examined (at most the limit)
 */
public record AncestorWalk(Outcome outcome, int visited) {
    /** How a walk ended. */
    public enum Outcome {
        /** Every ancestor within the limit was examined and none names the target: no cycle. */
        COMPLETE,
        /** An examined ancestor names the target {@code jti} in its {@code pred}: {@code dag_cycle}. */
        REACHED_TARGET,
        /** More ancestors than the limit are reachable: {@code dag_too_deep}. */
        LIMIT_EXCEEDED
    }

    /**
     * @throws NullPointerException when {@code outcome} is null
     * @throws IllegalArgumentException when {@code visited < 0}
     */
    public AncestorWalk {
        Objects.requireNonNull(outcome, "outcome cannot be null");
        if (visited < 0) {
            throw new IllegalArgumentException("visited must be >= 0");
        }
    }

    /** No cycle: all {@code visited} ancestors were examined. */
    public static AncestorWalk complete(int visited) { return new AncestorWalk(Outcome.COMPLETE, visited); }

    /** A cycle: the {@code visited}th examined ancestor names the target. */
    public static AncestorWalk reachedTarget(int visited) { return new AncestorWalk(Outcome.REACHED_TARGET, visited); }

    /** The bound: more than {@code limit} ancestors are reachable. */
    public static AncestorWalk limitExceeded(int limit) { return new AncestorWalk(Outcome.LIMIT_EXCEEDED, limit); }
}

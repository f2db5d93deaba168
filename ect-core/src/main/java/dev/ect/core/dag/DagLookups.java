package dev.ect.core.dag;

import dev.ect.core.SignedEct;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a store found for one DAG check in one call ({@link EctStore#lookupForCheck}): the stored
 * tokens of the child's {@code jti} and of each {@code pred} entry (as
 * {@link EctStore#findByJtis}), and, when the store could decide it in the same round trip, the
 * outcome of the child's G-05 ancestor walk.
 */
public final class DagLookups {
    private final List<List<SignedEct>> found;
    private final AncestorWalk walk;

    private DagLookups(List<List<SignedEct>> found, AncestorWalk walk) {
        this.found = Objects.requireNonNull(found, "found cannot be null");
        this.walk = walk;
    }

    /** The lookups alone: the validator asks {@link EctStore#walkAncestors} for G-05 when it needs to. */
    public static DagLookups of(List<List<SignedEct>> found) { return new DagLookups(found, null); }

    /**
     * The lookups and the G-05 walk decided with them: the walk the validator would ask for, from the
     * child's {@code pred} entries stored in the child's workflow, for the child's {@code jti}, with
     * the given limit. The validator uses it only when it reaches G-05, i.e. when every one of those
     * entries resolved to exactly one stored ECT (G-02, G-03, G-07 passed), so those are the walk's parents.
     */
    public static DagLookups of(List<List<SignedEct>> found, AncestorWalk walk) {
        return new DagLookups(found, Objects.requireNonNull(walk, "walk cannot be null"));
    }

    /** One list per id asked for, in the order asked ({@link EctStore#findByJtis}). */
    public List<List<SignedEct>> found() { return found; }

    /** The G-05 walk's outcome when the store decided it in the same call; empty: not decided. */
    public Optional<AncestorWalk> walk() { return Optional.ofNullable(walk); }
}

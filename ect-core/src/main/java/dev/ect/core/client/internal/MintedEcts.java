package dev.ect.core.client.internal;

import dev.ect.core.Ect;
import dev.ect.core.dag.EctStore;
import dev.ect.core.internal.Uuids;
import java.util.List;
import java.util.Objects;

/**
 * The store of {@code EctClientConfig.mintedEctStore(fallback)}: on its own just the fallback; for
 * one verification whose caller passes the ECTs it minted ({@link #including(List)}, called by the
 * verifier with the scope's own ECTs), a view that resolves them first (F-03: "the client's DAG
 * check resolves O from the tokens it minted itself"). Nothing is kept between verifications and
 * nothing is per thread, so one call's tokens never reach another call's checks, and the same
 * verifier can check inbound ECTs in a servlet filter with only the fallback answering.
 *
 * <p>The view does not override the ancestor walk: the default walk (one lookup per ancestor,
 * through the view) passes through the client's own tokens, which a database's one-query walk
 * would not see.
 */
public final class MintedEcts implements EctStore {
    private final EctStore fallback;

    public MintedEcts(EctStore fallback) { this.fallback = Objects.requireNonNull(fallback, "fallback cannot be null"); }

    @Override
    public List<Ect> findByJti(String jti) { return fallback.findByJti(jti); }

    @Override
    public List<Ect> findByJti(String jti, java.time.Duration timeout) { return fallback.findByJti(jti, timeout); }

    @Override
    public dev.ect.core.dag.AncestorWalk walkAncestors(List<Ect> parents, String jti, int limit, java.time.Duration timeout) {
        return fallback.walkAncestors(parents, jti, limit, timeout);
    }

    @Override
    public EctStore including(List<Ect> own) {
        List<Ect> mine = List.copyOf(own);
        EctStore rest = fallback.including(mine); // a chained minted store (two integrations, one verifier) sees them too
        return mine.isEmpty() ? rest : new WithOwn(mine, rest);
    }

    /** One verification's view: the caller's own tokens first, then the fallback. */
    private record WithOwn(List<Ect> own, EctStore fallback) implements EctStore {
        @Override
        public List<Ect> findByJti(String jti) {
            Ect e = find(jti);
            return e != null ? List.of(e) : fallback.findByJti(jti);
        }

        @Override
        public List<Ect> findByJti(String jti, java.time.Duration timeout) {
            Ect e = find(jti);
            return e != null ? List.of(e) : fallback.findByJti(jti, timeout);
        }

        @Override
        public EctStore including(List<Ect> more) { return this; }

        private Ect find(String jti) {
            for (Ect e : own) {
                if (Uuids.same(e.jti(), jti)) {
                    return e;
                }
            }
            return null;
        }
    }
}

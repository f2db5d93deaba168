package dev.ect.core.client.internal;

import dev.ect.core.SignedEct;
import dev.ect.core.dag.AncestorWalk;
import dev.ect.core.dag.EctStore;
import dev.ect.core.dag.ForwardingEctStore;
import dev.ect.core.internal.Uuids;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The store of {@code EctClientConfig.mintedEctStore(fallback)}: on its own just the fallback; for
 * one verification whose caller passes the tokens it minted ({@link #including(List)}, called by the
 * verifier with the scope's own tokens), a view that resolves them first (F-03: "the client's DAG
 * check resolves O from the tokens it minted itself"). Nothing is kept between verifications and
 * nothing is per thread, so one call's tokens never reach another call's checks, and the same
 * verifier can check inbound ECTs in a servlet filter with only the fallback answering.
 *
 * <p>The view does not override the ancestor walk: the default walk (one lookup per ancestor,
 * through the view) passes through the client's own tokens, which a database's one-query walk
 * would not see.
 */
public final class MintedEcts implements ForwardingEctStore {
    private final EctStore fallback;

    public MintedEcts(EctStore fallback) { this.fallback = Objects.requireNonNull(fallback, "fallback cannot be null"); }

    @Override
    public EctStore delegate() { return fallback; }

    @Override
    public EctStore including(List<SignedEct> own) {
        List<SignedEct> mine = List.copyOf(own);
        EctStore rest = fallback.including(mine); // a chained minted store (two integrations, one verifier) sees them too
        return mine.isEmpty() ? rest : new WithOwn(mine, rest);
    }

    /** One verification's view: the caller's own tokens first, then the fallback. */
    private record WithOwn(List<SignedEct> own, EctStore fallback) implements EctStore {
        @Override
        public List<SignedEct> findByJti(String jti) {
            SignedEct e = find(jti);
            return e != null ? List.of(e) : fallback.findByJti(jti);
        }

        @Override
        public List<SignedEct> findByJti(String jti, Duration timeout) {
            SignedEct e = find(jti);
            return e != null ? List.of(e) : fallback.findByJti(jti, timeout);
        }

        /** The ids that are not the caller's own in one call of the fallback (a database: one query). */
        @Override
        public List<List<SignedEct>> findByJtis(List<String> jtis, Duration timeout) {
            List<List<SignedEct>> out = new ArrayList<>(jtis.size());
            List<String> rest = new ArrayList<>(jtis.size());
            for (String jti : jtis) {
                SignedEct e = find(jti);
                out.add(e != null ? List.of(e) : null);
                if (e == null) {
                    rest.add(jti);
                }
            }
            if (rest.isEmpty()) {
                return out;
            }
            List<List<SignedEct>> found = fallback.findByJtis(List.copyOf(rest), timeout);
            if (found == null || found.size() != rest.size()) {
                return null; // a broken fallback: the DagValidator reports it (503)
            }
            for (int i = 0, j = 0; i < out.size(); i++) {
                if (out.get(i) == null) {
                    out.set(i, found.get(j++));
                }
            }
            return out;
        }

        @Override
        public EctStore including(List<SignedEct> more) { return this; }

        private SignedEct find(String jti) {
            for (SignedEct e : own) {
                if (Uuids.same(e.ect().jti(), jti)) {
                    return e;
                }
            }
            return null;
        }
    }
}

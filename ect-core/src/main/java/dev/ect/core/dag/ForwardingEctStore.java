package dev.ect.core.dag;

import dev.ect.core.Ect;
import dev.ect.core.SignedEct;
import java.time.Duration;
import java.util.List;

/**
 * An {@link EctStore} that passes every call on to {@link #delegate()}: a wrapper (a view, a
 * late-bound store, an instrumented one) implements this and overrides only what it changes, and so
 * keeps the delegate's one-query lookups ({@link #findByJtis}), its one-statement DAG check
 * ({@link #lookupForCheck}) and its one-query walk ({@link #walkAncestors}) (V-13, G-05), including
 * any method {@code EctStore} gains later. A wrapper that implements {@code EctStore} directly gets
 * the interface's defaults instead, which ask the delegate one id at a time.
 */
public interface ForwardingEctStore extends EctStore {
    /** The store every call goes to; may change between calls (a late-bound store), never null. */
    EctStore delegate();

    @Override
    default List<SignedEct> findByJti(String jti) { return delegate().findByJti(jti); }

    @Override
    default List<SignedEct> findByJti(String jti, Duration timeout) { return delegate().findByJti(jti, timeout); }

    @Override
    default List<List<SignedEct>> findByJtis(List<String> jtis, Duration timeout) { return delegate().findByJtis(jtis, timeout); }

    @Override
    default DagLookups lookupForCheck(Ect child, List<String> ids, int limit, Duration timeout) {
        return delegate().lookupForCheck(child, ids, limit, timeout);
    }

    @Override
    default AncestorWalk walkAncestors(List<SignedEct> parents, String jti, int limit, Duration timeout) {
        return delegate().walkAncestors(parents, jti, limit, timeout);
    }

    @Override
    default EctStore including(List<SignedEct> own) { return delegate().including(own); }
}

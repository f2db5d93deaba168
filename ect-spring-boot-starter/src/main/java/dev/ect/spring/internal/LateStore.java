package dev.ect.spring.internal;

import dev.ect.core.SignedEct;
import dev.ect.core.dag.EctStore;
import dev.ect.core.dag.ForwardingEctStore;
import java.util.List;
import java.util.Objects;

/**
 * An ECT store whose target is set once, after the assembler opened it: the verifier is built with
 * {@code EctClientConfig.mintedEctStore(late)} (so it can also check response ECTs, whose request
 * only this client holds, F-03) before the ledger it falls back to exists. Forwards every query,
 * including the one-query lookups and ancestor walk of a database ledger (V-13, G-05).
 */
public final class LateStore implements ForwardingEctStore {
    private volatile EctStore target = EctStore.empty();

    /** Sets the store every query goes to. */
    public void set(EctStore store) { target = Objects.requireNonNull(store, "store cannot be null"); }

    @Override
    public EctStore delegate() { return target; }

    @Override
    public EctStore including(List<SignedEct> own) {
        EctStore t = target.including(own);
        return t == target ? this : t;
    }

    @Override
    public String toString() { return "LateStore{" + target + "}"; }
}

package dev.ect.okhttp.internal;

import dev.ect.core.Ect;
import dev.ect.core.dag.EctStore;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An {@link EctStore} over the tokens the current call minted itself (F-03: "the client's DAG
 * check resolves O from the tokens it minted itself"). The network interceptor makes the call's
 * state visible to this store on its thread only while it verifies that call's response ECT; at
 * any other time the store is empty. So it holds no memory of its own and cannot leak one call's
 * tokens into another's checks.
 */
public final class MintedEcts implements EctStore {
    private static final ThreadLocal<CallState> ACTIVE = new ThreadLocal<>();

    private final EctStore fallback;

    public MintedEcts(EctStore fallback) { this.fallback = Objects.requireNonNull(fallback, "fallback cannot be null"); }

    @Override
    public List<Ect> findByJti(String jti) {
        CallState st = ACTIVE.get();
        if (st != null) {
            var own = st.minted(jti);
            if (own.isPresent()) {
                return List.of(own.get());
            }
        }
        return fallback.findByJti(jti);
    }

    /** Runs {@code body} with {@code st}'s minted tokens visible to every MintedEcts on this thread. */
    static <T> T with(CallState st, Supplier<T> body) {
        CallState previous = ACTIVE.get();
        ACTIVE.set(st);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                ACTIVE.remove();
            } else {
                ACTIVE.set(previous);
            }
        }
    }
}

package dev.ect.httpclient.internal;

import dev.ect.core.Ect;
import dev.ect.core.dag.EctStore;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * An {@link EctStore} over the tokens the current exchange minted itself (F-03: "the client's DAG
 * check resolves O from the tokens it minted itself"), in front of an optional fallback store.
 *
 * <p>The integration makes the exchange's state visible to this store, on its own thread, only
 * while it verifies that exchange's response ECT; at any other time (for example when the same
 * verifier checks inbound ECTs in a servlet filter) only the fallback answers. So the store holds
 * no memory of its own and never leaks one exchange's tokens into another's checks.
 *
 * <p>While active it also notes which of the exchange's own tokens the verifier's DAG check asked
 * for: the request's task is asked for exactly when it is a predecessor or an ancestor of the
 * response ECT (G-02 lookups, then the G-05 ancestor walk), which is how the integration tells
 * that the response descends from its request (T-08).
 *
 * <p>A copy of {@code dev.ect.okhttp.internal.MintedEcts} (this module does not depend on the
 * OkHttp one); the two stores chain through their fallbacks when one verifier serves both clients.
 */
public final class MintedEcts implements EctStore {
    private static final ThreadLocal<Active> ACTIVE = new ThreadLocal<>();

    private final EctStore fallback;

    public MintedEcts(EctStore fallback) { this.fallback = Objects.requireNonNull(fallback, "fallback cannot be null"); }

    @Override
    public List<Ect> findByJti(String jti) {
        Active a = ACTIVE.get();
        if (a != null) {
            Optional<Ect> own = a.state.minted(jti);
            if (own.isPresent()) {
                a.served.add(jti);
                return List.of(own.get());
            }
        }
        return fallback.findByJti(jti);
    }

    /** One verification of a response ECT: the exchange's state and the own tokens served so far. */
    static final class Active {
        final CallState state;
        final Set<String> served = new HashSet<>();

        Active(CallState state) { this.state = state; }

        /** True when the DAG check asked this store for {@code jti} (one of the exchange's own tokens). */
        boolean served(String jti) { return served.contains(jti); }
    }

    /** Runs {@code body} with {@code st}'s minted tokens visible to every MintedEcts on this thread. */
    static <T> T with(CallState st, Function<Active, T> body) {
        Active previous = ACTIVE.get();
        Active a = new Active(st);
        ACTIVE.set(a);
        try {
            return body.apply(a);
        } finally {
            if (previous == null) {
                ACTIVE.remove();
            } else {
                ACTIVE.set(previous);
            }
        }
    }
}

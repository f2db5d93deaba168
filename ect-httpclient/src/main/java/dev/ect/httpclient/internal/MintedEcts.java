package dev.ect.httpclient.internal;

import dev.ect.core.Ect;
import dev.ect.core.dag.EctStore;
import java.util.HashSet;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
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
 * <p>While active it also remembers every lookup the verifier made and what it found, so the
 * integration can then tell whether the response ECT descends from its request (T-08, F-03) by
 * following {@code pred} links only, over what the DAG check resolved.
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
            List<Ect> found = own.isPresent() ? List.of(own.get()) : fallback.findByJti(jti);
            if (found != null) {
                a.looked.putIfAbsent(jti, List.copyOf(found));
            }
            return found;
        }
        return fallback.findByJti(jti);
    }

    /** One verification of a response ECT: the exchange's state and the lookups made so far (one thread). */
    static final class Active {
        final CallState state;
        final Map<String, List<Ect>> looked = new HashMap<>();

        Active(CallState state) { this.state = state; }

        /**
         * F-03: true when {@code target} is reachable from {@code child} through {@code pred} links,
         * each resolved in the same workflow (G-03) from what the lookups found. That a lookup
         * <em>happened</em> proves nothing: G-01's own lookup of the response's {@code jti} finds the
         * request's ECT when the response reuses its task id.
         */
        boolean descends(Ect child, String target) {
            Set<String> seen = new HashSet<>();
            Deque<Ect> todo = new ArrayDeque<>();
            todo.push(child);
            while (!todo.isEmpty()) {
                Ect node = todo.pop();
                for (String p : node.pred()) {
                    if (p.equals(target)) {
                        return true;
                    }
                    if (!seen.add(p)) {
                        continue;
                    }
                    for (Ect f : looked.getOrDefault(p, List.of())) {
                        if (Objects.equals(f.wid(), node.wid())) {
                            todo.push(f);
                            break;
                        }
                    }
                }
            }
            return false;
        }
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

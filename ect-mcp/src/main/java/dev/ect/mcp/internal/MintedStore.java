package dev.ect.mcp.internal;

import dev.ect.core.Ect;
import dev.ect.core.context.TaskContext;
import dev.ect.core.dag.EctStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link EctStore} over the ECTs a task context minted (F-03: "the client's DAG check resolves O
 * from the tokens it minted itself"), in front of a fallback store. Active only on the thread that
 * verifies one response ECT, and only while it does; otherwise only the fallback answers. While
 * active it remembers every lookup, so the client can tell whether the response descends from its
 * request by following {@code pred} links over what the DAG check resolved (T-08, F-04).
 *
 * <p>The same design as the OkHttp and JDK HttpClient integrations' stores (a third copy: this
 * module depends on neither).
 */
public final class MintedStore implements EctStore {
    private static final ThreadLocal<Active> ACTIVE = new ThreadLocal<>();

    private final EctStore fallback;

    public MintedStore(EctStore fallback) { this.fallback = Objects.requireNonNull(fallback, "fallback cannot be null"); }

    @Override
    public List<Ect> findByJti(String jti) {
        Active a = ACTIVE.get();
        if (a == null) {
            return fallback.findByJti(jti);
        }
        Optional<Ect> own = a.context.minted(jti);
        List<Ect> found = own.isPresent() ? List.of(own.get()) : fallback.findByJti(jti);
        if (found != null) {
            a.looked.putIfAbsent(jti, List.copyOf(found));
        }
        return found;
    }

    /** One verification: the context whose minted ECTs are visible, and the lookups made so far. */
    public static final class Active {
        final TaskContext context;
        final Map<String, List<Ect>> looked = new HashMap<>();

        Active(TaskContext context) { this.context = context; }

        /** True when {@code target} is reachable from {@code child} through pred links in the same workflow. */
        public boolean descends(Ect child, String target) {
            Set<String> seen = new HashSet<>();
            Deque<Ect> todo = new ArrayDeque<>();
            todo.push(child);
            while (!todo.isEmpty()) {
                Ect node = todo.pop();
                for (String p : node.pred()) {
                    if (p.equalsIgnoreCase(target)) {
                        return true;
                    }
                    if (!seen.add(p.toLowerCase(java.util.Locale.ROOT))) {
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

    /** Runs {@code body} with {@code context}'s minted ECTs visible to every MintedStore on this thread. */
    public static <T> T with(TaskContext context, java.util.function.Function<Active, T> body) {
        Active previous = ACTIVE.get();
        ACTIVE.set(new Active(context));
        try {
            return body.apply(ACTIVE.get());
        } finally {
            if (previous == null) {
                ACTIVE.remove();
            } else {
                ACTIVE.set(previous);
            }
        }
    }

}

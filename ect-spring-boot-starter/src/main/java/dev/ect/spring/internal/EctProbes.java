package dev.ect.spring.internal;

import dev.ect.core.EctException;
import dev.ect.core.keys.KeySource;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checks behind the health contributor. Each answers what the filter would answer 503 for: a
 * replay store or ledger that cannot be reached ({@code replay_store_unavailable},
 * {@code ledger_unavailable}), a trusted issuer whose keys cannot be had ({@code key_source_unavailable}).
 */
public final class EctProbes {
    /** The key id asked for when probing a key source: never a real one. */
    static final String PROBE_KID = "ect-health-probe";

    private EctProbes() { }

    /** One check's result: up or not, and a short detail (never a URL or secret). */
    public record Result(boolean up, String detail) {}

    /**
     * A store (replay store, ledger) is probed by its public {@code boolean isAvailable()} method when it
     * has one (ect-redis' {@code RedisReplayStore}, ect-jdbc's {@code JdbcLedger}); an in-process store
     * (Caffeine replay store, file or in-memory ledger) has nothing to reach and is up.
     */
    public static Result store(Object store) {
        if (store == null) {
            return new Result(true, "none");
        }
        String type = store.getClass().getSimpleName();
        Method m;
        try {
            m = store.getClass().getMethod("isAvailable");
        } catch (NoSuchMethodException e) {
            return new Result(true, type + " (in process)");
        }
        if (m.getReturnType() != boolean.class || !Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
            return new Result(true, type + " (in process)");
        }
        try {
            boolean up = (Boolean) m.invoke(store);
            return new Result(up, type + (up ? " reachable" : " not reachable"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new Result(false, type + " check failed: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Asks the key source for an issuer's key under a key id that does not exist. With a usable key
     * set that is a miss (up); when the key set cannot be fetched and no fresh one is cached, the
     * source answers {@code key_source_unavailable}, as it would for a token (down). A JWKS URL source
     * re-fetches for an unknown kid at most once per cooldown (30 s), so the probe adds at most that.
     */
    public static Map<String, Result> keys(KeySource source, Iterable<String> issuers) {
        Map<String, Result> out = new LinkedHashMap<>();
        for (String iss : issuers) {
            try {
                source.resolve(iss, PROBE_KID);
                out.put(iss, new Result(true, "keys available"));
            } catch (EctException e) {
                out.put(iss, new Result(false, e.reason().code()));
            } catch (RuntimeException e) {
                out.put(iss, new Result(false, "check failed: " + e.getClass().getSimpleName()));
            }
        }
        return out;
    }
}

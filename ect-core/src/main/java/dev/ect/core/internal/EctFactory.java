package dev.ect.core.internal;

import dev.ect.core.Ect;
import dev.ect.core.EctLevel;
import dev.ect.core.SignedEct;
import dev.ect.core.VerifiedEct;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

/**
 * The one place that constructs {@link SignedEct} and {@link VerifiedEct}, whose constructors are
 * private: only this package's signer, verifier and codec call it (package-private methods), so a
 * {@code SignedEct}'s ECT is always the one its compact form carries. Private access goes through
 * method handles ({@link MethodHandles#privateLookupIn}) rather than a registration hook in the
 * value classes, so neither value class refers to this package (no import cycle).
 */
final class EctFactory {
    private static final MethodHandle SIGNED;
    private static final MethodHandle VERIFIED;
    private static final MethodHandle WITH_RECORDED;
    private static final MethodHandle FROZEN_EXT;

    static {
        try {
            MethodHandles.Lookup here = MethodHandles.lookup();
            SIGNED = MethodHandles.privateLookupIn(SignedEct.class, here)
                    .findConstructor(SignedEct.class, MethodType.methodType(void.class, Ect.class, String.class));
            MethodHandles.Lookup verified = MethodHandles.privateLookupIn(VerifiedEct.class, here);
            VERIFIED = verified.findConstructor(VerifiedEct.class,
                    MethodType.methodType(void.class, SignedEct.class, EctLevel.class, List.class, List.class));
            WITH_RECORDED = verified.findVirtual(VerifiedEct.class, "withRecorded",
                    MethodType.methodType(VerifiedEct.class, Object.class));
            FROZEN_EXT = MethodHandles.privateLookupIn(Ect.Builder.class, here).findVirtual(Ect.Builder.class, "frozenExt",
                    MethodType.methodType(Ect.Builder.class, java.util.Map.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private EctFactory() {}

    /** The token {@code compact}, whose claims and header values are exactly {@code ect}'s (callers guarantee it). */
    static SignedEct signed(Ect ect, String compact) {
        try {
            return (SignedEct) SIGNED.invokeExact(ect, compact);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A verification result, recorded in no store yet. */
    /** {@code b} with {@code ext} set as it is: {@code ext} must be frozen already ({@link #freezeInPlace}). */
    static Ect.Builder frozenExt(Ect.Builder b, java.util.Map<String, Object> ext) {
        try {
            return (Ect.Builder) FROZEN_EXT.invokeExact(b, ext);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * A JSON object just parsed (its maps and lists referenced by nothing else) made read-only all
     * the way down by wrapping each container in place, as {@code Ect.Builder.ext} would make a
     * read-only copy of it: the same members, order and values.
     *
     * @throws IllegalArgumentException for a value that is not JSON-like (never from the parser)
     */
    @SuppressWarnings("unchecked")
    static java.util.Map<String, Object> freezeInPlace(java.util.Map<String, Object> m) {
        for (java.util.Map.Entry<String, Object> e : m.entrySet()) {
            java.util.Objects.requireNonNull(e.getKey(), "ect_ext key");
            Object v = e.getValue();
            if (v instanceof java.util.Map<?, ?> || v instanceof java.util.List<?>) {
                e.setValue(freezeValue(v));
            } else if (!(v == null || v instanceof String || v instanceof Number || v instanceof Boolean)) {
                throw new IllegalArgumentException("ect_ext values must be JSON-like, not " + v.getClass().getName());
            }
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    @SuppressWarnings("unchecked")
    private static Object freezeValue(Object v) {
        if (v instanceof java.util.Map<?, ?> m) {
            return freezeInPlace((java.util.Map<String, Object>) m);
        }
        if (v instanceof java.util.List<?> l) {
            java.util.List<Object> list = (java.util.List<Object>) l;
            for (int i = 0; i < list.size(); i++) {
                Object x = list.get(i);
                if (x instanceof java.util.Map<?, ?> || x instanceof java.util.List<?>) {
                    list.set(i, freezeValue(x));
                } else if (!(x == null || x instanceof String || x instanceof Number || x instanceof Boolean)) {
                    throw new IllegalArgumentException("ect_ext values must be JSON-like, not " + x.getClass().getName());
                }
            }
            return java.util.Collections.unmodifiableList(list);
        }
        return v;
    }

    static VerifiedEct verified(SignedEct signed, EctLevel level, List<String> unresolved) {
        try {
            return (VerifiedEct) VERIFIED.invokeExact(signed, level, unresolved, List.<Object>of());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The verification {@code v}, noting that its side effect went to {@code store} (a replay store
     * or ledger; see {@link VerifiedEct#recordedIn(Object)}); a {@code VerifiedEct} as {@code store}
     * adds every store that one was recorded in.
     */
    static VerifiedEct recorded(VerifiedEct v, Object store) {
        try {
            return (VerifiedEct) WITH_RECORDED.invokeExact(v, store);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}

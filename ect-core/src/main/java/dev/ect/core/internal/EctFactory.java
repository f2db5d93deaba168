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

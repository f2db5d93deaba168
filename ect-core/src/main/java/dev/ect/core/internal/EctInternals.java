package dev.ect.core.internal;

import dev.ect.core.Ect;
import dev.ect.core.VerifiedEct;
import java.lang.invoke.MethodHandles;
import java.util.function.BiFunction;

/**
 * Access to the non-public part of {@link Ect} for the library's own packages (the verifier, the
 * ledgers): the link from an ECT to the compact token it was decoded from. Not public API.
 */
public final class EctInternals {
    /** Implemented by {@link Ect}'s static initializer. */
    public interface Access {
        /** Builds the ECT, remembering that its claims were decoded from {@code decodedFrom}. */
        Ect build(Ect.Builder b, String decodedFrom);

        /** The compact token the ECT was decoded from, or null. */
        String decodedFrom(Ect e);
    }

    private static volatile Access access;
    private static volatile BiFunction<VerifiedEct, Object, VerifiedEct> recorder;

    private EctInternals() {}

    /** Called once, by {@link Ect}'s static initializer. */
    public static void register(Access a) {
        if (access != null) {
            throw new IllegalStateException("already registered");
        }
        access = a;
    }

    private static Access access() {
        Access a = access;
        if (a == null) {
            try {
                MethodHandles.lookup().ensureInitialized(Ect.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            a = access;
        }
        return a;
    }

    /**
     * Builds an ECT whose claims were just decoded from {@code compact} (only the library's own
     * decoders call this, with the claims of exactly that token).
     */
    public static Ect buildDecoded(Ect.Builder b, String compact) { return access().build(b, compact); }

    /** True when {@code ect} was built by {@link #buildDecoded} from this very compact token. */
    public static boolean isDecodedFrom(Ect ect, String compact) {
        String s = access().decodedFrom(ect);
        return s != null && (s == compact || s.equals(compact));
    }

    /** Called once, by {@link VerifiedEct}'s static initializer. */
    public static void registerVerified(BiFunction<VerifiedEct, Object, VerifiedEct> r) {
        if (recorder != null) {
            throw new IllegalStateException("already registered");
        }
        recorder = r;
    }

    /**
     * The verification {@code v}, noting that its side effect went to {@code store} (a replay store
     * or ledger; see {@link VerifiedEct#recordedIn(Object)}); a {@code VerifiedEct} as {@code store}
     * adds every store that one was recorded in. Only the library's verifier calls it.
     */
    public static VerifiedEct recorded(VerifiedEct v, Object store) {
        BiFunction<VerifiedEct, Object, VerifiedEct> r = recorder;
        if (r == null) {
            try {
                MethodHandles.lookup().ensureInitialized(VerifiedEct.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            r = recorder;
        }
        return r.apply(v, store);
    }

    /** The verification {@code v}, noting also every store {@code earlier} was recorded in. */
    public static VerifiedEct recordedAsIn(VerifiedEct v, VerifiedEct earlier) { return recorded(v, earlier); }
}

package dev.ect.core.client.internal;

import dev.ect.core.context.TaskContext;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Objects;

/**
 * The task ids a {@link TaskContext} minted (F-03: "its own {@code jti} must differ from every
 * task id the client minted"), which a client integration records when it mints in a context and
 * checks when a response ECT arrives. Kept in the context itself (the ids live and die with it) but
 * not public API of {@code TaskContext}: the record is reached through package-private methods by
 * method handles ({@link MethodHandles#privateLookupIn}), so {@code TaskContext} does not refer to
 * this package (no import cycle). For the library's integrations; not a stable API.
 */
public final class MintedTaskIds {
    private static final MethodHandle RECORD;
    private static final MethodHandle CONTAINS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(TaskContext.class, MethodHandles.lookup());
            RECORD = l.findVirtual(TaskContext.class, "recordMinted", MethodType.methodType(void.class, String.class));
            CONTAINS = l.findVirtual(TaskContext.class, "minted", MethodType.methodType(boolean.class, String.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private MintedTaskIds() {}

    /** Records that {@code jti} was minted in {@code context}. */
    public static void record(TaskContext context, String jti) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(jti, "jti");
        try {
            RECORD.invokeExact(context, jti);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** True when {@code jti} (any letter case, P-01) was recorded as minted in {@code context}. */
    public static boolean contains(TaskContext context, String jti) {
        Objects.requireNonNull(context, "context");
        if (jti == null) {
            return false;
        }
        try {
            return (boolean) CONTAINS.invokeExact(context, jti);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}

package dev.ect.core.internal;

import java.util.Objects;

/**
 * The one precondition of every builder option that may be set once: a second call throws
 * {@link IllegalStateException} ("NAME was already set") rather than let the later call silently win.
 * Internal: for the library's own builders in every module.
 */
public final class SetOnce {
    private SetOnce() {}

    /**
     * Returns {@code value} (never null) for a field still unset ({@code current == null}).
     *
     * @throws NullPointerException when {@code value} is null ("NAME cannot be null")
     * @throws IllegalStateException when {@code current} is already set
     */
    public static <T> T set(T current, T value, String name) {
        Objects.requireNonNull(value, () -> name + " cannot be null");
        check(current != null, name);
        return value;
    }

    /**
     * Throws when the option was already set; returns {@code true}, to store as the option's "set" flag
     * ({@code xSet = SetOnce.mark(xSet, "x")}).
     *
     * @throws IllegalStateException when {@code alreadySet}
     */
    public static boolean mark(boolean alreadySet, String name) {
        check(alreadySet, name);
        return true;
    }

    /**
     * Throws when the option was already set.
     *
     * @throws IllegalStateException when {@code alreadySet}
     */
    public static void check(boolean alreadySet, String name) {
        if (alreadySet) {
            throw new IllegalStateException(name + " was already set");
        }
    }
}

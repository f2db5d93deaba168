package dev.ect.servlet;

import java.util.Objects;

/**
 * Called once per dispatch that reaches {@link EctFilter}, with its {@link EctFilterEvent}: the hook
 * for metrics (counters per outcome and {@code ect_error}) and audit. Implementations must be
 * thread-safe and fast; an exception they throw is logged and never changes the outcome.
 *
 * <p>The filter logs every rejection itself through SLF4J (logger {@code dev.ect.servlet.EctFilter}:
 * method, path, {@code jti}, {@code iss}, reason; never the token), so a listener is only needed for
 * metrics.
 */
@FunctionalInterface
public interface EctFilterListener {
    /** One dispatch's outcome. */
    void onEvent(EctFilterEvent event);

    /** Does nothing (the default). */
    static EctFilterListener noop() { return e -> { }; }

    /** Calls this listener, then {@code next}. */
    default EctFilterListener andThen(EctFilterListener next) {
        Objects.requireNonNull(next, "next cannot be null");
        return e -> {
            onEvent(e);
            next.onEvent(e);
        };
    }
}

package dev.ect.spring.internal;

import dev.ect.servlet.EctFilterEvent;
import dev.ect.servlet.EctFilterListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Counts the filter's decisions: {@value #COUNTER} with {@code outcome} ({@code accepted},
 * {@code rejected}, {@code missing}, {@code skipped}), {@code reason} (the {@code ect_error}, or
 * {@code none}) and {@code status} (403, 503, or 0).
 */
public final class MicrometerFilterListener implements EctFilterListener {
    /** The counter's name. */
    public static final String COUNTER = "ect.verifications";

    private final MeterRegistry registry;

    public MicrometerFilterListener(MeterRegistry registry) { this.registry = registry; }

    @Override
    public void onEvent(EctFilterEvent e) {
        Counter.builder(COUNTER)
                .description("ECT verifications by the servlet filter, by outcome and reason code")
                .tag("outcome", e.outcome().name().toLowerCase(Locale.ROOT))
                .tag("reason", e.errorCode() == null ? "none" : e.errorCode())
                .tag("status", String.valueOf(e.status()))
                .register(registry)
                .increment();
    }
}

package dev.ect.spring.internal;

import dev.ect.spring.EctInstrumentation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.function.Supplier;

/** {@link EctInstrumentation} over an {@link ObservationRegistry} (preferred) or a {@link MeterRegistry} timer. */
public final class MicrometerInstrumentation {
    private MicrometerInstrumentation() { }

    /** Each run is an observation; Micrometer's meter handler turns it into a timer of the same name. */
    public static EctInstrumentation observations(ObservationRegistry registry) {
        return new EctInstrumentation() {
            @Override
            public <T> T observe(String name, Supplier<T> work) {
                Observation o = Observation.createNotStarted(name, registry).start();
                try (Observation.Scope s = o.openScope()) {
                    T v = work.get();
                    o.lowCardinalityKeyValue("outcome", EctInstrumentation.success(name));
                    o.lowCardinalityKeyValue("reason", "none");
                    return v;
                } catch (RuntimeException e) {
                    o.lowCardinalityKeyValue("outcome", EctInstrumentation.failure(name, e));
                    o.lowCardinalityKeyValue("reason", EctInstrumentation.reason(e));
                    o.error(e);
                    throw e;
                } finally {
                    o.stop();
                }
            }
        };
    }

    /** Each run is recorded in the timer {@code name} with its outcome and reason tags. */
    public static EctInstrumentation timers(MeterRegistry registry) {
        return new EctInstrumentation() {
            @Override
            public <T> T observe(String name, Supplier<T> work) {
                Timer.Sample sample = Timer.start(registry);
                String outcome = EctInstrumentation.success(name);
                String reason = "none";
                try {
                    return work.get();
                } catch (RuntimeException e) {
                    outcome = EctInstrumentation.failure(name, e);
                    reason = EctInstrumentation.reason(e);
                    throw e;
                } finally {
                    sample.stop(Timer.builder(name).tag("outcome", outcome).tag("reason", reason).register(registry));
                }
            }
        };
    }
}

package dev.ect.spring;

import dev.ect.servlet.EctFilterListener;
import dev.ect.spring.internal.MicrometerFilterListener;
import dev.ect.spring.internal.MicrometerInstrumentation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer, when it is on the class path: the counter {@value MicrometerFilterListener#COUNTER}
 * (tags {@code outcome}, {@code reason}, {@code status}) for every decision of the filter, and the
 * {@value EctInstrumentation#VERIFY} / {@value EctInstrumentation#MINT} timings as observations of the
 * application's {@code ObservationRegistry} (or, without one, as timers of its {@code MeterRegistry}).
 * Without Micrometer, or without a registry bean, nothing is recorded and everything else works.
 */
@AutoConfiguration(before = EctAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, ObservationRegistry.class})
public class EctMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public EctInstrumentation ectInstrumentation(ObjectProvider<ObservationRegistry> observations,
            ObjectProvider<MeterRegistry> meters) {
        ObservationRegistry o = observations.getIfUnique();
        if (o != null && !o.isNoop()) {
            return MicrometerInstrumentation.observations(o);
        }
        MeterRegistry m = meters.getIfUnique();
        return m != null ? MicrometerInstrumentation.timers(m) : EctInstrumentation.none();
    }

    /** Counts the filter's decisions; only when the filter module and a MeterRegistry bean are there. */
    @Bean
    @ConditionalOnClass(EctFilterListener.class)
    @ConditionalOnMissingBean(name = "ectMetricsFilterListener")
    public EctFilterListener ectMetricsFilterListener(ObjectProvider<MeterRegistry> meters) {
        MeterRegistry m = meters.getIfUnique();
        return m != null ? new MicrometerFilterListener(m) : EctFilterListener.noop();
    }
}

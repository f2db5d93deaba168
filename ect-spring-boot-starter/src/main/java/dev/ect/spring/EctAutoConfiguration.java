package dev.ect.spring;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.config.EctConfig;
import dev.ect.core.config.EctConfigSource;
import dev.ect.core.config.EctRuntime;
import dev.ect.spring.internal.DataSourceLedgerUrl;
import dev.ect.spring.internal.InstrumentedVerifier;
import dev.ect.spring.internal.LateStore;
import dev.ect.core.client.EctClientConfig;
import java.time.Clock;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The core of the starter: the {@code ect.*} properties handed to ect-core's configuration assembler
 * ({@link EctConfig}), and what it opens ({@link EctRuntime}: verifier, optional signer, replay store,
 * ledger, key sources; closed with the context). Every bean backs off when the application defines its
 * own: an {@link EctConfig}, an {@link EctRuntime}, an {@link EctVerifier} (then no runtime is opened:
 * the application's verifier brings its own stores, and outbound/response ECTs need an {@link EctSigner}
 * bean), an {@link EctInstrumentation}.
 *
 * <p>Precedence per option: the Spring property ({@code ect.max-pred}), then the {@code ECT_*}
 * environment variable under its documented name ({@code ECT_MAX_PRED}), then the default. An invalid
 * or missing required value fails the start with a message naming the property.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@EnableConfigurationProperties(EctProperties.class)
public class EctAutoConfiguration {

    /** What the assembler reads: the bound properties over the process environment. */
    static EctConfigSource source(EctProperties properties, Map<String, String> extra, Map<String, String> env) {
        Map<String, String> byName = new java.util.LinkedHashMap<>(properties.toPropertyMap());
        byName.putAll(extra);
        return EctConfigSource.properties("property", byName).or(EctConfigSource.environment(env));
    }

    @Bean
    @ConditionalOnMissingBean
    public EctConfig ectConfig(EctProperties properties, ApplicationContext context) {
        Map<String, String> extra = DataSourceLedgerUrl.properties(properties, context);
        return EctConfig.from(source(properties, extra, System.getenv()));
    }

    /** Not made when the application defines its own {@link EctVerifier}: it then brings its stores too. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean({EctRuntime.class, EctVerifier.class})
    public EctRuntime ectRuntime(EctConfig config, ObjectProvider<Clock> clock) {
        // the verifier's ECT store resolves, for one verification, the tokens an HTTP client of this
        // application minted (F-03: a response ECT names the request only this client holds), then the ledger
        LateStore ledgerView = new LateStore();
        EctRuntime runtime = config.open(clock.getIfAvailable(Clock::systemUTC),
                b -> b.ectStore(EctClientConfig.mintedEctStore(ledgerView)));
        runtime.ledger().ifPresent(ledgerView::set);
        return runtime;
    }

    @Bean
    @ConditionalOnMissingBean
    public EctVerifier ectVerifier(EctRuntime runtime, ObjectProvider<EctInstrumentation> instrumentation) {
        EctInstrumentation i = instrumentation.getIfAvailable(EctInstrumentation::none);
        return new InstrumentedVerifier(runtime.verifier(), i);
    }
}

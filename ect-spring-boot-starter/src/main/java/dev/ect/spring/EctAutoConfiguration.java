package dev.ect.spring;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.config.EctConfig;
import dev.ect.core.config.EctConfigSource;
import dev.ect.core.config.EctRuntime;
import dev.ect.spring.internal.DataSourceLedgerUrl;
import dev.ect.spring.internal.InstrumentedVerifier;
import dev.ect.spring.internal.LateStore;
import dev.ect.spring.internal.InvalidEctPropertyException;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.replay.ReplayStore;
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

    /**
     * Not made when the application defines its own {@link EctVerifier}: it then brings its stores too.
     * An {@link AuditLedger} or {@link ReplayStore} bean of the application is the verifier's ledger or
     * replay store (e.g. one ledger shared by several application contexts in one JVM); naming one in the
     * properties as well fails the start.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean({EctRuntime.class, EctVerifier.class})
    public EctRuntime ectRuntime(EctConfig config, ObjectProvider<Clock> clock, ObjectProvider<AuditLedger> ledgerBean,
            ObjectProvider<ReplayStore> replayBean) {
        AuditLedger ownLedger = ledgerBean.getIfUnique();
        ReplayStore ownReplay = replayBean.getIfUnique();
        if (ownLedger != null && config.hasLedger()) {
            throw new InvalidEctPropertyException(config.ledgerFile().isPresent() ? "ect.ledger-file" : "ect.jdbc-url",
                    "the application defines an AuditLedger bean and " + (config.ledgerFile().isPresent() ? "ect.ledger-file"
                            : "ect.jdbc-url (or ect.datasource-ledger.enabled)") + " names another ledger: choose one");
        }
        if (ownReplay != null && config.redisUrl().isPresent()) {
            throw new InvalidEctPropertyException("ect.redis-url",
                    "the application defines a ReplayStore bean and ect.redis-url names another replay store: choose one");
        }
        // the verifier's ECT store resolves, for one verification, the tokens an HTTP client of this
        // application minted (F-03: a response ECT names the request only this client holds), then the ledger
        LateStore ledgerView = new LateStore();
        EctRuntime runtime = config.open(clock.getIfAvailable(Clock::systemUTC), b -> {
            // one log line per verification: the filter's (inbound) and the client support's (response ECTs)
            b.listener(dev.ect.servlet.EctFilterConfig.verifierListener());
            b.ectStore(EctClientConfig.mintedEctStore(ledgerView));
            if (ownLedger != null) {
                b.ledger(ownLedger);
            }
            if (ownReplay != null) {
                b.replayStore(ownReplay);
            }
        });
        AuditLedger ledger = ownLedger != null ? ownLedger : runtime.ledger().orElse(null);
        if (ledger != null) {
            ledgerView.set(ledger);
        }
        return runtime;
    }

    /** The verifier's ledger: the application's {@link AuditLedger} bean, else the runtime's; null without one. */
    static AuditLedger ledger(ObjectProvider<AuditLedger> ledgerBean, EctRuntime runtime) {
        AuditLedger own = ledgerBean.getIfUnique();
        return own != null ? own : runtime == null ? null : runtime.ledger().orElse(null);
    }

    /** The verifier's replay store when it is not the in-process default: the application's bean, else the runtime's. */
    static ReplayStore replayStore(ObjectProvider<ReplayStore> replayBean, EctRuntime runtime) {
        ReplayStore own = replayBean.getIfUnique();
        return own != null ? own : runtime == null ? null : runtime.replayStore().orElse(null);
    }

    @Bean
    @ConditionalOnMissingBean
    public EctVerifier ectVerifier(EctRuntime runtime, ObjectProvider<EctInstrumentation> instrumentation) {
        EctInstrumentation i = instrumentation.getIfAvailable(EctInstrumentation::none);
        return new InstrumentedVerifier(runtime.verifier(), i);
    }
}

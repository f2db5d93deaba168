package dev.ect.spring;

import dev.ect.core.config.EctConfig;
import dev.ect.core.config.EctRuntime;
import dev.ect.core.keys.KeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.replay.ReplayStore;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code ect} health contributor ({@link EctHealthIndicator}) when spring-boot-health (Actuator)
 * is on the class path: replay store, ledger and trusted issuers' keys of the {@link EctRuntime}; DOWN
 * is what the filter would answer 503 for. Turn it off with {@code management.health.ect.enabled=false};
 * backs off for a bean named {@code ectHealthIndicator}.
 */
@AutoConfiguration(after = EctAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator("ect")
public class EctHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "ectHealthIndicator")
    public HealthIndicator ectHealthIndicator(ObjectProvider<EctRuntime> runtime, EctConfig config,
            ObjectProvider<AuditLedger> ledgerBean, ObjectProvider<ReplayStore> replayBean) {
        EctRuntime rt = runtime.getIfAvailable();
        Object replay = EctAutoConfiguration.replayStore(replayBean, rt);
        Object ledger = EctAutoConfiguration.ledger(ledgerBean, rt);
        if (rt == null) {
            return new EctHealthIndicator(replay, ledger, null, List.of());
        }
        List<KeySource> sources = rt.keySources();
        KeySource keys = sources.isEmpty() ? null : KeySource.firstOf(sources.toArray(KeySource[]::new));
        List<String> issuers = config.trust().stream().map(EctConfig.TrustedIssuer::issuer).distinct().toList();
        return new EctHealthIndicator(replay, ledger, keys, issuers);
    }
}

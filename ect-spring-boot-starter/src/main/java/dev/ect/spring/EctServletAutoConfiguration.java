package dev.ect.spring;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.config.EctConfig;
import dev.ect.core.config.EctRuntime;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.servlet.EctFilter;
import dev.ect.servlet.EctFilterConfig;
import dev.ect.servlet.EctFilterListener;
import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Registers ect-servlet-filter's {@link EctFilter} in a servlet web application, as
 * {@code ectFilterRegistration}:
 *
 * <ul>
 *   <li>on {@code ect.filter.url-patterns} (default {@code /*}), for every dispatcher type (T-10: a
 *       forward, include, async or error dispatch to a required path without an accepted ECT is
 *       refused), async-supported;
 *   <li>at order {@code ect.filter.order}, default -90: after Spring Security's filter chain
 *       (order -100), so a request Spring Security refuses is never recorded in the replay store or
 *       the ledger; set it below -100 to verify ECTs first;
 *   <li>once per request: the filter verifies on the first dispatch and on later dispatches of the
 *       same request (Spring's error dispatch to {@code /error}, a forward) only re-establishes the
 *       task context, never verifying or recording the token again. The error path
 *       ({@code server.error.path}, default {@code /error}) is added to the optional paths, so
 *       Spring's error page renders for a request that had no ECT to begin with (an excluded path,
 *       or the filter's own refusal is already committed);
 *   <li>with the runtime's verifier (or the application's {@link EctVerifier} bean), the paths of
 *       {@code ect.required-paths}/{@code optional-paths}/{@code exclude-paths}, response ECTs signed
 *       by the runtime's signer (or the application's {@link EctSigner} bean), and every
 *       {@link EctFilterListener} bean (Micrometer's counter among them).
 * </ul>
 *
 * <p>Backs off when the application registers its own {@code ectFilterRegistration} bean, or with
 * {@code ect.filter.enabled=false}.
 */
@AutoConfiguration(after = {EctAutoConfiguration.class, EctMetricsAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({EctFilter.class, FilterRegistrationBean.class})
@ConditionalOnProperty(prefix = "ect.filter", name = "enabled", matchIfMissing = true)
public class EctServletAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "ectFilterRegistration")
    public FilterRegistrationBean<EctFilter> ectFilterRegistration(EctProperties properties, EctConfig config,
            EctVerifier verifier, ObjectProvider<EctRuntime> runtime, ObjectProvider<EctSigner> signer,
            ObjectProvider<EctFilterListener> listeners, ObjectProvider<AuditLedger> ledgerBean, Environment environment) {
        EctFilterConfig.Builder b = EctFilterConfig.builder().environment(java.util.Map.of()).verifier(verifier);
        config.requiredPaths().ifPresent(p -> b.requiredPaths(p.toArray(String[]::new)));
        List<String> optional = new ArrayList<>(config.optionalPaths().orElse(List.of()));
        String errorPath = environment.getProperty("server.error.path", "/error");
        if (properties.getFilter().isErrorPathOptional() && !optional.contains(errorPath)) {
            optional.add(errorPath);
        }
        b.optionalPaths(optional.toArray(String[]::new));
        config.excludePaths().ifPresent(p -> b.excludePaths(p.toArray(String[]::new)));
        EctFilterListener listener = listeners.orderedStream().reduce(EctFilterListener.noop(), EctFilterListener::andThen);
        b.listener(listener);
        EctRuntime rt = runtime.getIfAvailable();
        EctSigner s = signer.getIfAvailable(() -> rt == null ? null : rt.signer().orElse(null));
        if (s != null) {
            b.responseSigner(s);
            config.responseIssuer().ifPresent(b::responseIssuer);
            b.recordResponseEcts(config.recordResponseEcts());
            AuditLedger ledger = EctAutoConfiguration.ledger(ledgerBean, rt);
            if (ledger != null) {
                b.ledger(ledger);
            }
        }
        EctFilterConfig filterConfig = b.build();
        FilterRegistrationBean<EctFilter> reg = new FilterRegistrationBean<>(new EctFilter(filterConfig));
        reg.setName("ectFilter");
        reg.setOrder(properties.getFilter().getOrder());
        reg.setAsyncSupported(true);
        reg.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
        reg.setUrlPatterns(properties.getFilter().getUrlPatterns());
        return reg;
    }
}

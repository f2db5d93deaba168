package dev.ect.spring;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.client.AudienceResolver;
import dev.ect.core.client.EctClientConfig;
import dev.ect.core.client.UnknownAudience;
import dev.ect.core.config.EctConfig;
import dev.ect.core.config.EctRuntime;
import dev.ect.spring.internal.EctClientBeanPostProcessor;
import dev.ect.spring.internal.InvalidEctPropertyException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ClientHttpRequestInterceptor;

/**
 * ECTs on outbound calls: every {@code RestClient.Builder}, {@code RestTemplateBuilder} and
 * {@code RestTemplate} bean gets the {@link EctClientHttpRequestInterceptor} (once, as the innermost
 * interceptor, so each attempt of an outer retry interceptor carries its own ECT).
 *
 * <ul>
 *   <li>{@code iss}: {@code ect.response-issuer}, else {@code ect.verifier-id};
 *   <li>signed by the runtime's signer ({@code ect.response-key-file}) or the application's
 *       {@link EctSigner} bean; without either, no interceptor is made (calls go out without ECTs,
 *       logged once at INFO);
 *   <li>{@code aud} per target from {@code ect.client.audiences} ({@code host:port} or {@code host}
 *       to workload id), or the application's {@link AudienceResolver} bean; a target with none fails
 *       the call ({@code ect.client.unknown-audience=fail}, default) or goes without an ECT
 *       ({@code skip});
 *   <li>response ECTs verified by this application's {@link EctVerifier} (which records them in its
 *       replay store and ledger) when {@code ect.client.verify-responses} is on (default) and the
 *       verifier's id is the issuer above.
 * </ul>
 *
 * Backs off for an {@link EctClientHttpRequestInterceptor} or {@link EctClientConfig} bean of the
 * application's own; {@code ect.client.enabled=false} turns it all off.
 */
@AutoConfiguration(after = {EctAutoConfiguration.class, EctMetricsAutoConfiguration.class})
@ConditionalOnClass(ClientHttpRequestInterceptor.class)
@ConditionalOnProperty(prefix = "ect.client", name = "enabled", matchIfMissing = true)
public class EctClientAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(EctClientAutoConfiguration.class);

    @Bean
    public static EctClientBeanPostProcessor ectClientBeanPostProcessor(
            ObjectProvider<EctClientHttpRequestInterceptor> interceptor) {
        return new EctClientBeanPostProcessor(interceptor);
    }

    /**
     * The client configuration shared by the Spring interceptor and the OkHttp integration, or none
     * (a null bean) when there is no signing key.
     */
    @Bean
    @ConditionalOnMissingBean
    public EctClientConfig ectClientConfig(EctProperties properties, EctConfig config, ObjectProvider<EctRuntime> runtime,
            ObjectProvider<EctSigner> signer, ObjectProvider<EctVerifier> verifier, ObjectProvider<AudienceResolver> audience) {
        EctRuntime rt = runtime.getIfAvailable();
        EctSigner s = signer.getIfAvailable(() -> rt == null ? null : rt.signer().orElse(null));
        if (s == null) {
            LOG.info("no ECT signing key (ect.response-key-file) and no EctSigner bean: outbound calls carry no ECT");
            return null;
        }
        EctVerifier v = verifier.getIfAvailable();
        String selfId = config.responseIssuer().or(config::verifierId).orElseGet(() -> v == null ? null : v.verifierId());
        if (selfId == null) {
            throw new InvalidEctPropertyException("ect.verifier-id", "ect.verifier-id (or ect.response-issuer) is required"
                    + " to mint outbound ECTs: it is their iss");
        }
        EctProperties.Client c = properties.getClient();
        EctClientConfig.Builder b = EctClientConfig.builder(s, selfId)
                .audience(audience.getIfAvailable(() -> AudienceResolver.byHost(c.getAudiences())))
                .unknownAudience(unknownAudience(c.getUnknownAudience()))
                .maxTokenBytes(config.settings().maxTokenBytes());
        if (c.isVerifyResponses() && v != null) {
            if (v.verifierId().equals(selfId)) {
                b.responseVerifier(v);
            } else {
                LOG.warn("response ECTs are not verified: they are addressed to {} (ect.response-issuer), but the verifier's id is {}",
                        selfId, v.verifierId());
            }
        }
        return b.build();
    }

    @Bean
    @ConditionalOnMissingBean
    public EctClientHttpRequestInterceptor ectClientHttpRequestInterceptor(ObjectProvider<EctClientConfig> config,
            ObjectProvider<EctInstrumentation> instrumentation) {
        EctClientConfig c = config.getIfAvailable();
        return c == null ? null : new EctClientHttpRequestInterceptor(c, instrumentation.getIfAvailable(EctInstrumentation::none));
    }

    static UnknownAudience unknownAudience(String v) {
        return switch (v == null ? "" : v.trim().toLowerCase(Locale.ROOT)) {
            case "fail" -> UnknownAudience.FAIL;
            case "skip" -> UnknownAudience.SKIP;
            default -> throw new InvalidEctPropertyException("ect.client.unknown-audience",
                    "ect.client.unknown-audience must be fail or skip, not '" + v + "'");
        };
    }

}

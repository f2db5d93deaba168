package dev.ect.spring;

import dev.ect.spring.internal.EctClientBeanPostProcessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ClientHttpRequestInterceptor;

/**
 * ECTs on outbound calls: every {@code RestClient.Builder}, {@code RestTemplateBuilder} and
 * {@code RestTemplate} bean gets the {@link EctClientHttpRequestInterceptor} (once, as the innermost
 * interceptor, so each attempt of an outer retry interceptor carries its own ECT). Needs spring-web;
 * the interceptor itself needs a signing key ({@code ect.response-key-file}) or an
 * {@code EctSigner} bean, otherwise builders are left alone. {@code ect.client.enabled=false} turns it off.
 */
@AutoConfiguration(after = EctAutoConfiguration.class)
@ConditionalOnClass(ClientHttpRequestInterceptor.class)
@ConditionalOnProperty(prefix = "ect.client", name = "enabled", matchIfMissing = true)
public class EctClientAutoConfiguration {

    @Bean
    public static EctClientBeanPostProcessor ectClientBeanPostProcessor(
            ObjectProvider<EctClientHttpRequestInterceptor> interceptor) {
        return new EctClientBeanPostProcessor(interceptor);
    }
}

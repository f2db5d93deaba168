package dev.ect.spring;

import dev.ect.core.client.EctClientConfig;
import dev.ect.okhttp.EctOkHttp;
import dev.ect.spring.internal.OkHttpBeanPostProcessor;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * With ect-okhttp-interceptor on the class path: every {@link OkHttpClient} bean is replaced by
 * {@code EctOkHttp.wrap(client)} (the same pool and settings, plus ECTs per attempt), with the client
 * configuration of {@link EctClientAutoConfiguration} (signer, issuer, audiences, response verifier).
 * A client that already carries the integration is left as it is.
 */
@AutoConfiguration(after = EctClientAutoConfiguration.class)
@ConditionalOnClass({OkHttpClient.class, EctOkHttp.class})
@ConditionalOnProperty(prefix = "ect.client", name = "enabled", matchIfMissing = true)
public class EctOkHttpAutoConfiguration {

    @Bean
    public static OkHttpBeanPostProcessor ectOkHttpBeanPostProcessor(ObjectProvider<EctClientConfig> config) {
        return new OkHttpBeanPostProcessor(config);
    }
}

package dev.ect.spring.internal;

import dev.ect.core.client.EctClientConfig;
import dev.ect.okhttp.EctOkHttp;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/** Wraps every {@link OkHttpClient} bean with the ECT integration, once. */
public final class OkHttpBeanPostProcessor implements BeanPostProcessor {
    private final ObjectProvider<EctClientConfig> config;
    private volatile EctOkHttp ect;

    public OkHttpBeanPostProcessor(ObjectProvider<EctClientConfig> config) { this.config = config; }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof OkHttpClient client)) {
            return bean;
        }
        EctOkHttp e = ect();
        if (e == null) {
            return bean;
        }
        try {
            return e.wrap(client);
        } catch (IllegalArgumentException alreadyWrapped) {
            return bean; // the application wired the integration itself
        }
    }

    private EctOkHttp ect() {
        EctOkHttp e = ect;
        if (e == null) {
            EctClientConfig c = config.getIfAvailable();
            if (c == null) {
                return null;
            }
            EctOkHttp.Builder b = EctOkHttp.builder(c.signer(), c.selfId())
                    .audience(url -> c.audience().resolve(url.uri()))
                    .maxTokenBytes(c.maxTokenBytes())
                    .unknownAudience(c.unknownAudience())
                    .missingContext(c.missingContext())
                    .existingHeader(c.existingHeader());
            if (c.responseVerifier() != null) {
                b.responseVerifier(c.responseVerifier());
            }
            e = b.build();
            ect = e;
        }
        return e;
    }
}

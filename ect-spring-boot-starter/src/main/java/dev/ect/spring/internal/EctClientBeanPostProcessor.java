package dev.ect.spring.internal;

import dev.ect.spring.EctClientHttpRequestInterceptor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * Adds the ECT interceptor to every {@code RestClient.Builder}, {@code RestTemplateBuilder} and
 * {@code RestTemplate} bean (Boot's and the application's own), once each.
 */
public final class EctClientBeanPostProcessor implements BeanPostProcessor {
    private static final boolean REST_TEMPLATE_BUILDER = ClassUtils.isPresent(
            "org.springframework.boot.restclient.RestTemplateBuilder", EctClientBeanPostProcessor.class.getClassLoader());

    private final ObjectProvider<EctClientHttpRequestInterceptor> interceptor;

    public EctClientBeanPostProcessor(ObjectProvider<EctClientHttpRequestInterceptor> interceptor) {
        this.interceptor = interceptor;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof RestClient.Builder b) {
            EctClientHttpRequestInterceptor i = interceptor.getIfAvailable();
            if (i != null) {
                b.requestInterceptors(list -> {
                    if (list.stream().noneMatch(EctClientHttpRequestInterceptor.class::isInstance)) {
                        list.add(i);
                    }
                });
            }
            return b;
        }
        if (bean instanceof RestTemplate t) {
            EctClientHttpRequestInterceptor i = interceptor.getIfAvailable();
            if (i != null && t.getInterceptors().stream().noneMatch(EctClientHttpRequestInterceptor.class::isInstance)) {
                t.getInterceptors().add(i);
            }
            return t;
        }
        if (REST_TEMPLATE_BUILDER) {
            return Builders.restTemplateBuilder(bean, interceptor);
        }
        return bean;
    }

    /** Loaded only when spring-boot-restclient is present. */
    private static final class Builders {
        static Object restTemplateBuilder(Object bean, ObjectProvider<EctClientHttpRequestInterceptor> interceptor) {
            if (bean instanceof org.springframework.boot.restclient.RestTemplateBuilder b) {
                EctClientHttpRequestInterceptor i = interceptor.getIfAvailable();
                // a RestTemplate it builds is also post-processed only if it is a bean: add it here
                return i == null ? b : b.additionalInterceptors(i);
            }
            return bean;
        }
    }
}

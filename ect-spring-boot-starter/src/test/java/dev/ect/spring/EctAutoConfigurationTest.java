package dev.ect.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.config.EctConfigException;
import dev.ect.core.config.EctRuntime;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.servlet.EctFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/** Every condition of the auto-configuration, without a server: failures, back-off, absent integrations. */
class EctAutoConfigurationTest {
    static TestKeys keys;

    @BeforeAll
    static void keys() throws Exception { keys = new TestKeys(Files.createTempDirectory("ect-starter-runner")); }

    final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EctAutoConfiguration.class, EctServletAutoConfiguration.class,
                    EctClientAutoConfiguration.class, EctOkHttpAutoConfiguration.class, EctMetricsAutoConfiguration.class,
                    EctHealthAutoConfiguration.class, RestClientAutoConfiguration.class, RestTemplateAutoConfiguration.class));

    WebApplicationContextRunner configured() {
        return runner.withPropertyValues("ect.verifier-id=" + TestKeys.SERVICE, "ect.trust=" + keys.callerTrust(),
                "ect.response-key-file=" + keys.serviceKey);
    }

    @Test
    @DisplayName("every bean is there with a valid configuration: runtime, verifier, filter registration, interceptor, health")
    void fullConfiguration() {
        configured().run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(EctRuntime.class).hasSingleBean(EctVerifier.class)
                    .hasBean("ectFilterRegistration").hasSingleBean(EctClientHttpRequestInterceptor.class)
                    .hasBean("ectHealthIndicator").hasSingleBean(EctInstrumentation.class);
            FilterRegistrationBean<?> reg = ctx.getBean("ectFilterRegistration", FilterRegistrationBean.class);
            assertThat(reg.getFilter()).isInstanceOf(EctFilter.class);
            assertThat(reg.getOrder()).isEqualTo(-90);
            assertThat(reg.getUrlPatterns()).containsExactly("/*");
            EctFilter f = (EctFilter) reg.getFilter();
            assertThat(f.config().optionalPaths()).contains("/error");
            assertThat(ctx.getBean(EctClientHttpRequestInterceptor.class).config().selfId()).isEqualTo(TestKeys.SERVICE);
        });
    }

    @Test
    @DisplayName("section 9: a missing ect.verifier-id fails the start with a message naming the property")
    void missingVerifierIdFails() {
        runner.withPropertyValues("ect.trust=" + keys.callerTrust()).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(cause(ctx.getStartupFailure(), EctConfigException.class)).hasMessageContaining("ect.verifier-id");
        });
    }

    @Test
    @DisplayName("section 9: an invalid value fails the start naming the property it came from (C-08 ect.max-pred)")
    void invalidValueFails() {
        configured().withPropertyValues("ect.max-pred=lots").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(cause(ctx.getStartupFailure(), EctConfigException.class)).hasMessageContaining("property ect.max-pred");
        });
    }

    @Test
    @DisplayName("V-07: a trust entry whose JWKS file is missing fails the start naming ect.trust")
    void unreadableTrustFails() {
        runner.withPropertyValues("ect.verifier-id=" + TestKeys.SERVICE, "ect.trust=" + TestKeys.CALLER + "=/nonexistent/x.jwks")
                .run(ctx -> assertThat(cause(ctx.getStartupFailure(), EctConfigException.class)).hasMessageContaining("ect.trust"));
    }

    @Test
    @DisplayName("a misspelt ect.* property fails the start (no silent default)")
    void unknownPropertyFails() {
        configured().withPropertyValues("ect.verifer-id=x").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).hasStackTraceContaining("verifer-id");
        });
    }

    @Test
    @DisplayName("M-06: an invalid ect.client.unknown-audience fails the start naming the property")
    void invalidClientPolicyFails() {
        configured().withPropertyValues("ect.client.unknown-audience=maybe").run(ctx ->
                assertThat(cause(ctx.getStartupFailure(), IllegalStateException.class))
                        .hasMessageContaining("ect.client.unknown-audience"));
    }

    @Test
    @DisplayName("an application EctVerifier and EctSigner are used; no runtime is opened from properties")
    void userVerifierBacksOff() {
        runner.withPropertyValues("ect.verifier-id=" + TestKeys.SERVICE).withUserConfiguration(OwnVerifier.class).run(ctx -> {
            assertThat(ctx).hasNotFailed().doesNotHaveBean(EctRuntime.class);
            assertThat(ctx.getBean(EctVerifier.class)).isSameAs(ctx.getBean(OwnVerifier.class).verifier);
            EctFilter f = (EctFilter) ctx.getBean("ectFilterRegistration", FilterRegistrationBean.class).getFilter();
            assertThat(f.config().verifier()).isSameAs(ctx.getBean(OwnVerifier.class).verifier);
            assertThat(ctx.getBean(EctClientHttpRequestInterceptor.class).config().signer())
                    .isSameAs(ctx.getBean(OwnVerifier.class).signer);
        });
    }

    @Test
    @DisplayName("an application filter registration, interceptor, instrumentation and health indicator replace the starter's")
    void userBeansBackOff() {
        configured().withUserConfiguration(OwnBeans.class).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean("ectFilterRegistration")).isSameAs(ctx.getBean(OwnBeans.class).registration);
            assertThat(ctx.getBean(EctInstrumentation.class)).isSameAs(OwnBeans.INSTRUMENTATION);
            assertThat(ctx.getBean("ectHealthIndicator")).isSameAs(OwnBeans.HEALTH);
        });
    }

    @Test
    @DisplayName("V-15: an application AuditLedger bean is the verifier's ledger (L3); naming a ledger file as well fails naming ect.ledger-file")
    void userLedgerBean() throws Exception {
        dev.ect.core.ledger.InMemoryLedger ledger = new dev.ect.core.ledger.InMemoryLedger();
        configured().withBean(dev.ect.core.ledger.AuditLedger.class, () -> ledger).withPropertyValues("ect.min-level=L3").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            ctx.getBean(EctVerifier.class).verify(keys.callerToken("recorded"));
            assertThat(ledger.entries()).hasSize(1);
        });
        Path file = Files.createTempDirectory("ect-starter-ledger").resolve("l.jsonl");
        configured().withBean(dev.ect.core.ledger.AuditLedger.class, dev.ect.core.ledger.InMemoryLedger::new)
                .withPropertyValues("ect.ledger-file=" + file).run(ctx ->
                        assertThat(cause(ctx.getStartupFailure(), IllegalStateException.class)).hasMessageContaining("ect.ledger-file"));
    }

    @Test
    @DisplayName("ect.datasource-ledger.enabled without a DataSource, or with ect.ledger-file as well, fails naming the property")
    void dataSourceLedgerMisconfigured() throws Exception {
        configured().withPropertyValues("ect.datasource-ledger.enabled=true").run(ctx ->
                assertThat(cause(ctx.getStartupFailure(), IllegalStateException.class))
                        .hasMessageContaining("ect.datasource-ledger.enabled").hasMessageContaining("DataSource"));
        Path file = Files.createTempDirectory("ect-starter-ds").resolve("l.jsonl");
        configured().withPropertyValues("ect.datasource-ledger.enabled=true", "ect.ledger-file=" + file).run(ctx ->
                assertThat(cause(ctx.getStartupFailure(), IllegalStateException.class))
                        .hasMessageContaining("ect.datasource-ledger.enabled").hasMessageContaining("ect.ledger-file"));
        configured().withPropertyValues("ect.datasource-ledger.enabled=true")
                .withBean(javax.sql.DataSource.class, () -> hikari("jdbc:h2:mem:x"))
                .run(ctx -> assertThat(cause(ctx.getStartupFailure(), IllegalStateException.class))
                        .hasMessageContaining("PostgreSQL"));
    }

    /** A pool that is never started (it connects on first use only). */
    static com.zaxxer.hikari.HikariDataSource hikari(String url) {
        com.zaxxer.hikari.HikariDataSource d = new com.zaxxer.hikari.HikariDataSource();
        d.setJdbcUrl(url);
        return d;
    }

    @Test
    @DisplayName("ect.filter.enabled=false registers no filter; ect.filter.order moves it before Spring Security")
    void filterSwitches() {
        configured().withPropertyValues("ect.filter.enabled=false").run(ctx ->
                assertThat(ctx).hasNotFailed().doesNotHaveBean("ectFilterRegistration"));
        configured().withPropertyValues("ect.filter.order=-200", "ect.filter.url-patterns=/api/*").run(ctx -> {
            FilterRegistrationBean<?> reg = ctx.getBean("ectFilterRegistration", FilterRegistrationBean.class);
            assertThat(reg.getOrder()).isEqualTo(-200);
            assertThat(reg.getUrlPatterns()).containsExactly("/api/*");
        });
    }

    @Test
    @DisplayName("no Actuator on the class path: no health contributor, everything else works")
    void withoutActuator() {
        configured().withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(ctx ->
                assertThat(ctx).hasNotFailed().doesNotHaveBean("ectHealthIndicator").hasBean("ectFilterRegistration"));
    }

    @Test
    @DisplayName("no Micrometer on the class path: no metrics, the filter and clients still work")
    void withoutMicrometer() {
        configured().withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run(ctx -> {
            assertThat(ctx).hasNotFailed().doesNotHaveBean("ectMetricsFilterListener").hasBean("ectFilterRegistration")
                    .hasSingleBean(EctClientHttpRequestInterceptor.class);
            assertThat(ctx.getBean(EctVerifier.class).verifierId()).isEqualTo(TestKeys.SERVICE);
        });
    }

    @Test
    @DisplayName("no OkHttp on the class path: the OkHttp integration backs off")
    void withoutOkHttp() {
        configured().withClassLoader(new FilteredClassLoader(OkHttpClient.class)).run(ctx ->
                assertThat(ctx).hasNotFailed().doesNotHaveBean("ectOkHttpBeanPostProcessor"));
    }

    @Test
    @DisplayName("a MeterRegistry bean: verifications are counted and timed")
    void withMeterRegistry() {
        configured().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasBean("ectMetricsFilterListener");
            assertThat(ctx.getBean("ectMetricsFilterListener").getClass().getSimpleName()).isEqualTo("MicrometerFilterListener");
        });
    }

    @Test
    @DisplayName("M-01: every RestClient.Builder, RestTemplateBuilder, RestTemplate and OkHttpClient bean gets the ECT integration once")
    void clientsAreCustomized() {
        configured().withUserConfiguration(Clients.class).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            EctClientHttpRequestInterceptor i = ctx.getBean(EctClientHttpRequestInterceptor.class);
            RestClient.Builder b = ctx.getBean(RestClient.Builder.class);
            b.requestInterceptors(list -> assertThat(list).containsOnlyOnce(i));
            RestTemplate fromBuilder = ctx.getBean(RestTemplateBuilder.class).build();
            assertThat(fromBuilder.getInterceptors()).containsOnlyOnce(i);
            assertThat(ctx.getBean("plainTemplate", RestTemplate.class).getInterceptors()).containsOnlyOnce(i);
            OkHttpClient ok = ctx.getBean(OkHttpClient.class);
            assertThat(ok.networkInterceptors()).hasSize(1);
        });
    }

    @Test
    @DisplayName("no signing key: no interceptor, clients are left alone (calls carry no ECT)")
    void withoutSigningKey() {
        runner.withPropertyValues("ect.verifier-id=" + TestKeys.SERVICE, "ect.trust=" + keys.callerTrust())
                .withUserConfiguration(Clients.class).run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBeanProvider(EctClientHttpRequestInterceptor.class).getIfAvailable()).isNull();
                    assertThat(ctx.getBean("plainTemplate", RestTemplate.class).getInterceptors()).isEmpty();
                });
    }

    /** The first cause of {@code type} in the chain (the assembler's exception under Spring's wrapping). */
    static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c) && !(c instanceof org.springframework.beans.BeansException)) {
                return type.cast(c);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + t);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnVerifier {
        final EctVerifier verifier = EctVerifier.builder().verifierId(TestKeys.SERVICE)
                .keySource(StaticKeySource.builder().key(TestKeys.CALLER, keys.caller).build()).build();
        final EctSigner signer = EctSigner.builder(keys.service).build();

        @Bean
        EctVerifier myVerifier() { return verifier; }

        @Bean
        EctSigner mySigner() { return signer; }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        static final EctInstrumentation INSTRUMENTATION = EctInstrumentation.none();
        static final HealthIndicator HEALTH = () -> org.springframework.boot.health.contributor.Health.up().build();
        final FilterRegistrationBean<EctFilter> registration = new FilterRegistrationBean<>();

        @Bean
        FilterRegistrationBean<EctFilter> ectFilterRegistration() { return registration; }

        @Bean
        EctInstrumentation myInstrumentation() { return INSTRUMENTATION; }

        @Bean
        HealthIndicator ectHealthIndicator() { return HEALTH; }
    }

    @Configuration(proxyBeanMethods = false)
    static class Clients {
        @Bean
        RestTemplate plainTemplate() { return new RestTemplate(); }

        @Bean
        OkHttpClient okHttpClient() { return new OkHttpClient(); }
    }

}

package dev.ect.servlet;

import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctLevel;
import dev.ect.core.EctVerifier;
import dev.ect.core.VerifiedEct;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.testing.TestLedger;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.replay.ReplayStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application the container suite deploys: one main {@link EctFilter} on {@code /*} (L3 with a
 * ledger, response ECTs on but not recorded in the ledger (the default), {@code /health},
 * {@code /infra/*} and {@code *.css} excluded, {@code /public/*} and {@code /errorpage} optional; the servlet is
 * also extension-mapped to {@code *.css}), one filter per broken
 * dependency under {@code /infra/...}, and filters that do or do not record response ECTs.
 * Registered through the standard Servlet API, so Jetty and Tomcat run the very same setup.
 */
final class TestApp implements ServletContainerInitializer {
    static final String CALLER = "spiffe://example.com/caller";
    static final String SERVER = "spiffe://example.com/server";
    static final int MAX_TOKEN_BYTES = 4096;

    final EctKeyPair callerKey = EctKeys.generate("caller-1");
    final EctKeyPair serverKey = EctKeys.generate("server-1");
    final RecordingFilterListener events = new RecordingFilterListener();
    final RecordingFilterListener infraEvents = new RecordingFilterListener();
    /** The main filter's ledger; also the one a caller in the suite shares with the server. */
    final InMemoryLedger ledger = new InMemoryLedger();
    /** The ledger of {@code /infra/resp-recorded/*}, whose filter records its response ECTs. */
    final InMemoryLedger recordingLedger = new InMemoryLedger();
    /** The ledger of {@code /infra/resp-not-recorded/*}: it refuses this server's ECTs, which must not matter by default. */
    final TestLedger refusesServerEcts = new TestLedger().failAppends(ect -> SERVER.equals(ect.iss()));
    final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();
    final ExecutorService pool = Executors.newFixedThreadPool(2);

    int invocations(String path) {
        AtomicInteger n = invocations.get(path);
        return n == null ? 0 : n.get();
    }

    KeySource callerKeys() { return StaticKeySource.builder().key(CALLER, callerKey).build(); }

    /** A verifier of this server, logging like the ones the filter builds (the filter writes the line per request). */
    private static EctVerifier.Builder server() {
        return EctVerifier.builder().verifierId(SERVER).listener(EctFilterConfig.verifierListener());
    }

    private EctFilterConfig.Builder infra(EctVerifier.Builder verifier) {
        return EctFilterConfig.builder().environment(Map.of()).listener(infraEvents).verifier(verifier.build());
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext ctx) {
        EctFilterConfig main = EctFilterConfig.builder()
                .environment(Map.of())
                .verifier(server().keySource(callerKeys())
                        .settings(EctSettings.builder().maxTokenBytes(MAX_TOKEN_BYTES).build()).ledger(ledger).build())
                .ledger(ledger)
                .excludePaths("/health", "/infra/*", "/request-only/*", "*.css")
                .optionalPaths("/public/*", "/errorpage") // an error page must not be required (T-10)
                .listener(events)
                .responseSigner(EctSigner.builder(serverKey).build())
                .build();
        addFilter(ctx, "ect", new EctFilter(main), "/*");
        // V-15 at L3: a ledger that cannot append -> 503 ledger_unavailable
        addFilter(ctx, "ledger-down", new EctFilter(infra(server().keySource(callerKeys())
                .settings(EctSettings.builder().minLevel(EctLevel.L3).build())
                .ledger(TestLedger.failing())).build()), "/infra/ledger-down/*");
        // P-04: a replay store that cannot be reached -> 503 replay_store_unavailable
        ReplayStore down = (iss, wid, jti, keepUntil) -> {
            throw new IllegalStateException("redis: connection refused");
        };
        addFilter(ctx, "replay-down", new EctFilter(infra(server().keySource(callerKeys()).replayStore(down)).build()),
                "/infra/replay-down/*");
        // P-03: a replay store holding one live entry refuses the next token rather than evict
        addFilter(ctx, "replay-full", new EctFilter(infra(server().keySource(callerKeys())
                .settings(EctSettings.builder().replayCacheSize(1).build())).build()), "/infra/replay-full/*");
        // V-07: a key source that cannot be reached -> 503 key_source_unavailable
        KeySource keysDown = (iss, kid) -> {
            throw new IllegalStateException("JWKS endpoint: connection refused");
        };
        addFilter(ctx, "keys-down", new EctFilter(infra(server().keySource(keysDown)).build()), "/infra/keys-down/*");
        // an unexpected exception inside verification -> 503 verification_unavailable
        addFilter(ctx, "boom", new EctFilter(EctFilterConfig.builder().environment(Map.of()).listener(infraEvents)
                .verifier(new ExplodingVerifier()).build()), "/infra/boom/*");
        // a verifier of the application's own whose rejections carry no jti/iss: the filter reads them from the token
        addFilter(ctx, "own-verifier", new EctFilter(EctFilterConfig.builder().environment(Map.of()).listener(infraEvents)
                .verifier(new IdDroppingVerifier(EctVerifier.builder().verifierId(SERVER).keySource(callerKeys()).build()))
                .build()), "/infra/own-verifier/*");

        // response ECTs on and recorded (opt-in): the filter appends each one to its ledger before sending it
        addFilter(ctx, "resp-recorded", new EctFilter(infra(server().keySource(callerKeys()).ledger(recordingLedger)).ledger(recordingLedger)
                .responseSigner(EctSigner.builder(serverKey).build()).recordResponseEcts(true).build()),
                "/infra/resp-recorded/*");
        // response ECTs on and recorded, but the ledger refuses to record them (inbound ECTs are
        // recorded fine); its listener also throws, which must not change any outcome
        TestLedger refusing = new TestLedger().failAppends(ect -> SERVER.equals(ect.iss()));
        addFilter(ctx, "resp-ledger-down", new EctFilter(EctFilterConfig.builder().environment(Map.of())
                .verifier(server().keySource(callerKeys()).ledger(refusing).build()).ledger(refusing)
                .responseSigner(EctSigner.builder(serverKey).build()).recordResponseEcts(true)
                .listener(infraEvents.andThen(e -> {
                    throw new IllegalStateException("metrics backend down");
                })).build()), "/infra/resp-ledger-down/*");
        // the same refusing ledger with recording left at its default (off): the ledger is never asked
        addFilter(ctx, "resp-not-recorded", new EctFilter(infra(server().keySource(callerKeys()).ledger(refusesServerEcts)).ledger(refusesServerEcts)
                .responseSigner(EctSigner.builder(serverKey).build()).build()), "/infra/resp-not-recorded/*");

        // mapped for REQUEST dispatches only (the web.xml default): forwards bypass the filter
        // (its exec_act resolver fails: the default is used)
        FilterRegistration.Dynamic requestOnly = ctx.addFilter("request-only", new EctFilter(infra(server().keySource(callerKeys()))
                .responseSigner(EctSigner.builder(serverKey).build())
                .responseExecAct(r -> {
                    throw new IllegalStateException("resolver bug");
                }).build()));
        requestOnly.setAsyncSupported(true);
        requestOnly.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/request-only/*");

        ServletRegistration.Dynamic s = ctx.addServlet("app", new AppServlet(this));
        s.setAsyncSupported(true);
        s.addMapping("/api/*", "/public/*", "/health", "/infra/*", "/async/*", "/errorpage", "/request-only/*", "*.css");
    }

    private static void addFilter(ServletContext ctx, String name, EctFilter filter, String pattern) {
        FilterRegistration.Dynamic f = ctx.addFilter(name, filter);
        f.setAsyncSupported(true);
        f.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, pattern);
    }

    /** A verifier of one's own that rethrows its delegate's rejections without the unverified ids. */
    record IdDroppingVerifier(EctVerifier delegate) implements EctVerifier {
        @Override
        public VerifiedEct verify(String token) {
            try {
                return delegate.verify(token);
            } catch (dev.ect.core.EctRejectedException e) {
                throw new dev.ect.core.EctRejectedException(e.error());
            }
        }

        @Override
        public VerifiedEct check(String token) { return delegate.check(token); }

        @Override
        public String verifierId() { return delegate.verifierId(); }

        @Override
        public EctSettings settings() { return delegate.settings(); }
    }

    /** A verifier with a bug. */
    static final class ExplodingVerifier implements EctVerifier {
        @Override
        public VerifiedEct verify(String token) { throw new IllegalStateException("bug at " + Instant.EPOCH); }

        @Override
        public VerifiedEct check(String token) { return verify(token); }

        @Override
        public String verifierId() { return SERVER; }

        @Override
        public EctSettings settings() { return EctSettings.defaults(); }
    }
}

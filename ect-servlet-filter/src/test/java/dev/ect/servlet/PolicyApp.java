package dev.ect.servlet;

import dev.ect.core.EctLevel;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.VerificationListener;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application of {@link FilterPolicyContainerSuite} (T-09, T-10, item 12): several
 * {@link EctFilter} instances on one request, dispatches from optional to required paths, and
 * suffix exclusions under a required prefix.
 *
 * <ul>
 *   <li>{@code svc1} on {@code /*} (id {@link #SVC1}, trusts A and B): {@code /api/*} required,
 *       {@code /public/*}, {@code /admin/*}, {@code /shared/*}, {@code /own/*} and
 *       {@code /errors/optional} optional, {@code *.css}, {@code /health} and {@code /custom/*} excluded; replay store
 *       {@link #replay1}, ledger {@link #ledger1}; response ECTs on;
 *   <li>{@code admin} on {@code /admin/*} (id {@link #ADMIN}, trusts only B, minimum level L3,
 *       ledger {@link #adminLedger}): everything required;
 *   <li>{@code shared} on {@code /shared/*}: id {@link #SVC1}, trusts A, the same replay store and
 *       ledger objects as {@code svc1};
 *   <li>{@code own} on {@code /own/*}: id {@link #SVC1}, trusts A, its own replay store and ledger;
 *   <li>{@code custom} on {@code /custom/*}: built with {@code .verifier(v)} (item 12).
 * </ul>
 */
final class PolicyApp implements ServletContainerInitializer {
    static final String A = "spiffe://example.com/issuer-a";
    static final String B = "spiffe://example.com/issuer-b";
    static final String SVC1 = "spiffe://example.com/svc1";
    static final String ADMIN = "spiffe://example.com/admin";

    final EctKeyPair keyA = EctKeys.generate("a-1");
    final EctKeyPair keyB = EctKeys.generate("b-1");
    final EctKeyPair serverKey = EctKeys.generate("svc1-1");
    final Clock clock = Clock.systemUTC();
    final CountingReplayStore replay1 = new CountingReplayStore(clock);
    final InMemoryLedger ledger1 = new InMemoryLedger();
    final InMemoryLedger adminLedger = new InMemoryLedger();
    final CountingReplayStore ownReplay = new CountingReplayStore(clock);
    final InMemoryLedger ownLedger = new InMemoryLedger();
    final RecordingFilterListener events = new RecordingFilterListener();
    final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();

    int invocations(String path) {
        AtomicInteger n = invocations.get(path);
        return n == null ? 0 : n.get();
    }

    /** A replay store that counts its records (T-09: once per store). */
    static final class CountingReplayStore implements ReplayStore {
        private final CaffeineReplayStore inner;
        final Map<String, AtomicInteger> records = new ConcurrentHashMap<>();

        CountingReplayStore(Clock clock) { inner = new CaffeineReplayStore(10_000, clock); }

        @Override
        public boolean checkAndRecord(String iss, String wid, String jti, Instant keepUntil) {
            records.computeIfAbsent(jti, j -> new AtomicInteger()).incrementAndGet();
            return inner.checkAndRecord(iss, wid, jti, keepUntil);
        }

        int records(String jti) {
            AtomicInteger n = records.get(jti);
            return n == null ? 0 : n.get();
        }
    }

    private EctFilterConfig.Builder base(String name) {
        return EctFilterConfig.builder().environment(Map.of()).listener(e -> events.onEvent(tag(name, e)));
    }

    /** A verifier logging like the ones the filter builds (the filter writes the line per request). */
    private static EctVerifier.Builder verifier(String id) {
        return EctVerifier.builder().verifierId(id).listener(EctFilterConfig.verifierListener());
    }

    /** The listener sees which instance spoke through the event's path prefix "name:". */
    private static EctFilterEvent tag(String name, EctFilterEvent e) {
        return new EctFilterEvent(e.outcome(), e.errorCode(), e.status(), e.jti(), e.iss(), e.level(), e.method(),
                name + ":" + e.path(), e.dispatcherType(), e.duration());
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext ctx) {
        addFilter(ctx, "svc1", new EctFilter(base("svc1").verifier(verifier(SVC1)
                .keySource(StaticKeySource.builder().key(A, keyA).key(B, keyB).build())
                .replayStore(replay1).ledger(ledger1).build()).ledger(ledger1)
                .requiredPaths("/api/*")
                .optionalPaths("/public/*", "/admin/*", "/shared/*", "/own/*", "/errors/optional")
                .excludePaths("*.css", "/health", "/custom/*")
                .responseSigner(EctSigner.builder(serverKey).build())
                .build()), "/*");
        addFilter(ctx, "admin", new EctFilter(base("admin").verifier(verifier(ADMIN)
                .keySource(StaticKeySource.builder().key(B, keyB).build())
                .settings(EctSettings.builder().minLevel(EctLevel.L3).build())
                .ledger(adminLedger).build()).ledger(adminLedger).build()), "/admin/*");
        addFilter(ctx, "shared", new EctFilter(base("shared").verifier(verifier(SVC1)
                .keySource(StaticKeySource.builder().key(A, keyA).build())
                .replayStore(replay1).ledger(ledger1).build()).ledger(ledger1).build()), "/shared/*");
        addFilter(ctx, "own", new EctFilter(base("own").verifier(verifier(SVC1)
                .keySource(StaticKeySource.builder().key(A, keyA).build())
                .replayStore(ownReplay).ledger(ownLedger).build()).ledger(ownLedger).build()), "/own/*");
        EctVerifier custom = EctVerifier.builder().verifierId(SVC1).keySource(StaticKeySource.builder().key(A, keyA).build())
                .listener(VerificationListener.noop()).build();
        addFilter(ctx, "custom", new EctFilter(base("custom").verifier(custom).build()), "/custom/*");

        ServletRegistration.Dynamic s = ctx.addServlet("app", new Servlet(this));
        s.setAsyncSupported(true);
        s.addMapping("/api/*", "/public/*", "/admin/*", "/shared/*", "/own/*", "/errors/*", "/custom/*", "/health", "*.css");
    }

    private static void addFilter(ServletContext ctx, String name, EctFilter filter, String pattern) {
        FilterRegistration.Dynamic f = ctx.addFilter(name, filter);
        f.setAsyncSupported(true);
        f.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, pattern);
    }

    /** Forwards, includes, async-dispatches and errors on request; echoes otherwise. */
    static final class Servlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient PolicyApp app;

        Servlet(PolicyApp app) { this.app = app; }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, jakarta.servlet.ServletException {
            String path = EctFilter.pathWithinApplication(req);
            app.invocations.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            String to = req.getParameter("to");
            switch (path) {
                case "/public/forward" -> req.getRequestDispatcher(to).forward(req, resp);
                case "/public/include" -> {
                    resp.setContentType("text/plain");
                    resp.getWriter().write("before-include;");
                    req.getRequestDispatcher(to).include(req, resp);
                    resp.getWriter().write(";after-include");
                }
                case "/public/async" -> {
                    AsyncContext ac = req.startAsync();
                    ac.start(() -> ac.dispatch(to));
                }
                case "/public/error" -> resp.sendError(Integer.parseInt(req.getParameter("status")));
                case "/api/conflict" -> resp.sendError(409, "conflict");
                default -> {
                    resp.setContentType("text/plain");
                    resp.getWriter().write("servlet=" + path + "\n" + AppServlet.describe(req, "echo"));
                }
            }
        }
    }
}

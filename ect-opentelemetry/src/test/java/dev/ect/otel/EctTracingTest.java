package dev.ect.otel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ect.core.Ect;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.VerifiedEct;
import dev.ect.core.context.TaskContext;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import dev.ect.okhttp.AudienceResolver;
import dev.ect.okhttp.EctOkHttp;
import dev.ect.servlet.EctFilter;
import dev.ect.servlet.EctFilterConfig;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The minted ECT's claims on the client span and the accepted ECT's on the server span, over real
 * HTTP (OkHttp agent A -> Jetty agent B with the ECT filter), recorded by the OpenTelemetry SDK's
 * in-memory exporter. The test's own server filter plays the servlet instrumentation (a SERVER span
 * current around the chain), and the test makes a CLIENT span current around the call, as the OkHttp
 * instrumentation's interceptor would.
 */
class EctTracingTest {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    static final EctKeyPair KEY_A = EctKeys.generate("a-1");
    static final String WID = "6f1c2b0e-7d4a-4e8b-9c3d-2a1b0c9d8e7f";
    static final KeySource KEYS = StaticKeySource.builder().key(A, KEY_A).build();

    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    final Tracer tracer = tracerProvider.get("ect-test");
    final ReplayStore replay = new CaffeineReplayStore(10_000);
    final AtomicReference<String> taskInController = new AtomicReference<>();
    Server server;
    int port;

    /** Plays the servlet instrumentation: a SERVER span, current while the rest of the chain runs. */
    final class ServerSpanFilter implements Filter {
        @Override
        public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res,
                jakarta.servlet.FilterChain chain) throws IOException, jakarta.servlet.ServletException {
            Span span = tracer.spanBuilder("GET /work").setSpanKind(SpanKind.SERVER).startSpan();
            try (Scope s = span.makeCurrent()) {
                chain.doFilter(req, res);
            } finally {
                span.end();
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        EctVerifier verifier = EctTracing.traced(
                EctVerifier.builder().verifierId(B).keySource(KEYS).replayStore(replay).build());
        EctFilterConfig config = EctFilterConfig.builder().verifier(verifier).environment(Map.of())
                .requiredPaths("/*").build();
        server = new Server();
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler("/");
        ctx.addFilter(new FilterHolder(new ServerSpanFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addFilter(new FilterHolder(new EctFilter(config)), "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                taskInController.set(TaskContext.current().map(t -> t.inbound().jti()).orElse(null));
                resp.getWriter().write("done");
            }
        }), "/*");
        server.setHandler(ctx);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        tracerProvider.close();
    }

    private OkHttpClient agentA(EctSigner signer) {
        return EctOkHttp.builder(signer, A).audience(AudienceResolver.fixed(B)).build().wrap(new OkHttpClient());
    }

    private SpanData span(SpanKind kind) {
        List<SpanData> spans = exporter.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).toList();
        assertEquals(1, spans.size(), "one " + kind + " span: " + exporter.getFinishedSpanItems());
        return spans.get(0);
    }

    @Test
    @DisplayName("a call's client span carries the minted ECT and the server span the same ECT, accepted: trace and DAG join on ect.jti")
    void clientAndServerSpansCarryTheSameTask() throws Exception {
        OkHttpClient client = agentA(EctTracing.traced(EctSigner.builder(KEY_A).build()));
        Span clientSpan = tracer.spanBuilder("GET").setSpanKind(SpanKind.CLIENT).startSpan();
        try (TaskContext.Scope task = TaskContext.root(WID).makeCurrent(); Scope s = clientSpan.makeCurrent();
                Response r = client.newCall(new Request.Builder().url("http://127.0.0.1:" + port + "/work").build()).execute()) {
            assertEquals(200, r.code());
        } finally {
            clientSpan.end();
        }
        SpanData c = span(SpanKind.CLIENT);
        SpanData srv = span(SpanKind.SERVER);
        String jti = c.getAttributes().get(EctSpanAttributes.JTI);
        assertNotNull(jti);
        assertEquals("minted", c.getAttributes().get(EctSpanAttributes.ROLE));
        assertEquals(jti, srv.getAttributes().get(EctSpanAttributes.JTI));
        assertEquals(jti, taskInController.get());
        assertEquals("verified", srv.getAttributes().get(EctSpanAttributes.ROLE));
        assertEquals(A, srv.getAttributes().get(EctSpanAttributes.ISS));
        assertEquals(WID, srv.getAttributes().get(EctSpanAttributes.WID));
        assertEquals(c.getAttributes().get(EctSpanAttributes.EXEC_ACT), srv.getAttributes().get(EctSpanAttributes.EXEC_ACT));
        assertNotNull(srv.getAttributes().get(EctSpanAttributes.EXEC_ACT));
        assertEquals(List.of(), srv.getAttributes().get(EctSpanAttributes.PRED));
        assertNull(srv.getAttributes().get(EctSpanAttributes.REASON));
    }

    @Test
    @DisplayName("V-14: a replayed ECT puts only its reason code on the server span, with an ect.rejected event; no claim the sender wrote (T-12)")
    void refusedEctAddsOnlyTheReasonCode() throws Exception {
        EctSigner signer = EctSigner.builder(KEY_A).build();
        String token = signer.sign(Ect.builder().iss(A).aud(B).execAct("work").wid(WID).build());
        OkHttpClient plain = new OkHttpClient();
        Request req = new Request.Builder().url("http://127.0.0.1:" + port + "/work").header(EctOkHttp.HEADER, token).build();
        try (Response first = plain.newCall(req).execute()) {
            assertEquals(200, first.code());
        }
        exporter.reset();
        try (Response second = plain.newCall(req).execute()) {
            assertEquals(403, second.code());
        }
        SpanData srv = span(SpanKind.SERVER);
        assertEquals(ReasonCode.REPLAY.code(), srv.getAttributes().get(EctSpanAttributes.REASON));
        assertNull(srv.getAttributes().get(EctSpanAttributes.JTI));
        assertNull(srv.getAttributes().get(EctSpanAttributes.ISS));
        assertTrue(srv.getEvents().stream().anyMatch(e -> e.getName().equals(EctSpanAttributes.REJECTED_EVENT)
                && ReasonCode.REPLAY.code().equals(e.getAttributes().get(EctSpanAttributes.REASON))), srv.getEvents().toString());
    }

    @Test
    @DisplayName("T-09: verifyAgain is passed to the wrapped verifier, so a replay store the two verifiers share records the token once")
    void verifyAgainIsPassedThrough() {
        EctVerifier first = EctVerifier.builder().verifierId(B).keySource(KEYS).replayStore(replay).build();
        EctVerifier second = EctTracing.traced(EctVerifier.builder().verifierId(B).keySource(KEYS).replayStore(replay).build());
        String token = EctSigner.builder(KEY_A).build().sign(Ect.builder().iss(A).aud(B).execAct("work").build());
        VerifiedEct accepted = first.verify(token);
        Span span = tracer.spanBuilder("second filter").setSpanKind(SpanKind.SERVER).startSpan();
        try (Scope s = span.makeCurrent()) {
            assertEquals(accepted.ect().jti(), second.verifyAgain(token, accepted).ect().jti());
        } finally {
            span.end();
        }
        assertEquals(accepted.ect().jti(), span(SpanKind.SERVER).getAttributes().get(EctSpanAttributes.JTI));
        // and a plain verify of the same token is still a replay: the wrapper did not weaken V-14
        EctRejectedException e = assertThrows(EctRejectedException.class, () -> second.verify(token));
        assertEquals(ReasonCode.REPLAY, e.reason());
    }

    @Test
    @DisplayName("T-09: verifyAgain(token, accepted, scope) is passed to the wrapped verifier: the scope runs there, once, and its refusal is on the span")
    void scopedVerifyAgainIsPassedThrough() {
        EctVerifier first = EctVerifier.builder().verifierId(B).keySource(KEYS).replayStore(replay).build();
        java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
        EctVerifier inner = EctVerifier.builder().verifierId(B).keySource(KEYS).replayStore(replay).build();
        // a delegate that counts check(): the interface default of the scoped verifyAgain would call it
        EctVerifier counting = new EctVerifier() {
            @Override public VerifiedEct verify(String token) { return inner.verify(token); }
            @Override public VerifiedEct verifyAgain(String token, VerifiedEct accepted) { return inner.verifyAgain(token, accepted); }
            @Override public VerifiedEct verifyAgain(String token, VerifiedEct accepted, dev.ect.core.VerificationScope scope) {
                return inner.verifyAgain(token, accepted, scope);
            }
            @Override public VerifiedEct check(String token) { checks.incrementAndGet(); return inner.check(token); }
            @Override public String verifierId() { return inner.verifierId(); }
            @Override public dev.ect.core.EctSettings settings() { return inner.settings(); }
        };
        EctVerifier second = EctTracing.traced(counting);
        String token = EctSigner.builder(KEY_A).build().sign(Ect.builder().iss(A).aud(B).execAct("work").build());
        VerifiedEct accepted = first.verify(token);
        dev.ect.core.VerificationScope refusing = dev.ect.core.VerificationScope.of((ect, dag) ->
                dev.ect.core.ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "C-07", "not this request"));
        Span span = tracer.spanBuilder("second filter").setSpanKind(SpanKind.SERVER).startSpan();
        try (Scope s = span.makeCurrent()) {
            EctRejectedException e = assertThrows(EctRejectedException.class, () -> second.verifyAgain(token, accepted, refusing));
            assertEquals(ReasonCode.INVALID_CLAIM, e.reason());
        } finally {
            span.end();
        }
        assertEquals(ReasonCode.INVALID_CLAIM.code(), span(SpanKind.SERVER).getAttributes().get(EctSpanAttributes.REASON));
        assertEquals(0, checks.get(), "the delegate's own scoped verifyAgain ran, not the interface default");
        assertEquals(accepted.ect().jti(), second.verifyAgain(token, accepted,
                dev.ect.core.VerificationScope.of(dev.ect.core.EctValidator.none())).ect().jti());
    }

    @Test
    @DisplayName("T-08: verify(token, scope) is passed to the wrapped verifier: its validator runs there, before the replay record, once")
    void verifyWithAScopeIsPassedThrough() {
        java.util.concurrent.atomic.AtomicInteger records = new java.util.concurrent.atomic.AtomicInteger();
        ReplayStore counting = (iss, wid, jti, until) -> records.incrementAndGet() > 0;
        EctVerifier verifier = EctTracing.traced(EctVerifier.builder().verifierId(B).keySource(KEYS).replayStore(counting).build());
        java.util.concurrent.atomic.AtomicInteger validated = new java.util.concurrent.atomic.AtomicInteger();
        dev.ect.core.VerificationScope counted = dev.ect.core.VerificationScope.of((ect, dag) -> {
            validated.incrementAndGet();
            return dev.ect.core.ValidationResult.valid();
        });
        EctSigner signer = EctSigner.builder(KEY_A).build();
        Span span = tracer.spanBuilder("client").setSpanKind(SpanKind.CLIENT).startSpan();
        String jti;
        try (Scope s = span.makeCurrent()) {
            jti = verifier.verify(signer.sign(Ect.builder().iss(A).aud(B).execAct("work").build()), counted).ect().jti();
        } finally {
            span.end();
        }
        assertEquals(jti, span(SpanKind.CLIENT).getAttributes().get(EctSpanAttributes.JTI));
        assertEquals(1, validated.get());
        assertEquals(1, records.get());
        dev.ect.core.VerificationScope refusing = dev.ect.core.VerificationScope.of((ect, dag) ->
                dev.ect.core.ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "T-08", "unlinked"));
        EctRejectedException e = assertThrows(EctRejectedException.class,
                () -> verifier.verify(signer.sign(Ect.builder().iss(A).aud(B).execAct("work").build()), refusing));
        assertEquals(ReasonCode.INVALID_CLAIM, e.reason());
        assertEquals(1, records.get(), "refused before the replay record");
    }

    @Test
    @DisplayName("without an OpenTelemetry SDK (the no-op span) verifying and minting work and record nothing")
    void noSdkNoRecording() {
        EctSigner signer = EctTracing.traced(EctSigner.builder(KEY_A).build());
        EctVerifier verifier = EctTracing.traced(EctVerifier.builder().verifierId(B).keySource(KEYS).build());
        assertTrue(!Span.current().isRecording());
        SignedEct s = signer.mint(Ect.builder().iss(A).aud(B).execAct("work").build());
        assertEquals(s.ect().jti(), verifier.verify(s.compact()).ect().jti());
        assertEquals(B, verifier.verifierId());
        assertEquals(KEY_A.kid(), signer.kid());
        assertSame(verifier, EctTracing.traced(verifier), "wrapping twice is wrapping once");
        assertSame(signer, EctTracing.traced(signer));
        assertTrue(exporter.getFinishedSpanItems().isEmpty());
    }

    @Test
    @DisplayName("check, settings, crypto provider, algorithm and kid are the wrapped objects' own; check records nothing (V-14 still applies to verify)")
    void otherMethodsArePassedThrough() {
        EctSigner plainSigner = EctSigner.builder(KEY_A).build();
        EctSigner signer = EctTracing.traced(plainSigner);
        EctVerifier plain = EctVerifier.builder().verifierId(B).keySource(KEYS).replayStore(replay).build();
        EctVerifier verifier = EctTracing.traced(plain);
        String token = signer.sign(Ect.builder().iss(A).aud(B).execAct("work").build());
        assertEquals(verifier.check(token).ect().jti(), verifier.verify(token).ect().jti(), "check() consumed nothing");
        assertEquals(plain.settings(), verifier.settings());
        assertEquals(plain.cryptoProvider(), verifier.cryptoProvider());
        assertEquals(plainSigner.algorithm(), signer.algorithm());
        assertEquals(plainSigner.cryptoProvider(), signer.cryptoProvider());
        assertTrue(verifier.toString().startsWith("traced ") && signer.toString().startsWith("traced "));
    }
}

package dev.ect.hardening.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.JwksUrlKeySource;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.hardening.support.Canary;
import dev.ect.hardening.support.Forge;
import dev.ect.hardening.support.HostileServer;
import dev.ect.testing.MutableClock;
import dev.ect.hardening.support.RawHttp;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Faults of the key source (V-07, T-06): the filter verifies with a {@link JwksUrlKeySource}
 * whose JWKS endpoint (a MockWebServer on 127.0.0.1) is down, slow, stalled, trickling, wrong or
 * oversized. The answer is always 503 {@code key_source_unavailable} within the configured
 * timeouts (never a 500, a hang, a 403 that blames a token which may be fine, or an accept), the
 * protected servlet never runs, and the server stays healthy.
 */
class JwksFaultTest {
    private static final Duration TIMEOUT = Duration.ofMillis(400);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private MockWebServer jwks;
    private HostileServer server;

    @BeforeEach
    void startJwks() throws Exception {
        jwks = new MockWebServer();
        jwks.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        jwks.close();
    }

    private void startServer(String jwksUrl) throws Exception { startServer(jwksUrl, TIMEOUT); }

    private void startServer(String jwksUrl, Duration timeout) throws Exception {
        JwksUrlKeySource keys = JwksUrlKeySource.builder().issuer(Forge.ISS, jwksUrl)
                .connectTimeout(timeout).readTimeout(timeout).cooldown(Duration.ofSeconds(30)).clock(clock)
                .allowInsecureHttp(true) // K-03: a plain-http MockWebServer, opted in explicitly
                .build();
        server = HostileServer.builder(new InMemoryLedger()).clock(clock).keySource(keys).start();
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(body).build();
    }

    private void assertUnavailable() throws Exception {
        long t0 = System.nanoTime();
        RawHttp.Response r = server.sendToken(Forge.valid(clock.instant()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.header("content-type")).startsWith("application/problem+json");
        assertThat(r.body()).contains("\"ect_error\":\"key_source_unavailable\"");
        assertThat(server.servletCalls()).isZero();
        // bounded by the key source's timeouts, not by the client's 15 s patience
        assertThat(ms).as("answered after %d ms", ms).isLessThan(10_000);
    }

    @Test
    void endpointDownIs503() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        startServer("http://127.0.0.1:" + port + "/jwks.json");
        assertUnavailable();
    }

    @Test
    void slowHeadersAre503AfterTheReadTimeout() throws Exception {
        jwks.enqueue(new MockResponse.Builder(json(Forge.TRUSTED.publicJwks())).headersDelay(5, TimeUnit.SECONDS).build());
        startServer(jwks.url("/jwks.json").toString());
        assertUnavailable();
    }

    @Test
    void trickledBodyIs503AfterTheReadTimeout() throws Exception {
        // 1 byte every 50 ms: the headers arrive at once, the whole body would take ~10 s
        jwks.enqueue(new MockResponse.Builder(json(Forge.TRUSTED.publicJwks())).throttleBody(1, 50, TimeUnit.MILLISECONDS).build());
        startServer(jwks.url("/jwks.json").toString());
        assertUnavailable();
    }

    @Test
    void stalledResponseIs503() throws Exception {
        jwks.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
        startServer(jwks.url("/jwks.json").toString());
        assertUnavailable();
    }

    @Test
    void connectionClosedMidResponseIs503() throws Exception {
        jwks.enqueue(new MockResponse.Builder(json(Forge.TRUSTED.publicJwks())).onResponseBody(new SocketEffect.CloseSocket()).build());
        startServer(jwks.url("/jwks.json").toString());
        assertUnavailable();
    }

    @Test
    void serverErrorIs503() throws Exception {
        jwks.enqueue(new MockResponse.Builder().code(500).body("oops").build());
        startServer(jwks.url("/jwks.json").toString());
        assertUnavailable();
    }

    @Test
    void garbageBodyIs503() throws Exception {
        jwks.enqueue(json("<html>not a key set</html>"));
        startServer(jwks.url("/jwks.json").toString());
        assertUnavailable();
    }

    @Test
    void jsonThatIsNoKeySetIs503() throws Exception {
        jwks.enqueue(json("{\"keys\":\"none\"}"));
        startServer(jwks.url("/jwks.json").toString());
        assertUnavailable();
    }

    @Test
    void oversizedDocumentIs503() throws Exception { // EctKeys.MAX_JWKS_CHARS; the read stops at MAX_JWKS_CHARS * 4 bytes
        String pad = "x".repeat(EctKeys.MAX_JWKS_CHARS * 4 + 16);
        jwks.enqueue(json("{\"pad\":\"" + pad + "\"," + Forge.TRUSTED.publicJwks().substring(1)));
        startServer(jwks.url("/jwks.json").toString());
        assertUnavailable();
    }

    @Test
    void moreKeysThanTheBoundIs503() throws Exception { // EctKeys.MAX_JWKS_KEYS
        jwks.enqueue(json(keySet(EctKeys.MAX_JWKS_KEYS + 1)));
        startServer(jwks.url("/jwks.json").toString());
        assertUnavailable();
    }

    @Test
    void exactlyTheKeyBoundIsAccepted() throws Exception { // EctKeys.MAX_JWKS_KEYS at its edge
        jwks.enqueue(json(keySet(EctKeys.MAX_JWKS_KEYS)));
        startServer(jwks.url("/jwks.json").toString(), Duration.ofSeconds(5)); // a 20 KB document: no timing games
        assertThat(server.sendToken(Forge.valid(clock.instant())).status()).isEqualTo(200);
    }

    @Test
    void redirectIsNotFollowed() throws Exception {
        try (Canary canary = new Canary()) {
            jwks.enqueue(new MockResponse.Builder().code(302).setHeader("Location", canary.url("/jwks.json")).build());
            startServer(jwks.url("/jwks.json").toString());
            assertUnavailable();
            assertThat(canary.connections()).isZero();
        }
    }

    @Test
    void cachedKeysKeepVerifyingThroughAnOutageButUnknownKidsAre503() throws Exception {
        jwks.enqueue(json(Forge.TRUSTED.publicJwks()));
        startServer(jwks.url("/jwks.json").toString());
        assertThat(server.sendToken(Forge.valid(clock.instant())).status()).isEqualTo(200);

        for (int i = 0; i < 3; i++) {
            jwks.enqueue(new MockResponse.Builder().code(503).build());
        }
        clock.advance(Duration.ofMinutes(6)); // past the 5 min ttl: the refresh fails
        assertThat(server.sendToken(Forge.valid(clock.instant())).status()).as("last good key set").isEqualTo(200);

        clock.advance(Duration.ofSeconds(31)); // past the cooldown: an unknown kid refetches, which fails
        Map<String, Object> h = Forge.header();
        h.put("kid", "rotated-2");
        String t = Forge.token(h, Forge.claims(clock.instant()), Forge.es256(Forge.TRUSTED.privateKey()));
        RawHttp.Response r = server.sendToken(t);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).contains("key_source_unavailable");
        assertThat(server.servletCalls()).isEqualTo(2);
    }

    @Test
    @DisplayName("K-04 over HTTP: a blocked key server keeps the cached key alive for ttl + maxStale only, then 503")
    void cachedKeysStopVerifyingAfterMaxStaleWhileTheEndpointStaysDown() throws Exception {
        jwks.enqueue(json(Forge.TRUSTED.publicJwks()));
        startServer(jwks.url("/jwks.json").toString());
        assertThat(server.sendToken(Forge.valid(clock.instant())).status()).isEqualTo(200);
        for (int i = 0; i < 10; i++) {
            jwks.enqueue(new MockResponse.Builder().code(503).build());
        }
        clock.advance(Duration.ofMinutes(14)); // ttl 5 min + 9 of the default 10 min maxStale
        assertThat(server.sendToken(Forge.valid(clock.instant())).status()).as("still within maxStale").isEqualTo(200);
        clock.advance(Duration.ofMinutes(1)); // ttl + maxStale reached, the endpoint still fails
        RawHttp.Response r = server.sendToken(Forge.valid(clock.instant()));
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.header("content-type")).startsWith("application/problem+json");
        assertThat(r.body()).contains("\"ect_error\":\"key_source_unavailable\"");
        assertThat(server.servletCalls()).isEqualTo(2);
    }

    @Test
    void randomKidsCannotCauseAFetchStorm() throws Exception { // cooldown bound (default 30 s)
        jwks.enqueue(json(Forge.TRUSTED.publicJwks()));
        for (int i = 0; i < 5; i++) {
            jwks.enqueue(json(Forge.TRUSTED.publicJwks()));
        }
        startServer(jwks.url("/jwks.json").toString());
        assertThat(server.sendToken(Forge.valid(clock.instant())).status()).isEqualTo(200);
        for (int i = 0; i < 40; i++) {
            Map<String, Object> h = Forge.header();
            h.put("kid", "random-" + UUID.randomUUID());
            RawHttp.Response r = server.sendToken(Forge.token(h, Forge.claims(clock.instant()), Forge.es256(Forge.UNTRUSTED.privateKey())));
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body()).contains("unknown_key");
        }
        // the first fetch, plus at most one re-fetch for an unknown kid within the cooldown
        assertThat(jwks.getRequestCount()).isLessThanOrEqualTo(2);
    }

    @Test
    void keysOfOneIssuersUrlNeverVerifyAnotherIssuer() throws Exception {
        try (MockWebServer otherJwks = new MockWebServer()) {
            otherJwks.start();
            jwks.enqueue(json(Forge.TRUSTED.publicJwks()));
            otherJwks.enqueue(json(Forge.OTHER_ISSUER.publicJwks()));
            JwksUrlKeySource keys = JwksUrlKeySource.builder()
                    .issuer(Forge.ISS, jwks.url("/jwks.json").toString())
                    .issuer(Forge.OTHER_ISS, otherJwks.url("/jwks.json").toString())
                    .connectTimeout(TIMEOUT).readTimeout(TIMEOUT).clock(clock).allowInsecureHttp(true).build();
            server = HostileServer.builder(new InMemoryLedger()).clock(clock).keySource(keys).start();
            // iss = OTHER_ISS, same kid, but signed with ISS's key
            Map<String, Object> c = Forge.claims(clock.instant());
            c.put("iss", Forge.OTHER_ISS);
            RawHttp.Response r = server.sendToken(Forge.token(Forge.header(), c, Forge.es256(Forge.TRUSTED.privateKey())));
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body()).contains("invalid_signature");
            // and a genuine token of each issuer passes
            assertThat(server.sendToken(Forge.valid(clock.instant())).status()).isEqualTo(200);
            Map<String, Object> c2 = Forge.claims(clock.instant());
            c2.put("iss", Forge.OTHER_ISS);
            assertThat(server.sendToken(Forge.token(Forge.header(), c2, Forge.es256(Forge.OTHER_ISSUER.privateKey()))).status())
                    .isEqualTo(200);
        }
    }

    /** A JWKS with {@code n} keys: the trusted key under its kid, and n - 1 others. */
    private static String keySet(int n) {
        List<EctKeyPair> pairs = new ArrayList<>();
        pairs.add(Forge.TRUSTED);
        EctKeyPair filler = Forge.UNTRUSTED;
        for (int i = 1; i < n; i++) {
            pairs.add(new EctKeyPair(filler.algorithm(), "filler-" + i, filler.privateKey(), filler.publicKey()));
        }
        return EctKeys.toJwks(pairs);
    }
}

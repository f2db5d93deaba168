package dev.ect.core.keys;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.C;
import static dev.ect.core.support.Fixtures.NOW;
import static dev.ect.core.support.Fixtures.key;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ect.core.Ect;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctSigner;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.VerificationListener;
import dev.ect.core.support.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * JwksUrlKeySource against a real local HTTP server (V-07): caching, rotation, cooldown, outages,
 * hostile documents, timeouts and refresh-ahead. Time moves only through a {@link MutableClock};
 * the fetch count is read both from the key source and from the server.
 */
class JwksUrlKeySourceTest {
    private static final EctKeyPair K1 = key(EctAlgorithm.ES256, "k1");
    private static final EctKeyPair K2 = key(EctAlgorithm.ES256, "k2");

    private final MutableClock clock = new MutableClock(NOW);
    private final AtomicReference<MockResponse> current = new AtomicReference<>();
    private MockWebServer server;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return current.get();
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
    }

    private static MockResponse jwks(EctKeyPair... keys) { return json(EctKeys.toJwks(List.of(keys))); }

    private void serve(MockResponse r) { current.set(r); }

    private JwksUrlKeySource.Builder source() {
        return JwksUrlKeySource.builder().issuer(A, server.url("/a/jwks.json").uri()).clock(clock)
                .refreshExecutor(Runnable::run).allowInsecureHttp(true); // K-03: plain http MockWebServer, explicitly
    }

    private void assertFetches(JwksUrlKeySource ks, int n) {
        assertThat(ks.fetchCount()).as("fetchCount()").isEqualTo(n);
        assertThat(server.getRequestCount()).as("requests seen by the server").isEqualTo(n);
    }

    @Test
    void fetchesOnFirstUseAndServesFromCacheWithinTtl() throws Exception {
        serve(jwks(K1));
        JwksUrlKeySource ks = source().build();
        assertFetches(ks, 0);
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        clock.advance(Duration.ofMinutes(3));
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        assertFetches(ks, 1);
        RecordedRequest req = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(req.getMethod()).isEqualTo("GET");
        assertThat(req.getUrl().encodedPath()).isEqualTo("/a/jwks.json");
        assertThat(req.getHeaders().get("Accept")).isEqualTo("application/json");
    }

    @Test
    void picksUpARotatedKeyOnUnknownKid() { // V-07: rotation
        serve(jwks(K1));
        JwksUrlKeySource ks = source().build();
        assertThat(ks.resolve(A, "k1")).isPresent();
        serve(jwks(K1, K2));
        clock.advance(Duration.ofSeconds(30)); // the cooldown after the first fetch has passed
        assertThat(ks.resolve(A, "k2")).contains(K2.publicKey());
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        assertFetches(ks, 2);
    }

    @Test
    void unknownKidsRefetchAtMostOncePerCooldown() { // no fetch storm from random kids
        serve(jwks(K1));
        JwksUrlKeySource ks = source().build();
        ks.resolve(A, "k1");
        for (int i = 0; i < 50; i++) {
            assertThat(ks.resolve(A, "random-" + i)).isEmpty();
        }
        assertFetches(ks, 1);
        clock.advance(Duration.ofSeconds(29));
        assertThat(ks.resolve(A, "still-unknown")).isEmpty();
        assertFetches(ks, 1);
        clock.advance(Duration.ofSeconds(1)); // cooldown (30 s) over: one re-fetch
        for (int i = 0; i < 50; i++) {
            assertThat(ks.resolve(A, "random-again-" + i)).isEmpty();
        }
        assertFetches(ks, 2);
    }

    @Test
    void configuredCooldownIsHonoured() {
        serve(jwks(K1));
        JwksUrlKeySource ks = source().cooldown(Duration.ofMinutes(2)).build();
        ks.resolve(A, "k1");
        clock.advance(Duration.ofSeconds(119));
        ks.resolve(A, "nope");
        assertFetches(ks, 1);
        clock.advance(Duration.ofSeconds(1));
        ks.resolve(A, "nope");
        assertFetches(ks, 2);
    }

    @Test
    void outageWithAWarmCacheKeepsVerifyingCachedKeys() {
        serve(jwks(K1));
        JwksUrlKeySource ks = source().build();
        EctVerifier verifier = EctVerifier.builder().verifierId(B).keySource(ks).clock(clock)
                .listener(VerificationListener.noop()).build();
        EctSigner signer = EctSigner.builder(K1).clock(clock).build();
        verifier.verify(signer.sign(Ect.builder().iss(A).aud(B).execAct("a").build()));
        serve(new MockResponse.Builder().code(503).body("maintenance").build());
        clock.advance(Duration.ofMinutes(6)); // past the ttl: an inline refresh is attempted and fails
        assertThat(verifier.verify(signer.sign(Ect.builder().iss(A).aud(B).execAct("b").build())).ect().execAct()).isEqualTo("b");
        assertFetches(ks, 2);
        clock.advance(Duration.ofMinutes(8)); // 14 min after the good fetch: within ttl + maxStale (K-04)
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        assertFetches(ks, 3);
    }

    @Test
    void outageWithAWarmCacheAndAnUnknownKidIsUnavailableNotUnknown() { // V-07: no cached key applies
        serve(jwks(K1));
        JwksUrlKeySource ks = source().build();
        ks.resolve(A, "k1");
        serve(new MockResponse.Builder().code(500).build());
        clock.advance(Duration.ofSeconds(30));
        assertThatThrownBy(() -> ks.resolve(A, "k2")).isInstanceOfSatisfying(EctUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.KEY_SOURCE_UNAVAILABLE));
        assertThatThrownBy(() -> ks.resolve(A, "k3")).isInstanceOf(EctUnavailableException.class); // within cooldown, no fetch
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        assertFetches(ks, 2);
        serve(jwks(K1, K2)); // back up
        clock.advance(Duration.ofSeconds(30));
        assertThat(ks.resolve(A, "k2")).contains(K2.publicKey());
        assertThat(ks.resolve(A, "k9")).isEmpty(); // reachable again: an unknown kid is just unknown
    }

    @Test
    void outageWithAColdCacheIsKeySourceUnavailable() {
        serve(new MockResponse.Builder().code(503).build());
        JwksUrlKeySource ks = source().build();
        EctVerifier verifier = EctVerifier.builder().verifierId(B).keySource(ks).clock(clock)
                .listener(VerificationListener.noop()).build();
        String token = EctSigner.builder(K1).clock(clock).build().sign(Ect.builder().iss(A).aud(B).execAct("a").build());
        assertRejected(() -> verifier.verify(token), ReasonCode.KEY_SOURCE_UNAVAILABLE);
        assertRejected(() -> verifier.verify(token), ReasonCode.KEY_SOURCE_UNAVAILABLE); // cooldown: no second fetch
        assertFetches(ks, 1);
        serve(jwks(K1));
        clock.advance(Duration.ofSeconds(30));
        assertThat(verifier.verify(token).ect().iss()).isEqualTo(A);
        assertFetches(ks, 2);
    }

    @Test
    void unreachableHostWithAColdCacheIsKeySourceUnavailable() throws IOException {
        MockWebServer gone = new MockWebServer();
        gone.start();
        URI uri = gone.url("/jwks").uri();
        gone.close();
        JwksUrlKeySource ks = JwksUrlKeySource.builder().issuer(A, uri).clock(clock).connectTimeout(Duration.ofMillis(500))
                .allowInsecureHttp(true).build();
        assertThatThrownBy(() -> ks.resolve(A, "k1")).isInstanceOfSatisfying(EctUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.KEY_SOURCE_UNAVAILABLE));
        assertThat(ks.fetchCount()).isEqualTo(1);
    }

    @Test
    void garbageIsNotAKeySet() {
        for (String garbage : List.of("<html>oops</html>", "{\"keys\":", "{\"keys\":\"none\"}", "[]", "")) {
            serve(json(garbage));
            JwksUrlKeySource cold = source().build();
            assertThatThrownBy(() -> cold.resolve(A, "k1")).as(garbage).isInstanceOf(EctUnavailableException.class);
        }
        // a well-formed set whose only entry is unusable (no coordinates) is a set without that key
        serve(json("{\"keys\":[{\"kty\":\"EC\",\"kid\":\"k1\"}]}"));
        assertThat(source().build().resolve(A, "k1")).isEmpty();
        serve(jwks(K1));
        JwksUrlKeySource warm = source().build();
        warm.resolve(A, "k1");
        serve(json("{not json"));
        clock.advance(Duration.ofMinutes(5));
        assertThat(warm.resolve(A, "k1")).contains(K1.publicKey()); // last good key set kept
    }

    @Test
    void hugeDocumentsAreRefusedWithoutReadingThemWhole() {
        // over the byte limit of the response (4 x 256 KiB characters)
        String padding = " ".repeat(JwksUrlKeySource.MAX_RESPONSE_BYTES + 10);
        serve(json("{\"keys\":[]" + padding + "}"));
        JwksUrlKeySource ks = source().build();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertThatThrownBy(() -> ks.resolve(A, "k1")).isInstanceOf(EctUnavailableException.class);
        });
        // under the byte limit but over the JWKS character limit
        serve(json("{\"keys\":[]" + " ".repeat(EctKeys.MAX_JWKS_CHARS) + "}"));
        clock.advance(Duration.ofSeconds(30));
        assertThatThrownBy(() -> ks.resolve(A, "k1")).isInstanceOf(EctUnavailableException.class);
        assertThat(ks.fetchCount()).isEqualTo(2);
    }

    @Test
    void tooManyKeysAreRefused() {
        StringBuilder many = new StringBuilder("{\"keys\":[");
        for (int i = 0; i <= EctKeys.MAX_JWKS_KEYS; i++) {
            many.append(i == 0 ? "" : ",").append(key(EctAlgorithm.ES256, "k1").publicJwk().replace("\"kid\":\"k1\"", "\"kid\":\"k" + i + "\""));
        }
        serve(json(many.append("]}").toString()));
        assertThatThrownBy(() -> source().build().resolve(A, "k1")).isInstanceOf(EctUnavailableException.class);
    }

    @Test
    void slowHeadersAreBoundedByTheReadTimeout() {
        serve(new MockResponse.Builder().code(200).body(EctKeys.toJwks(List.of(K1))).headersDelay(10, TimeUnit.SECONDS).build());
        JwksUrlKeySource ks = source().readTimeout(Duration.ofMillis(300)).build();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThatThrownBy(() -> ks.resolve(A, "k1")).isInstanceOf(EctUnavailableException.class);
        });
    }

    @Test
    void aTricklingBodyIsBoundedByTheReadTimeout() { // the timeout covers the whole response, not just headers
        serve(new MockResponse.Builder().code(200).body(EctKeys.toJwks(List.of(K1)))
                .throttleBody(1, 100, TimeUnit.MILLISECONDS).build());
        JwksUrlKeySource ks = source().readTimeout(Duration.ofMillis(300)).build();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThatThrownBy(() -> ks.resolve(A, "k1")).isInstanceOf(EctUnavailableException.class);
        });
    }

    @Test
    void refreshesAheadOfExpiry() {
        serve(jwks(K1));
        JwksUrlKeySource ks = source().ttl(Duration.ofMinutes(5)).refreshAhead(Duration.ofMinutes(1)).build();
        ks.resolve(A, "k1");
        clock.advance(Duration.ofMinutes(3).plusSeconds(59));
        ks.resolve(A, "k1");
        assertFetches(ks, 1); // not yet in the refresh-ahead window
        serve(jwks(K1, K2));
        clock.advance(Duration.ofSeconds(1)); // ttl - refreshAhead reached
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        assertFetches(ks, 2); // refreshed (synchronously, through the injected executor)
        assertThat(ks.resolve(A, "k2")).contains(K2.publicKey()); // no fetch needed for the new key
        clock.advance(Duration.ofMinutes(3));
        ks.resolve(A, "k1");
        assertFetches(ks, 2); // the refresh restarted the ttl
    }

    @Test
    void refreshAheadIsNotScheduledAgainWhileAFetchIsCoolingDown() {
        serve(jwks(K1));
        AtomicInteger scheduled = new AtomicInteger();
        JwksUrlKeySource ks = source().refreshExecutor(r -> {
            scheduled.incrementAndGet();
            r.run();
        }).build();
        ks.resolve(A, "k1");
        serve(new MockResponse.Builder().code(500).build());
        clock.advance(Duration.ofMinutes(4)); // refresh-ahead window
        for (int i = 0; i < 20; i++) {
            assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        }
        assertThat(scheduled).hasValue(1);
        assertFetches(ks, 2);
        clock.advance(Duration.ofSeconds(30));
        ks.resolve(A, "k1");
        assertThat(scheduled).hasValue(2);
    }

    @Test
    void aRejectingRefreshExecutorDoesNotBreakResolution() {
        serve(jwks(K1));
        JwksUrlKeySource ks = source().refreshExecutor(r -> {
            throw new java.util.concurrent.RejectedExecutionException("pool shut down");
        }).build();
        ks.resolve(A, "k1");
        clock.advance(Duration.ofMinutes(4));
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        clock.advance(Duration.ofMinutes(2)); // ttl over: inline refresh still happens
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        assertFetches(ks, 2);
    }

    @Test
    void defaultRefreshExecutorRefreshesInTheBackground() throws Exception {
        serve(jwks(K1));
        JwksUrlKeySource ks = JwksUrlKeySource.builder().issuer(A, server.url("/a/jwks.json").uri()).clock(clock)
                .allowInsecureHttp(true).build();
        assertThat(ks.resolve(A, "k1")).isPresent();
        assertThat(server.takeRequest(5, TimeUnit.SECONDS)).isNotNull();
        serve(jwks(K1, K2));
        clock.advance(Duration.ofMinutes(4)); // refresh-ahead window: answered from the cache, refreshed behind
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        assertThat(server.takeRequest(10, TimeUnit.SECONDS)).as("background refresh request").isNotNull();
        assertThat(ks.fetchCount()).isEqualTo(2);
    }

    @Test
    void anInterruptedResolverGets503AndKeepsItsInterruptFlag() {
        serve(jwks(K1));
        JwksUrlKeySource ks = source().build();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> ks.resolve(A, "k1")).isInstanceOfSatisfying(EctUnavailableException.class,
                    e -> assertThat(e.reason()).isEqualTo(ReasonCode.KEY_SOURCE_UNAVAILABLE));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted(); // clear for the next test
        }
    }

    @Test
    void keysOfOneIssuersUrlAreNeverUsedForAnother() throws IOException { // V-07
        try (MockWebServer other = new MockWebServer()) {
            other.enqueue(jwks(K2));
            other.start();
            serve(jwks(K1));
            JwksUrlKeySource ks = source().issuer(C, other.url("/c/jwks.json").uri()).build();
            assertThat(ks.resolve(C, "k1")).isEmpty();
            assertThat(ks.resolve(A, "k2")).isEmpty();
            assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
            assertThat(ks.resolve(C, "k2")).contains(K2.publicKey());
            assertThat(ks.resolve("spiffe://example.com/unknown", "k1")).isEmpty();
            assertThat(ks.resolve(null, "k1")).isEmpty();
            assertThat(ks.resolve(A, null)).isEmpty();
            assertThat(other.getRequestCount()).isEqualTo(1);
        }
    }

    @Test
    void redirectsAndErrorStatusesAreNotFollowed() {
        serve(new MockResponse.Builder().code(302).addHeader("Location", server.url("/elsewhere").toString()).build());
        JwksUrlKeySource ks = source().build();
        assertThatThrownBy(() -> ks.resolve(A, "k1")).isInstanceOf(EctUnavailableException.class);
        assertFetches(ks, 1);
    }

    @Test
    void verifiesTokensEndToEndAcrossARotation() {
        serve(jwks(K1));
        JwksUrlKeySource ks = source().build();
        EctVerifier verifier = EctVerifier.builder().verifierId(B).keySource(ks).clock(clock)
                .listener(VerificationListener.noop()).build();
        Ect draft = Ect.builder().iss(A).aud(B).execAct("a").build();
        assertThat(verifier.verify(EctSigner.builder(K1).clock(clock).build().sign(draft)).ect().kid()).isEqualTo("k1");
        String rotated = EctSigner.builder(K2).clock(clock).build().sign(draft);
        assertRejected(() -> verifier.verify(rotated), ReasonCode.UNKNOWN_KEY); // not published yet, within cooldown
        serve(jwks(K2));
        clock.advance(Duration.ofSeconds(30));
        String rotated2 = EctSigner.builder(K2).clock(clock).build().sign(draft.toBuilder().jti(UUID.randomUUID().toString()).build());
        assertThat(verifier.verify(rotated2).ect().kid()).isEqualTo("k2");
    }

    @Test
    @DisplayName("K-04 while the endpoint fails, a cached key stops verifying after ttl + maxStale: 503 key_source_unavailable")
    void aKeyTheIssuerRemovedDoesNotVerifyForeverWhileTheEndpointIsBlocked() {
        serve(jwks(K1));
        JwksUrlKeySource ks = source().build();
        EctVerifier verifier = EctVerifier.builder().verifierId(B).keySource(ks).clock(clock)
                .listener(VerificationListener.noop()).build();
        EctSigner signer = EctSigner.builder(K1).clock(clock).build();
        verifier.verify(signer.sign(Ect.builder().iss(A).aud(B).execAct("a").build()));
        // the issuer removes k1, and an attacker blocks the verifier's view of the endpoint
        serve(new MockResponse.Builder().code(503).body("blocked").build());
        clock.advance(Duration.ofHours(1));
        assertRejected(() -> verifier.verify(signer.sign(Ect.builder().iss(A).aud(B).execAct("b").build())),
                ReasonCode.KEY_SOURCE_UNAVAILABLE);
        assertThatThrownBy(() -> ks.resolve(A, "k1")).isInstanceOfSatisfying(EctUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.KEY_SOURCE_UNAVAILABLE));
        // the endpoint answers again, without k1: k1 is unknown, k2 verifies
        serve(jwks(K2));
        clock.advance(Duration.ofSeconds(30));
        assertThat(ks.resolve(A, "k1")).isEmpty();
        assertThat(ks.resolve(A, "k2")).contains(K2.publicKey());
    }

    @Test
    @DisplayName("K-04 a configured maxStale is honoured: keys are used until ttl + maxStale, not one instant longer")
    void configuredMaxStaleBoundsTheUseOfAnUnrefreshableKeySet() {
        serve(jwks(K1));
        JwksUrlKeySource ks = source().maxStale(Duration.ofMinutes(2)).build();
        ks.resolve(A, "k1");
        serve(new MockResponse.Builder().code(500).build());
        clock.advance(Duration.ofMinutes(6).plusSeconds(59)); // ttl 5 min + 1:59
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        clock.advance(Duration.ofSeconds(1)); // ttl + maxStale reached
        assertThatThrownBy(() -> ks.resolve(A, "k1")).isInstanceOfSatisfying(EctUnavailableException.class,
                e -> assertThat(e.getMessage()).contains("maxStale"));
    }

    @Test
    @DisplayName("K-04 maxStale zero: a key set that cannot be refreshed at its ttl is not used at all")
    void zeroMaxStaleFailsAtTheTtl() {
        serve(jwks(K1));
        JwksUrlKeySource ks = source().maxStale(Duration.ZERO).build();
        ks.resolve(A, "k1");
        serve(new MockResponse.Builder().code(500).build());
        clock.advance(Duration.ofMinutes(5));
        assertThatThrownBy(() -> ks.resolve(A, "k1")).isInstanceOf(EctUnavailableException.class);
        serve(jwks(K1));
        clock.advance(Duration.ofSeconds(30)); // cooldown over: the endpoint answers again
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
    }

    @Test
    @DisplayName("K-04 a healthy endpoint refreshed ahead never lets the key set go stale")
    void refreshedKeySetsNeverGoStale() {
        serve(jwks(K1));
        JwksUrlKeySource ks = source().maxStale(Duration.ZERO).build();
        for (int i = 0; i < 10; i++) {
            assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
            clock.advance(Duration.ofMinutes(4)); // each step lands in the refresh-ahead window
        }
        assertThat(ks.fetchCount()).isEqualTo(10);
    }

    @Test
    @DisplayName("K-05 a slow key server holds up only the request that fetches; others are answered from the cache")
    void aSlowKeyServerHoldsOnlyTheFetchingRequest() throws Exception {
        serve(jwks(K1));
        JwksUrlKeySource ks = source().readTimeout(Duration.ofSeconds(30)).build();
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                arrived.countDown();
                release.await(30, TimeUnit.SECONDS); // the key server hangs until the test lets go
                return jwks(K1, K2);
            }
        });
        clock.advance(Duration.ofMinutes(6)); // past the ttl: the next request refreshes in line
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<Optional<PublicKey>> first = pool.submit(() -> ks.resolve(A, "k1"));
            assertThat(arrived.await(10, TimeUnit.SECONDS)).as("the fetch reached the server").isTrue();
            List<Future<Optional<PublicKey>>> others = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                others.add(pool.submit(() -> ks.resolve(A, "k1")));
            }
            for (Future<Optional<PublicKey>> f : others) {
                assertThat(f.get(5, TimeUnit.SECONDS)).as("answered from the cache while the fetch hangs")
                        .contains(K1.publicKey());
            }
            assertThat(first.isDone()).as("the fetching request still waits").isFalse();
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).contains(K1.publicKey());
            assertThat(ks.resolve(A, "k2")).contains(K2.publicKey());
            assertFetches(ks, 2);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("K-05 with nothing cached, requests joining a slow first fetch wait a bounded time, then 503")
    void requestsJoiningASlowColdFetchWaitBoundedTime() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                arrived.countDown();
                release.await(30, TimeUnit.SECONDS);
                return jwks(K1);
            }
        });
        JwksUrlKeySource ks = source().readTimeout(Duration.ofMillis(1500)).build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<Optional<PublicKey>> first = pool.submit(() -> ks.resolve(A, "k1"));
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<Optional<PublicKey>>> others = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                others.add(pool.submit(() -> ks.resolve(A, "k1")));
            }
            for (Future<Optional<PublicKey>> f : List.of(first, others.get(0), others.get(1), others.get(2))) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(EctUnavailableException.class);
            }
            assertFetches(ks, 1); // one fetch, shared: the joiners did not start their own
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void builderFailsFast() {
        assertThatThrownBy(() -> JwksUrlKeySource.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("at least one issuer JWKS URL is required");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().issuer(A, "file:///etc/jwks.json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be http(s)");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().issuer(A, "https://a/jwks").issuer(A, "https://b/jwks"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already has a JWKS URL");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().issuer(A, "https://a/jwks").ttl(Duration.ofMinutes(1))
                .refreshAhead(Duration.ofMinutes(1)).build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("refreshAhead must be shorter than ttl");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().readTimeout(Duration.ZERO)).hasMessage("readTimeout must be > 0");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().connectTimeout(Duration.ofSeconds(-1))).hasMessage("connectTimeout must be > 0");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().ttl(null)).hasMessage("ttl cannot be null");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().clock(null)).hasMessage("clock cannot be null");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().cooldown(null)).hasMessage("cooldown cannot be null");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().refreshAhead(null)).hasMessage("refreshAhead cannot be null");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().refreshExecutor(null)).hasMessage("refreshExecutor cannot be null");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().issuer(null, "https://a")).hasMessage("issuer cannot be null");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().issuer(A, (URI) null)).hasMessage("jwksUrl cannot be null");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().maxStale(Duration.ofSeconds(-1))).hasMessage("maxStale must be >= 0");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().maxStale(null)).hasMessage("maxStale cannot be null");
        assertThatThrownBy(() -> JwksUrlKeySource.builder().sslContext(null)).hasMessage("sslContext cannot be null");
        Optional<PublicKey> none = JwksUrlKeySource.builder().issuer(A, "https://a.example/jwks").build().resolve(C, "k");
        assertThat(none).isEmpty();
    }
}

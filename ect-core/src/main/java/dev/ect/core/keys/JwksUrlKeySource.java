package dev.ect.core.keys;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys fetched from a JWKS URL per issuer (V-07). For each issuer:
 *
 * <ul>
 *   <li>the URL is {@code https} (K-03); {@code http} is refused by {@link Builder#build()} unless
 *       {@link Builder#allowInsecureHttp(boolean)} allows it for development, which is logged at
 *       WARN when the source is built;
 *   <li>the document is fetched on first use with bounded connect and read timeouts (defaults
 *       2 s and 3 s) and size ({@link EctKeys#MAX_JWKS_CHARS}, {@link EctKeys#MAX_JWKS_KEYS});
 *   <li>it is cached for {@code ttl} (default 5 min); from {@code ttl - refreshAhead} (default
 *       1 min before) a background refresh is started, so requests never wait on a routine refresh;
 *   <li>an unknown {@code kid} triggers a re-fetch at most once per {@code cooldown} (default
 *       30 s), so a stream of random kids cannot cause a fetch storm;
 *   <li>at most one fetch per issuer runs at a time (K-05). The request that starts an in-line
 *       fetch waits for it; requests arriving meanwhile are answered from the cache when it holds
 *       a usable key, and otherwise wait for that same fetch, at most {@code readTimeout}, then
 *       get {@code key_source_unavailable};
 *   <li>when the endpoint is down or returns garbage, the last good key set is kept (logged at
 *       WARN) and keys in it keep verifying for at most {@code maxStale} past its {@code ttl}
 *       (default 10 min, K-04); after that, and whenever no cached key applies (nothing cached,
 *       or the {@code kid} is not in the cached set) while the last fetch failed, {@link #resolve}
 *       throws {@code key_source_unavailable} (503), since the key may well exist (V-07) and a
 *       key the issuer removed must not live on because its endpoint is blocked (K-04).
 * </ul>
 *
 * <p>K-02: a key is returned for a token {@code alg} only when its {@code kty}/{@code crv} fit it
 * and its JWK {@code alg} member, if any, equals it.
 *
 * <p>A key fetched from one issuer's URL is only ever returned for that issuer. Thread-safe.
 */
public final class JwksUrlKeySource implements KeySource {
    private static final Logger LOG = LoggerFactory.getLogger(JwksUrlKeySource.class);

    /** Default {@link Builder#maxStale(Duration)}: 10 minutes. */
    public static final Duration DEFAULT_MAX_STALE = Duration.ofMinutes(10);

    private final Map<String, IssuerCache> caches;
    private final HttpClient http;
    private final Duration readTimeout;
    private final Duration ttl;
    private final Duration refreshAhead;
    private final Duration cooldown;
    private final Duration maxStale;
    private final Clock clock;
    private final Executor refreshExecutor;
    private final AtomicInteger fetchCount = new AtomicInteger();

    private JwksUrlKeySource(Builder b) {
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (b.sslContext != null) {
            hb.sslContext(b.sslContext);
        }
        this.http = hb.build();
        this.readTimeout = b.readTimeout;
        this.ttl = b.ttl;
        this.refreshAhead = b.refreshAhead;
        this.cooldown = b.cooldown;
        this.maxStale = b.maxStale;
        this.clock = b.clock;
        this.refreshExecutor = b.refreshExecutor;
        Map<String, IssuerCache> m = new HashMap<>();
        b.urls.forEach((iss, uri) -> {
            if ("http".equalsIgnoreCase(uri.getScheme())) {
                LOG.warn("JWKS URL {} of issuer {} is plain http, allowed by allowInsecureHttp: anyone on the path "
                        + "can replace its keys. For development only (K-03).", uri, iss);
            }
            m.put(iss, new IssuerCache(iss, uri));
        });
        this.caches = Map.copyOf(m);
    }

    public static Builder builder() { return new Builder(); }

    /** How many HTTP fetches were attempted so far (for tests and metrics). */
    public int fetchCount() { return fetchCount.get(); }

    @Override
    public Optional<PublicKey> resolve(String issuer, String kid) {
        BoundKey k = find(issuer, kid);
        return k == null ? Optional.empty() : Optional.of(k.key());
    }

    /** K-02: only a key whose type, curve and JWK {@code alg} member fit {@code alg}. */
    @Override
    public Optional<PublicKey> resolve(String issuer, String kid, EctAlgorithm alg) {
        Objects.requireNonNull(alg, "alg cannot be null");
        BoundKey k = find(issuer, kid);
        return k != null && k.usableFor(alg) ? Optional.of(k.key()) : Optional.empty();
    }

    private BoundKey find(String issuer, String kid) {
        if (issuer == null || kid == null) {
            return null;
        }
        IssuerCache c = caches.get(issuer);
        return c == null ? null : c.resolve(kid);
    }

    private enum Fetch { REPLACED, FAILED, NOT_STARTED, IN_FLIGHT }

    /** One good fetch: the keys and when they were fetched. */
    private record KeySet(Map<String, BoundKey> keys, Instant fetchedAt) {}

    private final class IssuerCache {
        final String issuer;
        final URI uri;
        volatile KeySet current; // null until the first good fetch
        volatile boolean lastFetchFailed;
        /** Guards {@link #inflight} and {@link #lastAttempt}; never held during I/O. */
        private final Object lock = new Object();
        private CompletableFuture<Fetch> inflight;
        private Instant lastAttempt;

        IssuerCache(String issuer, URI uri) {
            this.issuer = issuer;
            this.uri = uri;
        }

        BoundKey resolve(String kid) {
            Instant now = clock.instant();
            KeySet ks = current;
            if (ks == null) {
                fetch(now, true);
                ks = current;
                if (ks == null) {
                    throw unavailable("could not be fetched and nothing is cached");
                }
            } else if (!now.isBefore(ks.fetchedAt().plus(ttl))) {
                // expired: the first request refreshes in line (keeping the last good set on
                // failure); the others, while that fetch runs, use the cache if they still may (K-05)
                fetch(now, !usable(ks, now));
                ks = current;
            } else if (!now.isBefore(ks.fetchedAt().plus(ttl).minus(refreshAhead))) {
                refreshInBackground(now);
            }
            if (!usable(ks, now)) {
                // K-04: refreshes have failed for longer than maxStale: the set may hold removed keys
                throw unavailable("could not be refreshed since " + ks.fetchedAt() + "; its keys are no longer used (maxStale "
                        + maxStale + " past ttl " + ttl + ")");
            }
            BoundKey k = ks.keys().get(kid);
            if (k == null) {
                // unknown kid: a rotation may have happened; re-fetched at most once per cooldown
                fetch(now, true);
                KeySet after = current;
                k = after == ks ? null : after.keys().get(kid);
                if (k == null && lastFetchFailed) {
                    // V-07: the source cannot be reached and no cached key applies -> 503, not unknown_key
                    throw unavailable("cannot be fetched and has no key '" + kid + "' cached");
                }
            }
            return k;
        }

        /** K-04: a key set is used until {@code ttl + maxStale} after its fetch, however refreshes fare. */
        boolean usable(KeySet ks, Instant now) {
            return now.isBefore(ks.fetchedAt().plus(ttl).plus(maxStale));
        }

        private EctUnavailableException unavailable(String what) {
            return new EctUnavailableException(ReasonCode.KEY_SOURCE_UNAVAILABLE, "JWKS of issuer " + issuer + " " + what);
        }

        /**
         * Claims the one fetch slot of this issuer: null when a fetch is in flight or one was
         * attempted within the cooldown.
         */
        private CompletableFuture<Fetch> claim(Instant now) {
            synchronized (lock) {
                if (inflight != null) {
                    return null;
                }
                if (lastAttempt != null && now.isBefore(lastAttempt.plus(cooldown))) {
                    return null;
                }
                inflight = new CompletableFuture<>();
                return inflight;
            }
        }

        private CompletableFuture<Fetch> inflight() {
            synchronized (lock) {
                return inflight;
            }
        }

        /**
         * Fetches in line unless a fetch is in flight (then joins it when {@code wait}, for at most
         * readTimeout, K-05) or one was attempted within the cooldown.
         */
        Fetch fetch(Instant now, boolean wait) {
            CompletableFuture<Fetch> mine = claim(now);
            if (mine != null) {
                return run(mine, now);
            }
            CompletableFuture<Fetch> other = inflight();
            if (other == null) {
                return Fetch.NOT_STARTED; // cooldown (or a fetch that just ended: current is fresh)
            }
            if (!wait) {
                return Fetch.IN_FLIGHT;
            }
            try {
                return other.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw unavailable("is being fetched and did not arrive within " + readTimeout.toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable("is being fetched; interrupted while waiting");
            } catch (ExecutionException e) {
                throw unavailable("fetch failed: " + e.getCause()); // run() completes normally; defensive
            }
        }

        /** K-05: a refresh-ahead fetch on the executor; nothing waits for it. */
        void refreshInBackground(Instant now) {
            CompletableFuture<Fetch> mine = claim(now);
            if (mine == null) {
                return;
            }
            try {
                refreshExecutor.execute(() -> run(mine, now));
            } catch (RuntimeException e) {
                release(mine, Fetch.NOT_STARTED);
                LOG.warn("JWKS refresh-ahead for issuer {} could not be scheduled: {}", issuer, e.toString());
            }
        }

        private void release(CompletableFuture<Fetch> f, Fetch outcome) {
            synchronized (lock) {
                if (inflight == f) {
                    inflight = null;
                }
            }
            f.complete(outcome);
        }

        /** Runs the claimed fetch; never throws. */
        private Fetch run(CompletableFuture<Fetch> claimed, Instant now) {
            Fetch outcome = Fetch.FAILED;
            try {
                synchronized (lock) {
                    lastAttempt = now;
                }
                fetchCount.incrementAndGet();
                Map<String, BoundKey> fresh = EctKeys.parseBoundJwks(download());
                current = new KeySet(Map.copyOf(fresh), now);
                lastFetchFailed = false;
                outcome = Fetch.REPLACED;
            } catch (IOException | RuntimeException e) {
                lastFetchFailed = true;
                KeySet ks = current;
                LOG.warn("JWKS fetch for issuer {} from {} failed ({}); {}", issuer, uri, e.getMessage(),
                        ks == null ? "no keys cached" : "keeping the key set of " + ks.fetchedAt()
                                + " until " + ks.fetchedAt().plus(ttl).plus(maxStale) + " (maxStale)");
            } catch (InterruptedException e) {
                lastFetchFailed = true;
                Thread.currentThread().interrupt();
            } finally {
                release(claimed, outcome);
            }
            return outcome;
        }

        /**
         * One GET, bounded as a whole by readTimeout (HttpRequest.timeout alone stops at the
         * response headers, so a server trickling the body could hold the fetch indefinitely) and
         * in size by the body subscriber.
         */
        String download() throws IOException, InterruptedException {
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(readTimeout).header("Accept", "application/json").GET().build();
            CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(req,
                    info -> info.statusCode() == 200 ? new LimitedBody(MAX_RESPONSE_BYTES)
                            : HttpResponse.BodySubscribers.replacing(new byte[0]));
            HttpResponse<byte[]> resp;
            try {
                resp = pending.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                pending.cancel(true);
                throw new IOException("no complete response within " + readTimeout.toMillis() + " ms");
            } catch (ExecutionException e) {
                Throwable c = e.getCause() != null ? e.getCause() : e;
                throw new IOException(c.getMessage() != null ? c.getMessage() : c.toString(), c);
            }
            if (resp.statusCode() != 200) {
                throw new IOException("HTTP " + resp.statusCode());
            }
            return new String(resp.body(), StandardCharsets.UTF_8);
        }
    }

    /** Largest JWKS response body read, in bytes (the character limit applies after decoding). */
    static final int MAX_RESPONSE_BYTES = EctKeys.MAX_JWKS_CHARS * 4;

    /** Collects a response body, failing (and cancelling the stream) beyond {@code max} bytes. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        LimitedBody(int max) { this.max = max; }

        @Override
        public CompletionStage<byte[]> getBody() { return result; }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (buf.size() + b.remaining() > max) {
                    result.completeExceptionally(new IOException("JWKS response larger than " + max + " bytes"));
                    subscription.cancel();
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                buf.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) { result.completeExceptionally(t); }

        @Override
        public void onComplete() { result.complete(buf.toByteArray()); }
    }

    /** Builder for {@link JwksUrlKeySource}. */
    public static final class Builder {
        private final Map<String, URI> urls = new HashMap<>();
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration readTimeout = Duration.ofSeconds(3);
        private Duration ttl = Duration.ofMinutes(5);
        private Duration refreshAhead = Duration.ofMinutes(1);
        private Duration cooldown = Duration.ofSeconds(30);
        private Duration maxStale = DEFAULT_MAX_STALE;
        private boolean allowInsecureHttp;
        private SSLContext sslContext;
        private Clock clock = Clock.systemUTC();
        private Executor refreshExecutor = r -> {
            Thread t = new Thread(r, "ect-jwks-refresh");
            t.setDaemon(true);
            t.start();
        };

        private Builder() {}

        /**
         * The JWKS URL of one issuer; only that issuer's tokens are verified with its keys. Must be
         * {@code https} (K-03); {@code http} only with {@link #allowInsecureHttp(boolean)}, checked in
         * {@link #build()}.
         */
        public Builder issuer(String issuer, URI jwksUrl) {
            Objects.requireNonNull(issuer, "issuer cannot be null");
            Objects.requireNonNull(jwksUrl, "jwksUrl cannot be null");
            String scheme = jwksUrl.getScheme();
            if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("jwksUrl must be http(s): " + jwksUrl);
            }
            if (urls.putIfAbsent(issuer, jwksUrl) != null) {
                throw new IllegalStateException("issuer " + issuer + " already has a JWKS URL");
            }
            return this;
        }

        public Builder issuer(String issuer, String jwksUrl) { return issuer(issuer, URI.create(jwksUrl)); }

        /** Connect timeout; default 2 s. */
        public Builder connectTimeout(Duration d) { connectTimeout = positive(d, "connectTimeout"); return this; }
        /** Whole-response timeout; default 3 s. */
        public Builder readTimeout(Duration d) { readTimeout = positive(d, "readTimeout"); return this; }
        /** How long a fetched key set is fresh; default 5 min. */
        public Builder ttl(Duration d) { ttl = positive(d, "ttl"); return this; }
        /** How long before {@code ttl} a background refresh starts; default 1 min. */
        public Builder refreshAhead(Duration d) { refreshAhead = Objects.requireNonNull(d, "refreshAhead cannot be null"); return this; }
        /** Minimum time between two fetches for one issuer (unknown kids, failures); default 30 s. */
        public Builder cooldown(Duration d) { cooldown = Objects.requireNonNull(d, "cooldown cannot be null"); return this; }
        /**
         * K-04: how long past its {@code ttl} a key set that cannot be refreshed (the endpoint fails,
         * times out or returns garbage) is still used; after that its keys get
         * {@code key_source_unavailable} (503) until a fetch succeeds. Default
         * {@link #DEFAULT_MAX_STALE} (10 min): with the default ttl, keys are used at most 15 min
         * after the last successful fetch, the default {@code iat} max age (V-11). That rides out
         * a key server's restart or redeploy (with a retry every {@code cooldown}) while bounding
         * how long blocking the endpoint keeps a removed key verifying. {@code Duration.ZERO}: no
         * stale use at all.
         */
        public Builder maxStale(Duration d) {
            Objects.requireNonNull(d, "maxStale cannot be null");
            if (d.isNegative()) {
                throw new IllegalArgumentException("maxStale must be >= 0");
            }
            maxStale = d;
            return this;
        }

        /**
         * K-03: allows {@code http://} JWKS URLs, for development only (keys fetched over plain
         * http can be replaced by anyone on the path); each is logged at WARN when the source is
         * built. Default {@code false}: {@link #build()} refuses them.
         */
        public Builder allowInsecureHttp(boolean allow) { allowInsecureHttp = allow; return this; }

        /**
         * The TLS context of the {@code https} fetches (a private CA's trust store, client
         * certificates); default the JVM's default context. Host names are always verified.
         */
        public Builder sslContext(SSLContext ctx) { sslContext = Objects.requireNonNull(ctx, "sslContext cannot be null"); return this; }

        /** Clock for cache ages; default the system UTC clock. */
        public Builder clock(Clock c) { clock = Objects.requireNonNull(c, "clock cannot be null"); return this; }
        /** Executor running refresh-ahead fetches; default a new daemon thread per refresh. */
        public Builder refreshExecutor(Executor e) { refreshExecutor = Objects.requireNonNull(e, "refreshExecutor cannot be null"); return this; }

        /**
         * @throws IllegalStateException without issuers, or when refreshAhead is not shorter than ttl
         * @throws IllegalArgumentException for an {@code http} URL without {@link #allowInsecureHttp(boolean)} (K-03)
         */
        public JwksUrlKeySource build() {
            if (urls.isEmpty()) {
                throw new IllegalStateException("at least one issuer JWKS URL is required");
            }
            if (!allowInsecureHttp) {
                urls.forEach((iss, uri) -> {
                    if ("http".equalsIgnoreCase(uri.getScheme())) {
                        throw new IllegalArgumentException("JWKS URL " + uri + " of issuer " + iss + " is not https (K-03); "
                                + "plain http is allowed for development only, with allowInsecureHttp(true)");
                    }
                });
            }
            if (refreshAhead.compareTo(ttl) >= 0) {
                throw new IllegalStateException("refreshAhead must be shorter than ttl");
            }
            return new JwksUrlKeySource(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name + " cannot be null");
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be > 0");
            }
            return d;
        }
    }
}

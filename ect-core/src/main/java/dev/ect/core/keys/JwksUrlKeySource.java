package dev.ect.core.keys;

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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys fetched from a JWKS URL per issuer (V-07). For each issuer:
 *
 * <ul>
 *   <li>the document is fetched on first use with bounded connect and read timeouts (defaults
 *       2 s and 3 s) and size ({@link EctKeys#MAX_JWKS_CHARS}, {@link EctKeys#MAX_JWKS_KEYS});
 *   <li>it is cached for {@code ttl} (default 5 min); from {@code ttl - refreshAhead} (default
 *       1 min before) a background refresh is started, so requests never wait on a routine refresh;
 *   <li>an unknown {@code kid} triggers a re-fetch at most once per {@code cooldown} (default
 *       30 s), so a stream of random kids cannot cause a fetch storm;
 *   <li>when the endpoint is down or returns garbage, the last good key set is kept (logged at
 *       WARN) and keys in it keep verifying; when no cached key applies (nothing cached, or the
 *       {@code kid} is not in the cached set) while the last fetch failed, {@link #resolve} throws
 *       {@code key_source_unavailable} (503), since the key may well exist (V-07).
 * </ul>
 *
 * <p>A key fetched from one issuer's URL is only ever returned for that issuer. Thread-safe.
 */
public final class JwksUrlKeySource implements KeySource {
    private static final Logger LOG = LoggerFactory.getLogger(JwksUrlKeySource.class);

    private final Map<String, IssuerCache> caches;
    private final HttpClient http;
    private final Duration readTimeout;
    private final Duration ttl;
    private final Duration refreshAhead;
    private final Duration cooldown;
    private final Clock clock;
    private final Executor refreshExecutor;
    private final AtomicInteger fetchCount = new AtomicInteger();

    private JwksUrlKeySource(Builder b) {
        this.http = HttpClient.newBuilder().connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.readTimeout = b.readTimeout;
        this.ttl = b.ttl;
        this.refreshAhead = b.refreshAhead;
        this.cooldown = b.cooldown;
        this.clock = b.clock;
        this.refreshExecutor = b.refreshExecutor;
        Map<String, IssuerCache> m = new HashMap<>();
        b.urls.forEach((iss, uri) -> m.put(iss, new IssuerCache(iss, uri)));
        this.caches = Map.copyOf(m);
    }

    public static Builder builder() { return new Builder(); }

    /** How many HTTP fetches were attempted so far (for tests and metrics). */
    public int fetchCount() { return fetchCount.get(); }

    @Override
    public Optional<PublicKey> resolve(String issuer, String kid) {
        if (issuer == null || kid == null) {
            return Optional.empty();
        }
        IssuerCache c = caches.get(issuer);
        return c == null ? Optional.empty() : c.resolve(kid);
    }

    private enum Fetch { REPLACED, COOLDOWN, FAILED }

    private final class IssuerCache {
        final String issuer;
        final URI uri;
        volatile Map<String, PublicKey> keys; // null until the first good fetch
        volatile Instant fetchedAt = Instant.MIN;
        volatile boolean lastFetchFailed;
        final AtomicLong lastAttemptMillis = new AtomicLong(Long.MIN_VALUE);
        final Object fetchLock = new Object();
        final AtomicBoolean refreshing = new AtomicBoolean();

        IssuerCache(String issuer, URI uri) {
            this.issuer = issuer;
            this.uri = uri;
        }

        Optional<PublicKey> resolve(String kid) {
            Instant now = clock.instant();
            Map<String, PublicKey> current = keys;
            if (current == null) {
                fetchNow(now);
                current = keys;
                if (current == null) {
                    throw unavailable("could not be fetched and nothing is cached");
                }
            } else if (!now.isBefore(fetchedAt.plus(ttl))) {
                fetchNow(now); // expired: refresh in line, keep last good on failure
                current = keys;
            } else if (!now.isBefore(fetchedAt.plus(ttl).minus(refreshAhead)) && !inCooldown(now)
                    && refreshing.compareAndSet(false, true)) {
                // refresh ahead: one background fetch at a time, none while a fetch is cooling down
                try {
                    refreshExecutor.execute(() -> {
                        try {
                            fetchNow(clock.instant());
                        } finally {
                            refreshing.set(false);
                        }
                    });
                } catch (RuntimeException e) {
                    refreshing.set(false);
                    LOG.warn("JWKS refresh-ahead for issuer {} could not be scheduled: {}", issuer, e.toString());
                }
            }
            PublicKey k = current.get(kid);
            if (k == null) {
                // unknown kid: a rotation may have happened; re-fetched at most once per cooldown
                Fetch f = fetchNow(now);
                if (f == Fetch.REPLACED) {
                    k = keys.get(kid);
                } else if (lastFetchFailed) {
                    // V-07: the source cannot be reached and no cached key applies -> 503, not unknown_key
                    throw unavailable("cannot be fetched and has no key '" + kid + "' cached");
                }
            }
            return Optional.ofNullable(k);
        }

        private EctUnavailableException unavailable(String what) {
            return new EctUnavailableException(ReasonCode.KEY_SOURCE_UNAVAILABLE, "JWKS of issuer " + issuer + " " + what);
        }

        boolean inCooldown(Instant now) {
            long last = lastAttemptMillis.get();
            return last != Long.MIN_VALUE && now.toEpochMilli() - last < cooldown.toMillis();
        }

        /** Fetches unless one was attempted within the cooldown. */
        Fetch fetchNow(Instant now) {
            synchronized (fetchLock) {
                if (inCooldown(now)) {
                    return Fetch.COOLDOWN;
                }
                lastAttemptMillis.set(now.toEpochMilli());
                fetchCount.incrementAndGet();
                try {
                    Map<String, PublicKey> fresh = EctKeys.parseJwks(fetch());
                    keys = Map.copyOf(fresh);
                    fetchedAt = now;
                    lastFetchFailed = false;
                    return Fetch.REPLACED;
                } catch (IOException | RuntimeException e) {
                    lastFetchFailed = true;
                    LOG.warn("JWKS fetch for issuer {} from {} failed ({}); {}", issuer, uri, e.getMessage(),
                            keys == null ? "no keys cached" : "keeping the last good key set");
                    return Fetch.FAILED;
                } catch (InterruptedException e) {
                    lastFetchFailed = true;
                    Thread.currentThread().interrupt();
                    return Fetch.FAILED;
                }
            }
        }

        /**
         * One GET, bounded as a whole by readTimeout (HttpRequest.timeout alone stops at the
         * response headers, so a server trickling the body could hold the fetch indefinitely) and
         * in size by the body subscriber.
         */
        String fetch() throws IOException, InterruptedException {
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
        private Clock clock = Clock.systemUTC();
        private Executor refreshExecutor = r -> {
            Thread t = new Thread(r, "ect-jwks-refresh");
            t.setDaemon(true);
            t.start();
        };

        private Builder() {}

        /** The JWKS URL of one issuer; only that issuer's tokens are verified with its keys. */
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
        /** Clock for cache ages; default the system UTC clock. */
        public Builder clock(Clock c) { clock = Objects.requireNonNull(c, "clock cannot be null"); return this; }
        /** Executor running refresh-ahead fetches; default a new daemon thread per refresh. */
        public Builder refreshExecutor(Executor e) { refreshExecutor = Objects.requireNonNull(e, "refreshExecutor cannot be null"); return this; }

        public JwksUrlKeySource build() {
            if (urls.isEmpty()) {
                throw new IllegalStateException("at least one issuer JWKS URL is required");
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

package dev.ect.core.keys;

import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
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
 *       WARN); only when nothing usable is cached does {@link #resolve} throw
 *       {@code key_source_unavailable} (503).
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

    private final class IssuerCache {
        final String issuer;
        final URI uri;
        volatile Map<String, PublicKey> keys; // null until the first good fetch
        volatile Instant fetchedAt = Instant.MIN;
        final AtomicLong lastAttemptMillis = new AtomicLong(Long.MIN_VALUE);
        final Object fetchLock = new Object();
        volatile boolean refreshing;

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
                    throw new EctUnavailableException(ReasonCode.KEY_SOURCE_UNAVAILABLE,
                            "JWKS of issuer " + issuer + " could not be fetched and nothing is cached");
                }
            } else if (!now.isBefore(fetchedAt.plus(ttl))) {
                fetchNow(now); // expired: refresh in line, keep last good on failure
                current = keys;
            } else if (!now.isBefore(fetchedAt.plus(ttl).minus(refreshAhead)) && !refreshing) {
                refreshing = true;
                refreshExecutor.execute(() -> {
                    try {
                        fetchNow(clock.instant());
                    } finally {
                        refreshing = false;
                    }
                });
            }
            PublicKey k = current.get(kid);
            if (k == null && fetchNow(now)) {
                // unknown kid: a rotation may have happened; re-fetched at most once per cooldown
                k = keys.get(kid);
            }
            return Optional.ofNullable(k);
        }

        /** Fetches unless one was attempted within the cooldown; returns true if keys were replaced. */
        boolean fetchNow(Instant now) {
            synchronized (fetchLock) {
                long last = lastAttemptMillis.get();
                boolean inCooldown = last != Long.MIN_VALUE && now.toEpochMilli() - last < cooldown.toMillis();
                if (inCooldown) {
                    return false;
                }
                lastAttemptMillis.set(now.toEpochMilli());
                fetchCount.incrementAndGet();
                try {
                    Map<String, PublicKey> fresh = EctKeys.parseJwks(fetch());
                    keys = Map.copyOf(fresh);
                    fetchedAt = now;
                    return true;
                } catch (IOException | RuntimeException e) {
                    LOG.warn("JWKS fetch for issuer {} from {} failed ({}); {}", issuer, uri, e.getMessage(),
                            keys == null ? "no keys cached" : "keeping the last good key set");
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }

        String fetch() throws IOException, InterruptedException {
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(readTimeout).header("Accept", "application/json").GET().build();
            HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = resp.body()) {
                if (resp.statusCode() != 200) {
                    throw new IOException("HTTP " + resp.statusCode());
                }
                byte[] body = in.readNBytes(EctKeys.MAX_JWKS_CHARS * 4 + 1);
                if (body.length > EctKeys.MAX_JWKS_CHARS * 4) {
                    throw new IOException("JWKS response larger than the limit");
                }
                return new String(body, StandardCharsets.UTF_8);
            }
        }
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

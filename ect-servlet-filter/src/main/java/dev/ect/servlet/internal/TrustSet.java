package dev.ect.servlet.internal;

import dev.ect.core.keys.JwksUrlKeySource;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Trusted issuers with where their keys come from (a JWKS document, a JWKS file read once at
 * start-up, or a JWKS URL fetched and cached by {@link JwksUrlKeySource}), turned into one
 * {@link KeySource}. A key is only ever used for the issuer it was configured for (V-07).
 */
public final class TrustSet {
    private final List<Consumer<StaticKeySource.Builder>> staticEntries = new ArrayList<>();
    private final Map<String, URI> urls = new LinkedHashMap<>();

    public boolean isEmpty() { return staticEntries.isEmpty() && urls.isEmpty(); }

    public TrustSet jwks(String issuer, String json) {
        Objects.requireNonNull(issuer, "issuer cannot be null");
        Objects.requireNonNull(json, "jwks cannot be null");
        staticEntries.add(b -> b.jwks(issuer, json));
        return this;
    }

    public TrustSet jwksFile(String issuer, Path file) {
        Objects.requireNonNull(issuer, "issuer cannot be null");
        Objects.requireNonNull(file, "file cannot be null");
        staticEntries.add(b -> b.jwksFile(issuer, file));
        return this;
    }

    public TrustSet jwksUrl(String issuer, URI url) {
        Objects.requireNonNull(issuer, "issuer cannot be null");
        Objects.requireNonNull(url, "url cannot be null");
        String scheme = url.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("JWKS URL of " + issuer + " must be http(s): " + url);
        }
        if (urls.putIfAbsent(issuer, url) != null) {
            throw new IllegalStateException("issuer " + issuer + " already has a JWKS URL");
        }
        return this;
    }

    /**
     * Parses {@code ISS=file:/path/jwks.json} and {@code ISS=https://host/jwks.json} entries
     * separated by whitespace (spaces or newlines). The issuer ends at the first {@code '='}.
     */
    public static TrustSet parse(ConfigSources.Value v) {
        TrustSet t = new TrustSet();
        for (String entry : v.value().trim().split("\\s+")) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw v.invalid("entry '" + entry + "' is not ISSUER=file:PATH or ISSUER=https://URL", null);
            }
            String iss = entry.substring(0, eq);
            String target = entry.substring(eq + 1);
            try {
                if (target.startsWith("file:")) {
                    t.jwksFile(iss, target.startsWith("file://") ? Path.of(URI.create(target)) : Path.of(target.substring(5)));
                } else if (target.startsWith("https://") || target.startsWith("http://")) {
                    t.jwksUrl(iss, URI.create(target));
                } else {
                    throw new IllegalArgumentException("the key location of " + iss + " must start with file:, https:// or http://");
                }
            } catch (RuntimeException e) {
                throw v.invalid(e.getMessage(), e);
            }
        }
        return t;
    }

    /**
     * The key source: static keys first, then JWKS URLs. Reads the JWKS files now.
     *
     * @param maxStale K-04, for the JWKS URLs
     * @param allowInsecureHttp K-03: whether {@code http://} JWKS URLs are allowed (development only)
     * @throws IllegalArgumentException when a file cannot be read or is not a JWKS, or a JWKS URL
     *     is {@code http} without {@code allowInsecureHttp} (naming the filter's options)
     */
    public KeySource build(Clock clock, Duration maxStale, boolean allowInsecureHttp) {
        if (!allowInsecureHttp) {
            urls.forEach((iss, uri) -> {
                if ("http".equalsIgnoreCase(uri.getScheme())) {
                    throw new IllegalArgumentException("JWKS URL " + uri + " of issuer " + iss + " is not https (K-03); plain http "
                            + "is for development only: allow it with init-param " + Param.JWKS_ALLOW_INSECURE_HTTP.initParam()
                            + "=true, environment variable " + Param.JWKS_ALLOW_INSECURE_HTTP.env()
                            + "=true or allowInsecureJwksHttp(true)");
                }
            });
        }
        List<KeySource> sources = new ArrayList<>();
        if (!staticEntries.isEmpty()) {
            StaticKeySource.Builder b = StaticKeySource.builder();
            for (Consumer<StaticKeySource.Builder> e : staticEntries) {
                e.accept(b);
            }
            sources.add(b.build());
        }
        if (!urls.isEmpty()) {
            JwksUrlKeySource.Builder b = JwksUrlKeySource.builder().clock(clock).maxStale(maxStale)
                    .allowInsecureHttp(allowInsecureHttp);
            urls.forEach(b::issuer);
            sources.add(b.build());
        }
        return sources.size() == 1 ? sources.get(0) : KeySource.firstOf(sources.toArray(KeySource[]::new));
    }
}

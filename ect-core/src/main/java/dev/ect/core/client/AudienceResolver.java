package dev.ect.core.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Maps the URI a request is actually sent to (each attempt, each redirect hop) to the workload
 * id(s) that will verify its ECT: the {@code aud} claim (profile M-06, C-02). Called once per
 * attempt or hop, by every HTTP client integration (the JDK {@code HttpClient} one takes it as it
 * is; OkHttp's adapts its own {@code HttpUrl} form). Implementations must be thread-safe and fast
 * (no I/O on the call path).
 *
 * <pre>{@code
 * AudienceResolver aud = AudienceResolver.byHost(Map.of(
 *     "b.internal:8443", "spiffe://example.com/agent/b",
 *     "c.internal",      "spiffe://example.com/agent/c"));   // any port
 * }</pre>
 */
@FunctionalInterface
public interface AudienceResolver {
    /**
     * The audience for a request to {@code uri}.
     *
     * @return the workload ids, in order; an empty list when the target is unknown (the call then
     *     fails, or is sent without an ECT, per {@link UnknownAudience})
     */
    List<String> resolve(URI uri);

    /** This resolver, and {@code other} for URIs this one does not know. */
    default AudienceResolver orElse(AudienceResolver other) {
        Objects.requireNonNull(other, "other cannot be null");
        return uri -> {
            List<String> first = resolve(uri);
            return first != null && !first.isEmpty() ? first : other.resolve(uri);
        };
    }

    /** The same audience for every request (e.g. one gateway that verifies every ECT). */
    static AudienceResolver fixed(String id, String... more) {
        List<String> ids = new ArrayList<>();
        ids.add(checkId(id));
        for (String m : more) {
            ids.add(checkId(m));
        }
        List<String> frozen = List.copyOf(ids);
        return uri -> frozen;
    }

    /**
     * A static map from {@code host:port} or {@code host} (any port) to a workload id. A key with a
     * port wins over a key without one; a URI without a port has its scheme's default (80 for
     * http, 443 for https). Hosts match ignoring ASCII case; IPv6 literals are written in brackets
     * ({@code [::1]:8080}). Unlisted targets resolve to the empty list.
     *
     * @throws IllegalArgumentException for a blank key or id, or a port that is not 1..65535
     */
    static AudienceResolver byHost(Map<String, String> hostToId) {
        Objects.requireNonNull(hostToId, "hostToId cannot be null");
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : hostToId.entrySet()) {
            map.put(normalizeKey(e.getKey()), List.of(checkId(e.getValue())));
        }
        Map<String, List<String>> frozen = Map.copyOf(map);
        return uri -> {
            String host = uri.getHost(); // URI.getHost() keeps the brackets of an IPv6 literal
            if (host == null) {
                return List.of();
            }
            host = host.toLowerCase(Locale.ROOT);
            List<String> hit = frozen.get(host + ":" + port(uri));
            if (hit == null) {
                hit = frozen.get(host);
            }
            return hit != null ? hit : List.of();
        };
    }

    /** The port of {@code uri}, or its scheme's default (80, 443; -1 for other schemes). */
    static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "http" -> 80;
            case "https" -> 443;
            default -> -1;
        };
    }

    private static String checkId(String id) {
        Objects.requireNonNull(id, "audience id cannot be null");
        if (id.isBlank()) {
            throw new IllegalArgumentException("audience id must not be blank");
        }
        return id;
    }

    private static String normalizeKey(String key) {
        Objects.requireNonNull(key, "host key cannot be null");
        String k = key.trim().toLowerCase(Locale.ROOT);
        if (k.isEmpty()) {
            throw new IllegalArgumentException("host key must not be blank");
        }
        int colon = k.lastIndexOf(':');
        boolean bracketed = k.startsWith("[");
        if (colon > 0 && (!bracketed || colon > k.indexOf(']'))) {
            String port = k.substring(colon + 1);
            int p;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("host key '" + key + "' has an invalid port", ex);
            }
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("host key '" + key + "' has a port outside 1..65535");
            }
            if (!bracketed && k.substring(0, colon).indexOf(':') >= 0) {
                throw new IllegalArgumentException("host key '" + key + "': write IPv6 literals in brackets");
            }
        }
        return k;
    }
}

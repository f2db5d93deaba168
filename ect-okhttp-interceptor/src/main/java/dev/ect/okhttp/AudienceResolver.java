package dev.ect.okhttp;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * Maps the URL a request is actually sent to (each redirect hop, each retry) to the workload id(s)
 * that will verify its ECT: the {@code aud} claim (profile M-06, C-02). Called once per network
 * attempt. Implementations must be thread-safe and fast (no I/O on the call path).
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
     * The audience for a request to {@code url}.
     *
     * @return the workload ids, in order; an empty list when the target is unknown (the call then
     *     fails, or is sent without an ECT, per {@link dev.ect.core.client.UnknownAudience})
     */
    List<String> resolve(HttpUrl url);

    /** This resolver, and {@code other} for URLs this one does not know. */
    default AudienceResolver orElse(AudienceResolver other) {
        Objects.requireNonNull(other, "other cannot be null");
        return url -> {
            List<String> first = resolve(url);
            return first != null && !first.isEmpty() ? first : other.resolve(url);
        };
    }

    /** The same audience for every request (e.g. one gateway that verifies every ECT). */
    static AudienceResolver fixed(String id, String... more) {
        List<String> ids = dev.ect.core.client.AudienceResolver.fixed(id, more).resolve(null); // checked; fixed ignores the URI
        return url -> ids;
    }

    /**
     * A static map from {@code host:port} or {@code host} (any port) to a workload id. A key with a
     * port wins over a key without one. Hosts match ignoring ASCII case; IPv6 literals are written
     * in brackets ({@code [::1]:8080}). Unlisted targets resolve to the empty list. The rules of
     * {@link dev.ect.core.client.AudienceResolver#byHost(Map)}, over OkHttp's {@code HttpUrl}.
     *
     * @throws IllegalArgumentException for a blank key or id, or a port that is not 1..65535
     */
    static AudienceResolver byHost(Map<String, String> hostToId) {
        dev.ect.core.client.AudienceResolver hosts = dev.ect.core.client.AudienceResolver.byHost(hostToId);
        return url -> hosts.resolve(url.uri()); // HttpUrl.uri() keeps host (IPv6 in brackets) and port
    }
}

package dev.ect.httpclient.internal;

import dev.ect.core.client.AudienceResolver;
import dev.ect.core.client.internal.ClientCall;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.ResponseInfo;
import java.util.Locale;
import java.util.Optional;

/**
 * Redirects followed by the integration itself, so that each hop is minted on its own (M-01: a
 * fresh {@code jti}; M-06: the {@code aud} of the host the hop goes to). The JDK client would
 * follow them internally, re-sending the first hop's headers, so the delegate runs with
 * {@link Redirect#NEVER} and this class reproduces the JDK's rules (its {@code RedirectFilter}):
 * 301, 302, 303, 307 and 308 with a {@code Location} are followed; 303, and 301/302 after a
 * {@code POST}, become a {@code GET} without body; {@link Redirect#NORMAL} never goes from
 * {@code https} to {@code http}. Unlike the JDK, a redirect to another origin drops the
 * {@code Authorization} header (as OkHttp and curl do), and a {@code Location} that is missing or
 * not a valid http(s) URI ends the exchange with the 3xx response instead of failing it.
 */
final class Redirects {
    private Redirects() {}

    /** The next hop for {@code info} answering {@code current}, or null when this response is the final one. */
    static HttpRequest next(Redirect policy, HttpRequest current, ResponseInfo info, int followed, int max, boolean keepEct) {
        if (policy == Redirect.NEVER || followed >= max) {
            return null;
        }
        int status = info.statusCode();
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            return null;
        }
        Optional<String> location = info.headers().firstValue("Location");
        if (location.isEmpty()) {
            return null;
        }
        URI target;
        try {
            target = current.uri().resolve(new URI(location.get().trim()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || target.getHost() == null) {
            return null;
        }
        if (policy == Redirect.NORMAL && !scheme.equals("https") && !scheme.equalsIgnoreCase(current.uri().getScheme())) {
            return null; // https -> http
        }
        String method = redirectedMethod(status, current.method());
        boolean dropBody = status == 303 || !method.equals(current.method());
        boolean sameOrigin = sameOrigin(current.uri(), target);
        HttpRequest.Builder b = HttpRequest.newBuilder(current, (name, value) ->
                (keepEct || !name.equalsIgnoreCase(ClientCall.HEADER))
                        && (sameOrigin || !name.equalsIgnoreCase("Authorization"))
                        && (!dropBody || !name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Encoding")));
        b.uri(target);
        if (dropBody) {
            b.method(method, BodyPublishers.noBody());
        }
        return b.build();
    }

    private static String redirectedMethod(int status, String method) {
        return switch (status) {
            case 301, 302 -> method.equals("POST") ? "GET" : method;
            case 303 -> "GET";
            default -> method;
        };
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && AudienceResolver.port(a) == AudienceResolver.port(b);
    }
}

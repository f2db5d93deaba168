package dev.ect.spring;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Plain JDK HTTP to the application under test (no ECT integration on this side). */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Pattern ECT_ERROR = Pattern.compile("\"ect_error\"\\s*:\\s*\"([a-z_]+)\"");

    private Http() { }

    static HttpResponse<String> get(int port, String pathAndQuery, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Execution-Context", token);
        }
        try {
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The {@code ect_error} of a problem+json body, or null. */
    static String ectError(String body) {
        Matcher m = ECT_ERROR.matcher(body);
        return m.find() ? m.group(1) : null;
    }
}

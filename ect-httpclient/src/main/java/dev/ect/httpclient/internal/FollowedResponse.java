package dev.ect.httpclient.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * The final response of an exchange whose redirects the integration followed: the last hop's
 * response, with {@link #previousResponse()} linking to the redirect responses (their bodies were
 * discarded: {@code body()} is null), as the JDK client's own redirect handling does.
 */
record FollowedResponse<T>(HttpResponse<T> last, HttpResponse<T> previous) implements HttpResponse<T> {
    @Override public int statusCode() { return last.statusCode(); }
    @Override public HttpRequest request() { return last.request(); }
    @Override public Optional<HttpResponse<T>> previousResponse() { return Optional.of(previous); }
    @Override public HttpHeaders headers() { return last.headers(); }
    @Override public T body() { return last.body(); }
    @Override public Optional<SSLSession> sslSession() { return last.sslSession(); }
    @Override public URI uri() { return last.uri(); }
    @Override public HttpClient.Version version() { return last.version(); }
    @Override public String toString() { return last.toString(); }
}

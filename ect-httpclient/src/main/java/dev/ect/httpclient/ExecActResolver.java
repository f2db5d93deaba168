package dev.ect.httpclient;

import java.net.http.HttpRequest;

/**
 * Chooses the {@code exec_act} claim (C-07: non-empty, at most 256 characters) of the ECT minted
 * for a request (each redirect hop), unless the call's {@link EctRequestOptions} set one. Must be
 * thread-safe and must not do I/O.
 */
@FunctionalInterface
public interface ExecActResolver {
    /** The longest {@code exec_act} C-07 allows. */
    int MAX_LENGTH = 256;

    /** The action this request performs, e.g. {@code "summarize"}. */
    String resolve(HttpRequest request);

    /**
     * The default: {@code METHOD /raw/path} (no query; {@code /} for an empty path), e.g.
     * {@code "POST /v1/review"}, cut to {@value #MAX_LENGTH} characters so a long path never
     * fails a call.
     */
    static ExecActResolver methodAndPath() {
        return request -> {
            String path = request.uri().getRawPath();
            String s = request.method() + " " + (path == null || path.isEmpty() ? "/" : path);
            return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) : s;
        };
    }
}

package dev.ect.okhttp;

import okhttp3.Request;

/**
 * Chooses the {@code exec_act} claim (C-07: non-empty, at most 256 characters) of the ECT minted
 * for a request, unless the request's {@link EctRequestOptions} set one. Called once per network
 * attempt; must be thread-safe.
 */
@FunctionalInterface
public interface ExecActResolver {
    /** The longest {@code exec_act} C-07 allows. */
    int MAX_LENGTH = 256;

    /** The action this request performs, e.g. {@code "summarize"}. */
    String resolve(Request request);

    /**
     * The default: {@code METHOD /encoded/path} (no query), e.g. {@code "POST /v1/review"}, cut to
     * {@value #MAX_LENGTH} characters so a long path never fails a call.
     */
    static ExecActResolver methodAndPath() {
        return request -> {
            String s = request.method() + " " + request.url().encodedPath();
            return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) : s;
        };
    }
}

package dev.ect.httpclient;

import dev.ect.core.EctText;
import java.net.http.HttpRequest;

/**
 * Chooses the {@code exec_act} claim (C-07: non-empty, at most 256 characters) of the ECT minted
 * for a request (each redirect hop), unless the call's {@link dev.ect.core.client.EctRequestOptions} set one. Must be
 * thread-safe and must not do I/O.
 */
@FunctionalInterface
public interface ExecActResolver {
    /** The longest {@code exec_act} C-07 allows. */
    int MAX_LENGTH = EctText.MAX_EXEC_ACT;

    /** The action this request performs, e.g. {@code "summarize"}. */
    String resolve(HttpRequest request);

    /**
     * The default: {@code METHOD /raw/path} (no query; {@code /} for an empty path), e.g.
     * {@code "POST /v1/review"}, cut to {@value #MAX_LENGTH} characters ({@link EctText#execAct}:
     * code points, never half an emoji) so a long path never fails a call.
     */
    static ExecActResolver methodAndPath() {
        return request -> {
            String path = request.uri().getRawPath();
            String s = request.method() + " " + (path == null || path.isEmpty() ? "/" : path);
            return EctText.execAct(s);
        };
    }
}

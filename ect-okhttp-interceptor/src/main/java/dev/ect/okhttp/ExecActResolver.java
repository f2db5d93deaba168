package dev.ect.okhttp;

import dev.ect.core.EctText;
import okhttp3.Request;

/**
 * Chooses the {@code exec_act} claim (C-07: non-empty, at most 256 characters) of the ECT minted
 * for a request, unless the request's {@link dev.ect.core.client.EctRequestOptions} set one. Called once per network
 * attempt; must be thread-safe.
 */
@FunctionalInterface
public interface ExecActResolver {
    /** The longest {@code exec_act} C-07 allows. */
    int MAX_LENGTH = EctText.MAX_EXEC_ACT;

    /** The action this request performs, e.g. {@code "summarize"}. */
    String resolve(Request request);

    /**
     * The default: {@code METHOD /encoded/path} (no query), e.g. {@code "POST /v1/review"}, cut to
     * {@value #MAX_LENGTH} characters ({@link EctText#execAct}: code points, never half an emoji)
     * so a long path never fails a call.
     */
    static ExecActResolver methodAndPath() {
        return request -> {
            return EctText.execAct(request.method() + " " + request.url().encodedPath());
        };
    }
}

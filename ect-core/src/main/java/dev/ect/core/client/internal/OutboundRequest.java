package dev.ect.core.client.internal;

import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * One outbound attempt (or redirect hop) as the client support sees it, implemented by each HTTP
 * client adapter over its own request type: method, target, the {@code Execution-Context} values
 * it already carries, the adapter's default {@code exec_act}, and (where the client can read the
 * body before it is sent) the body's C-09 hash. For the library's adapters; not a stable API.
 */
public interface OutboundRequest {
    /** The HTTP method, e.g. {@code GET}. */
    String method();

    /** The URI this attempt is sent to (absolute, http or https). */
    URI uri();

    /** The request's {@code Execution-Context} values, in order; empty when it has none. */
    List<String> ectHeaderValues();

    /**
     * The audience of this attempt (M-06). The default asks {@code configured} with {@link #uri()};
     * an adapter whose users give a resolver over the client's own URL type asks that one instead.
     */
    default List<String> audience(dev.ect.core.client.AudienceResolver configured) { return configured.resolve(uri()); }

    /** The adapter's {@code exec_act} for this request (its resolver), when the options set none. */
    String defaultExecAct();

    /**
     * The C-09 hash of the body as it will be sent, for {@code inpHashFromBody}.
     *
     * @throws IOException when reading the body fails
     * @throws UnsupportedOperationException when this client cannot read the body in advance
     * @throws IllegalArgumentException when this body cannot be read twice (one-shot)
     */
    default String bodyHash() throws IOException {
        throw new UnsupportedOperationException("this HTTP client cannot read a request body before it is sent:"
                + " hash the bytes yourself and use EctRequestOptions.builder().inpHash(...)");
    }
}

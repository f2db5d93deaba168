package dev.ect.httpclient.internal;

import dev.ect.core.client.internal.ClientCall;
import dev.ect.core.client.internal.OutboundRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;

/**
 * One hop, as the shared client support sees it. No {@link #bodyHash()}: a {@code BodyPublisher}
 * may be one-shot and asynchronous, so {@code inpHashFromBody} fails the call (hash the bytes yourself).
 */
record JdkRequest(HttpRequest request, EctConfig config) implements OutboundRequest {
    @Override
    public String method() { return request.method(); }

    @Override
    public URI uri() { return request.uri(); }

    @Override
    public List<String> ectHeaderValues() { return request.headers().allValues(ClientCall.HEADER); }

    @Override
    public String defaultExecAct() { return config.execAct().resolve(request); }
}

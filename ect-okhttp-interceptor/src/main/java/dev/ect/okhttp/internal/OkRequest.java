package dev.ect.okhttp.internal;

import dev.ect.core.client.internal.ClientCall;
import dev.ect.core.client.internal.OutboundRequest;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import okhttp3.Request;

/** One network attempt, as the shared client support sees it. */
record OkRequest(Request request, EctConfig config) implements OutboundRequest {
    @Override
    public String method() { return request.method(); }

    @Override
    public URI uri() { return request.url().uri(); }

    @Override
    public List<String> ectHeaderValues() { return request.headers(ClientCall.HEADER); }

    /** The application's resolver over OkHttp's {@code HttpUrl} (M-06). */
    @Override
    public List<String> audience(dev.ect.core.client.AudienceResolver configured) { return config.audience().resolve(request.url()); }

    @Override
    public String defaultExecAct() { return config.execAct().resolve(request); }

    @Override
    public String bodyHash() throws IOException { return BodyHashes.sha256(request.body()); }
}

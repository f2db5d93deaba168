package dev.ect.okhttp.internal;

import dev.ect.core.client.EctRequestOptions;
import dev.ect.core.client.internal.Attempt;
import dev.ect.core.client.internal.ClientCall;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The network interceptor: mints one ECT per network attempt (M-01: a retry or a redirect hop
 * gets a fresh {@code jti}; M-06: {@code aud} of the host actually called), and checks the
 * response's ECT when there is one (T-08), through the call's {@link ClientCall}. Throws only
 * {@link IOException}s.
 */
public final class EctNetworkInterceptor implements Interceptor {
    private final EctConfig config;
    private final ContextCaptor captor;

    public EctNetworkInterceptor(EctConfig config, ContextCaptor captor) {
        this.config = config;
        this.captor = captor;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        EctRequestOptions opts = request.tag(EctRequestOptions.class);
        if (opts != null && opts.disabled()) {
            return chain.proceed(request);
        }
        ClientCall call = captor.stateOf(chain.call());
        OkRequest out = new OkRequest(request, config);
        Attempt attempt = call.prepare(out, opts);
        switch (attempt.action()) {
            case PASS_THROUGH:
                return chain.proceed(request);
            case SEND_WITHOUT_ECT: // also drops this call's own token that a redirect follow-up copied
                return chain.proceed(request.header(ClientCall.HEADER) == null ? request
                        : request.newBuilder().removeHeader(ClientCall.HEADER).build());
            default:
                break;
        }
        Response response = chain.proceed(request.newBuilder().header(ClientCall.HEADER, attempt.header()).build());
        String responseJti;
        try {
            responseJti = call.checkResponse(attempt, out, response.headers(ClientCall.HEADER));
        } catch (IOException e) {
            response.close();
            throw e;
        }
        call.recordAnswer(attempt, responseJti, response.code());
        if (!call.answersFoldedByCaller()) {
            call.applyLastAnswer(); // no application interceptor installed: each attempt's answer counts
        }
        return response;
    }
}

package dev.ect.okhttp.internal;

import dev.ect.core.client.internal.ClientCall;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * The application interceptor: sees each call once, outside OkHttp's retry and redirect loop, so
 * it is where the call's final answer is folded into the task context's frontier (F-03): only the
 * attempt whose response the application receives counts; redirected and retried attempts do not
 * move the frontier. It also fixes the call's captured context before any attempt runs.
 */
public final class EctApplicationInterceptor implements Interceptor {
    private final ContextCaptor captor;

    public EctApplicationInterceptor(ContextCaptor captor) { this.captor = captor; }

    @Override
    public Response intercept(Chain chain) throws IOException {
        ClientCall call = captor.stateOf(chain.call());
        call.foldAnswersByCaller();
        Response response = chain.proceed(chain.request());
        call.applyLastAnswer();
        return response;
    }
}

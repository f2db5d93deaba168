package dev.ect.okhttp.internal;

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
    private final EctConfig config;
    private final ContextCaptor captor;

    public EctApplicationInterceptor(EctConfig config, ContextCaptor captor) {
        this.config = config;
        this.captor = captor;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        CallState st = EctNetworkInterceptor.state(chain.call(), captor, config.missingContext());
        st.markFinalAnswerHandledOutside();
        Response response = chain.proceed(chain.request());
        st.applyLastAnswer();
        return response;
    }
}

package dev.ect.okhttp.internal;

import dev.ect.core.client.internal.ClientCall;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import okhttp3.Call;
import okhttp3.EventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures the task context when a call is created (F-02), so that an {@code enqueue}d call,
 * whose interceptors run on one of OkHttp's dispatcher threads, still links to the task of the
 * thread that created it (M-04).
 *
 * <p>OkHttp calls the client's {@link EventListener.Factory} from {@code newCall}, on the calling
 * thread (documented on {@link EventListener.Factory#create}); that is the hook used here. The
 * call's {@link ClientCall} (which captures the context) is parked in a weak map keyed by the call
 * (the call's own tags are not yet usable at that moment) and moved into a tag of the call by the
 * first ECT interceptor that runs. A call that is never executed is simply collected.
 */
public final class ContextCaptor {
    /** The log of minting and response checks: the network interceptor's name, as documented. */
    private static final Logger LOG = LoggerFactory.getLogger(EctNetworkInterceptor.class);

    private final EctConfig config;
    private final Map<Call, ClientCall> pending = Collections.synchronizedMap(new WeakHashMap<>());

    public ContextCaptor(EctConfig config) { this.config = Objects.requireNonNull(config, "config cannot be null"); }

    /** A factory that captures the context, then delegates to the client's own factory. */
    public EventListener.Factory eventListenerFactory(EventListener.Factory delegate) {
        Objects.requireNonNull(delegate, "delegate cannot be null");
        return new CapturingFactory(this, delegate);
    }

    /** True when {@code f} is a factory made by any captor (to refuse wrapping a client twice). */
    public static boolean isCapturing(EventListener.Factory f) { return f instanceof CapturingFactory; }

    void capture(Call call) {
        pending.put(call, ClientCall.capture(config.client(), LOG)); // no context too: F-02 binds the call to "none" as well
    }

    /**
     * The ECT state of a call, kept as its tag: the one captured at {@code newCall}; for a client
     * assembled without the capturing factory, captured now from this thread (correct for
     * {@code execute()}, whose interceptors run on the calling thread, not for {@code enqueue}).
     */
    ClientCall stateOf(Call call) {
        return call.tag(ClientCall.class, () -> {
            ClientCall c = pending.remove(call);
            return c != null ? c : ClientCall.capture(config.client(), LOG);
        });
    }

    private record CapturingFactory(ContextCaptor captor, EventListener.Factory delegate) implements EventListener.Factory {
        @Override
        public EventListener create(Call call) {
            captor.capture(call);
            return delegate.create(call);
        }
    }
}

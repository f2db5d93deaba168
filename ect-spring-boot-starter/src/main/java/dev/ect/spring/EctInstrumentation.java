package dev.ect.spring;

import dev.ect.core.EctException;
import java.util.function.Supplier;

/**
 * Times the starter's ECT work: {@value #VERIFY} around each verification of the filter's verifier
 * and {@value #MINT} around each ECT the HTTP client integrations mint. The auto-configuration
 * provides one backed by Micrometer's {@code ObservationRegistry} when there is one (so tracing and
 * the observation's timer see it), else by a {@code MeterRegistry} timer, else {@link #none()};
 * define your own bean to replace it.
 *
 * <p>Low-cardinality tags: {@code outcome} ({@code accepted}/{@code rejected}/{@code unavailable}
 * for verify, {@code minted}/{@code failed} for mint) and {@code reason} (the reason code, or
 * {@code none}). Never a token, jti or issuer (unbounded cardinality).
 */
public interface EctInstrumentation {
    /** Name of the verification observation/timer. */
    String VERIFY = "ect.verify";
    /** Name of the minting observation/timer. */
    String MINT = "ect.mint";

    /**
     * Runs {@code work} as one {@code name} observation.
     *
     * @param name {@link #VERIFY} or {@link #MINT}
     * @param work what to time; its exception is rethrown unchanged
     */
    <T> T observe(String name, Supplier<T> work);

    /** Times nothing. */
    static EctInstrumentation none() {
        return new EctInstrumentation() {
            @Override
            public <T> T observe(String name, Supplier<T> work) { return work.get(); }
        };
    }

    /** The {@code outcome} tag of a successful run of {@code name}. */
    static String success(String name) { return MINT.equals(name) ? "minted" : "accepted"; }

    /** The {@code outcome} tag of a failed run. */
    static String failure(String name, RuntimeException e) {
        if (MINT.equals(name)) {
            return "failed";
        }
        return e instanceof EctException x && x.reason() != null && x.reason().isInfrastructure() ? "unavailable" : "rejected";
    }

    /**
     * The {@code reason} tag of a failed run: its reason code; for a minting failure without one, its rule
     * id (e.g. {@code M-06}, no audience); {@code error} for anything else.
     */
    static String reason(RuntimeException e) {
        if (e instanceof EctException x && x.reason() != null) {
            return x.reason().code();
        }
        if (e.getCause() instanceof dev.ect.core.client.EctIOException io) { // a minting failure carried through
            return io.reason() != null ? io.reason().code() : io.ruleId() != null ? io.ruleId() : "error";
        }
        return "error";
    }
}

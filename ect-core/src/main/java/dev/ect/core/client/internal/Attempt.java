package dev.ect.core.client.internal;

import dev.ect.core.Ect;

/**
 * What to send for one attempt, as {@link ClientCall#prepare} decided it.
 *
 * @param action what to do with the request's {@code Execution-Context} header
 * @param header the compact ECT to set as the header ({@link Action#SEND_WITH_ECT}), else null
 * @param sent the ECT minted for this attempt ({@link Action#SEND_WITH_ECT}), else null
 */
public record Attempt(Action action, String header, Ect sent) {
    /** What the adapter does with the request. */
    public enum Action {
        /** Send the request exactly as the application made it (its own ECT, if any; also to redirect hops). */
        PASS_THROUGH,
        /** Send it without an {@code Execution-Context} header (remove one it carries). */
        SEND_WITHOUT_ECT,
        /** Set {@code Execution-Context} to {@link #header()} (replacing any value). */
        SEND_WITH_ECT
    }

    static final Attempt PASS = new Attempt(Action.PASS_THROUGH, null, null);
    static final Attempt WITHOUT = new Attempt(Action.SEND_WITHOUT_ECT, null, null);

    /** True when an ECT was minted for this attempt (its response ECT is then checked and its answer counts). */
    public boolean minted() { return sent != null; }
}

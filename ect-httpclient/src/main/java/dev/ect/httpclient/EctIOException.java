package dev.ect.httpclient;

import dev.ect.core.ReasonCode;
import java.io.IOException;

/**
 * Base of the failures the JDK HttpClient integration reports. They are {@link IOException}s, so a
 * failed ECT step fails the exchange like a network error: {@code send} throws it, the future of
 * {@code sendAsync} completes exceptionally with it (a {@code join()} wraps it in a
 * {@link java.util.concurrent.CompletionException}, a {@code get()} in an
 * {@link java.util.concurrent.ExecutionException}). Messages name the cause and never contain a
 * token.
 */
public abstract sealed class EctIOException extends IOException
        permits EctMintingException, EctResponseRejectedException {
    private static final long serialVersionUID = 1L;

    private final ReasonCode reason;
    private final String ruleId;

    EctIOException(String message, ReasonCode reason, String ruleId, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.ruleId = ruleId;
    }

    /**
     * The profile reason code (section 7) when the failure has one, e.g. {@code token_too_large}
     * for a minted token over the header budget, or the verifier's code for a bad response ECT;
     * null when the cause was not an ECT rule (a resolver that threw, a missing task context).
     */
    public ReasonCode reason() { return reason; }

    /** The profile rule id that failed (e.g. {@code "T-03"}), or null. */
    public String ruleId() { return ruleId; }
}

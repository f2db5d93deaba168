package dev.ect.core.client;

import dev.ect.core.ReasonCode;
import java.io.IOException;

/**
 * Base of the failures the HTTP client integrations report (OkHttp, the JDK {@code HttpClient},
 * ...). They are {@link IOException}s, so a failed ECT step fails the call like a network error:
 * a blocking call throws it, an asynchronous one delivers it (OkHttp's {@code Callback.onFailure},
 * the exceptional completion of a {@code sendAsync} future). Messages name the cause and never
 * contain a token; text from a response ECT in a message is escaped ({@code LogSafe}, T-11).
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

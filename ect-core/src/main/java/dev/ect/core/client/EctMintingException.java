package dev.ect.core.client;

import dev.ect.core.ReasonCode;

/**
 * No ECT could be minted for an outbound request, so the request (that attempt or hop) was not
 * sent. Causes: the signer refused the draft (M-07, with the claim rule's reason code), the minted
 * token is larger than the header budget (T-03, {@code token_too_large}), no audience is known for
 * the target (M-06), no task context was current under {@link MissingContext#FAIL} (M-04), or a
 * resolver or the signer threw (reason null, the cause attached).
 */
public final class EctMintingException extends EctIOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the cause (never a token)
     * @param reason the reason code, or null
     * @param ruleId the profile rule, or null
     * @param cause the underlying exception, or null
     */
    public EctMintingException(String message, ReasonCode reason, String ruleId, Throwable cause) {
        super(message, reason, ruleId, cause);
    }
}

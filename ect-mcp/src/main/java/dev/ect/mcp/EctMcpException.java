package dev.ect.mcp;

import dev.ect.core.ReasonCode;

/**
 * An MCP request failed for its ECT on the client side: the client could not mint one (nothing was
 * sent), or the tool server's response ECT was refused (the answer was discarded: the SDK's call
 * fails with this exception, possibly wrapped). {@link #reason()} is the profile's reason code where
 * one applies. Messages never contain a token.
 */
public final class EctMcpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ReasonCode reason;
    private final String ruleId;

    public EctMcpException(String message, ReasonCode reason, String ruleId, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.ruleId = ruleId;
    }

    /** The reason code (e.g. {@code invalid_signature} of a response ECT), or null. */
    public ReasonCode reason() { return reason; }

    /** The profile rule that failed, or null. */
    public String ruleId() { return ruleId; }
}

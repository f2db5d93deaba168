package dev.ect.mcp;

import dev.ect.core.ReasonCode;

/**
 * An MCP request failed for its ECT: the client could not mint one (nothing was sent), the tool
 * server refused the request's ECT (HTTP 403 or 503 with the {@value EctMcp#ERROR_HEADER} header;
 * {@link #status()}), or the tool server's response ECT was refused (the answer was discarded). The
 * SDK's call fails with this exception, possibly wrapped. {@link #reason()} is the profile's reason code where
 * one applies. Messages never contain a token.
 */
public final class EctMcpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ReasonCode reason;
    private final String code;
    private final String ruleId;
    private final int status;

    public EctMcpException(String message, ReasonCode reason, String ruleId, Throwable cause) {
        this(message, reason, reason == null ? null : reason.code(), ruleId, 0, cause);
    }

    /**
     * @param code the reason code as a string (also for codes outside {@link ReasonCode}, such as the
     *     servlet filter's {@code verification_unavailable}), or null
     * @param status the HTTP status of the tool server's refusal, or 0 when the server did not refuse
     */
    public EctMcpException(String message, ReasonCode reason, String code, String ruleId, int status, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.code = code;
        this.ruleId = ruleId;
        this.status = status;
    }

    /** The reason code (e.g. {@code invalid_signature} of a response ECT), or null. */
    public ReasonCode reason() { return reason; }

    /** The reason code as a string, or null: {@link #reason()}'s code, or one the server named that is not a {@link ReasonCode}. */
    public String code() { return code; }

    /** The HTTP status with which the tool server refused the request (403, 503), or 0 when the failure is the client's. */
    public int status() { return status; }

    /** The profile rule that failed, or null. */
    public String ruleId() { return ruleId; }
}

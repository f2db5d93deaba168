package dev.ect.core;

import java.util.Objects;

/**
 * A verification or minting failure as data: the stable reason code, a detail message that names
 * what was wrong (never the token itself), and the profile rule id that failed.
 *
 * @param reason the reason code (profile section 7)
 * @param detail a human-readable detail; never contains the token or a signature
 * @param ruleId the most specific rule id (e.g. {@code "C-07"}), defaults to the reason's rule
 */
public record EctError(ReasonCode reason, String detail, String ruleId) {
    public EctError {
        Objects.requireNonNull(reason, "reason");
        detail = detail == null ? reason.description() : detail;
        ruleId = ruleId == null ? reason.ruleId() : ruleId;
    }

    public static EctError of(ReasonCode reason, String detail) {
        return new EctError(reason, detail, null);
    }

    public static EctError of(ReasonCode reason, String ruleId, String detail) {
        return new EctError(reason, detail, ruleId);
    }

    /** The stable code string, shorthand for {@code reason().code()}. */
    public String code() { return reason.code(); }
}

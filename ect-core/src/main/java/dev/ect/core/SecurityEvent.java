package dev.ect.core;

import java.util.List;
import java.util.Objects;

/**
 * Something a verifier saw that an operator should look at, beyond one token's rejection: told to
 * {@link VerificationListener#onSecurityEvent}. Every field comes from tokens whose signatures
 * verified (or from the ECT store); none is a token.
 *
 * @param kind what happened
 * @param reason the reason code the ECT being verified was refused with
 * @param jti the {@code jti} of the ECT being verified
 * @param iss its {@code iss}
 * @param wid its {@code wid}, or null
 * @param taskId the task id the event is about (for {@link Kind#AMBIGUOUS_PREDECESSOR}: the
 *     {@code pred} entry that more than one issuer claims)
 * @param claimedBy the issuers of the stored ECTs that carry {@code taskId}, in store order
 */
public record SecurityEvent(Kind kind, ReasonCode reason, String jti, String iss, String wid, String taskId,
        List<String> claimedBy) {
    /** What a {@link SecurityEvent} reports. */
    public enum Kind {
        /**
         * G-07: a {@code pred} entry names a task id that stored ECTs of more than one issuer carry
         * in the same workflow. One of those issuers took another agent's task id (task-id
         * squatting); the child was refused with {@code dag_ambiguous_predecessor}.
         */
        AMBIGUOUS_PREDECESSOR("G-07");

        private final String ruleId;

        Kind(String ruleId) { this.ruleId = ruleId; }

        /** The profile rule, e.g. {@code "G-07"}. */
        public String ruleId() { return ruleId; }
    }

    public SecurityEvent {
        Objects.requireNonNull(kind, "kind cannot be null");
        Objects.requireNonNull(reason, "reason cannot be null");
        claimedBy = List.copyOf(claimedBy);
    }
}

package dev.ect.core;

/**
 * The stable reason codes of profile section 7. The {@link #code()} strings are public API: they
 * appear in problem+json bodies ({@code ect_error}), logs, metrics and the CLI, and never change.
 *
 * <p>Codes whose {@link #httpStatus()} is 403 blame the token; 503 codes blame infrastructure
 * (profile T-04, T-06).
 */
public enum ReasonCode {
    TOKEN_TOO_LARGE("token_too_large", 403, "V-01", "the token is larger than the configured maximum"),
    MALFORMED_TOKEN("malformed_token", 403, "V-02", "the value is not a well-formed ECT"),
    LEVEL_BELOW_MINIMUM("level_below_minimum", 403, "V-03", "the assurance level is below the configured minimum"),
    INVALID_TYP("invalid_typ", 403, "V-04", "the typ header is not exec+jwt"),
    UNSUPPORTED_ALG("unsupported_alg", 403, "V-05", "the alg header is not on the allowlist"),
    MISSING_KID("missing_kid", 403, "V-06", "the kid header is missing or empty"),
    UNSUPPORTED_HEADER("unsupported_header", 403, "V-06", "a header parameter this profile refuses (crit, b64)"),
    UNKNOWN_KEY("unknown_key", 403, "V-07", "no key is registered for this issuer and kid"),
    INVALID_SIGNATURE("invalid_signature", 403, "V-08", "the signature does not verify"),
    MISSING_CLAIM("missing_claim", 403, "V-09", "a required claim is missing"),
    INVALID_CLAIM("invalid_claim", 403, "V-09", "a claim has the wrong type or format"),
    INVALID_EXT("invalid_ext", 403, "V-10", "ect_ext exceeds its size or depth limit, or is not an object"),
    PRED_LIMIT_EXCEEDED("pred_limit_exceeded", 403, "V-10", "pred has more entries than allowed"),
    LEGACY_CLAIM("legacy_claim", 403, "V-10", "a -00 claim name is used at top level"),
    EXPIRED("expired", 403, "V-11", "the token has expired"),
    IAT_IN_FUTURE("iat_in_future", 403, "V-11", "iat is too far in the future"),
    IAT_TOO_OLD("iat_too_old", 403, "V-11", "iat is older than the maximum age"),
    AUDIENCE_MISMATCH("audience_mismatch", 403, "V-12", "aud does not contain this verifier's id"),
    DAG_DUPLICATE_JTI("dag_duplicate_jti", 403, "G-01", "another ECT with this jti is already stored"),
    DAG_UNKNOWN_PREDECESSOR("dag_unknown_predecessor", 403, "G-02", "a pred entry does not resolve to a stored ECT"),
    DAG_WORKFLOW_MISMATCH("dag_workflow_mismatch", 403, "G-03", "a predecessor belongs to another workflow"),
    DAG_TEMPORAL_VIOLATION("dag_temporal_violation", 403, "G-04", "a predecessor was issued after its child"),
    DAG_CYCLE("dag_cycle", 403, "G-05", "the ancestors of this ECT include the ECT itself"),
    DAG_TOO_DEEP("dag_too_deep", 403, "G-05", "the ancestor walk exceeded its bound"),
    DAG_POLICY_VIOLATION("dag_policy_violation", 403, "G-06", "a deployment policy over predecessors refused the ECT"),
    /**
     * G-07: a {@code pred} entry resolves to more than one stored ECT of the child's workflow (the
     * same {@code wid} and {@code jti} from different issuers), so one of them claims another
     * agent's task id. The child is refused rather than linked to either; the verifier's listener
     * is told ({@link VerificationListener#onSecurityEvent}).
     */
    DAG_AMBIGUOUS_PREDECESSOR("dag_ambiguous_predecessor", 403, "G-07", "a predecessor id is claimed by more than one issuer"),
    REPLAY("replay", 403, "V-14", "this token was already accepted"),
    MISSING_ECT("missing_ect", 403, "T-07", "an Execution-Context header is required here"),
    MULTIPLE_ECTS("multiple_ects", 403, "T-02", "more than one Execution-Context value"),
    KEY_SOURCE_UNAVAILABLE("key_source_unavailable", 503, "V-07", "the key source cannot be reached and no cached key applies"),
    REPLAY_STORE_UNAVAILABLE("replay_store_unavailable", 503, "P-04", "the replay store cannot be reached"),
    REPLAY_STORE_FULL("replay_store_full", 503, "P-03", "the replay store is full"),
    LEDGER_UNAVAILABLE("ledger_unavailable", 503, "V-15", "the audit ledger append failed");

    private final String code;
    private final int httpStatus;
    private final String ruleId;
    private final String description;

    ReasonCode(String code, int httpStatus, String ruleId, String description) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.ruleId = ruleId;
        this.description = description;
    }

    /** The stable snake_case code, e.g. {@code "expired"}. */
    public String code() { return code; }

    /** 403 when the token is at fault, 503 when infrastructure is (T-04, T-06). */
    public int httpStatus() { return httpStatus; }

    /** The profile rule that produces this code, e.g. {@code "V-11"}. */
    public String ruleId() { return ruleId; }

    /** A short human description (stable in meaning, not in wording). */
    public String description() { return description; }

    /** True for codes that blame infrastructure rather than the token (503). */
    public boolean isInfrastructure() { return httpStatus == 503; }

    /** Looks a code string up; throws {@link IllegalArgumentException} for an unknown one. */
    public static ReasonCode fromCode(String code) {
        for (ReasonCode r : values()) {
            if (r.code.equals(code)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown reason code: " + code);
    }

    @Override
    public String toString() { return code; }
}

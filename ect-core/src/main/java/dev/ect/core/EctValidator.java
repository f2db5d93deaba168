package dev.ect.core;

import dev.ect.core.dag.DagView;
import java.util.List;
import java.util.Objects;

/**
 * A check of your own in the verification procedure, in the style of Spring Security's
 * {@code OAuth2TokenValidator}: registered with {@link EctVerifier.Builder#validator(EctValidator)}
 * (or given to one call, {@link EctVerifier#verify(String, VerificationScope)}), it runs after every
 * rule of the profile up to and including the DAG check (V-01..V-13, G-01..G-07) and before the side
 * effects (replay record V-14, ledger append V-15). So a token a validator refuses leaves no replay
 * record and no ledger entry, and one verification still checks the token once, however many
 * validators it has. The mandatory rules always run first; validators only add refusals.
 *
 * <pre>{@code
 * EctValidator onlyReviews = (ect, dag) -> ect.execAct().startsWith("review")
 *     ? ValidationResult.valid()
 *     : ValidationResult.invalid(ReasonCode.DAG_POLICY_VIOLATION, "G-06", "exec_act " + ect.execAct() + " is not served here");
 * EctVerifier v = EctVerifier.builder()...validator(onlyReviews.and(sameTenant)).build();
 * }</pre>
 *
 * <p><b>Pure.</b> A validator reads the verified {@link Ect} and the {@link DagView} it is given and
 * does no I/O of its own: the view's queries ({@link DagView#descendsFrom(String)}) read the
 * verifier's ECT store within the DAG check's deadline. It must be thread-safe and must not keep
 * the token. Its refusal detail goes to the sender (T-12: name only what the token carries).
 *
 * <p>A refusal ({@link ValidationResult#invalid}) fails the verification with
 * {@link EctRejectedException} (403) carrying the validator's {@link EctError}, reason code and
 * rule id, and the token's unverified {@code jti}/{@code iss} ({@link EctException#unverifiedJti()}).
 * An {@link EctException} a validator throws (e.g. the view's {@code ledger_unavailable}) is
 * passed on as is, with those ids; any other exception propagates unchanged (a bug in the
 * validator; the servlet filter answers it 503, never 500).
 */
@FunctionalInterface
public interface EctValidator {
    /**
     * @param ect the token's claims and header, every profile rule already passed
     * @param dag the DAG check's result for {@code ect}: its resolved predecessors and ancestry
     * @return {@link ValidationResult#valid()} or the refusal; never null
     */
    ValidationResult validate(Ect ect, DagView dag);

    /** This validator, then {@code next} when this one passes: the first refusal decides. */
    default EctValidator and(EctValidator next) {
        Objects.requireNonNull(next, "next cannot be null");
        EctValidator first = this;
        return (ect, dag) -> {
            ValidationResult r = first.validate(ect, dag);
            if (r == null) {
                throw new IllegalStateException("an EctValidator returned null");
            }
            return r.isValid() ? next.validate(ect, dag) : r;
        };
    }

    /** Every validator of {@code validators}, in order; the first refusal decides. Empty: {@link #none()}. */
    static EctValidator allOf(List<? extends EctValidator> validators) {
        List<EctValidator> all = List.copyOf(validators);
        if (all.isEmpty()) {
            return none();
        }
        EctValidator v = all.get(0);
        for (int i = 1; i < all.size(); i++) {
            v = v.and(all.get(i));
        }
        return v;
    }

    /** Varargs form of {@link #allOf(List)}. */
    static EctValidator allOf(EctValidator... validators) { return allOf(List.of(validators)); }

    /** Accepts every token (the verifier's default). */
    static EctValidator none() { return (ect, dag) -> ValidationResult.valid(); }
}


package dev.ect.core;

import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link EctValidator} decided: valid, or refused with one {@link EctError} (a 403 reason
 * code: a validator judges the token; a dependency that fails is reported by throwing
 * {@link EctUnavailableException}, as the {@link dev.ect.core.dag.DagView} does). Immutable.
 */
public final class ValidationResult {
    private static final ValidationResult VALID = new ValidationResult(null);

    private final EctError error;

    private ValidationResult(EctError error) { this.error = error; }

    /** The token passes this validator. */
    public static ValidationResult valid() { return VALID; }

    /**
     * The token is refused with {@code error}.
     *
     * @throws IllegalArgumentException when its reason is an infrastructure (503) reason
     */
    public static ValidationResult invalid(EctError error) {
        Objects.requireNonNull(error, "error cannot be null");
        if (error.reason().isInfrastructure()) {
            throw new IllegalArgumentException(error.code() + " is an infrastructure reason: throw EctUnavailableException instead");
        }
        return new ValidationResult(error);
    }

    /** Shorthand for {@code invalid(EctError.of(reason, ruleId, detail))}; {@code detail} must not contain the token. */
    public static ValidationResult invalid(ReasonCode reason, String ruleId, String detail) {
        return invalid(EctError.of(reason, ruleId, detail));
    }

    /** True when the token passed. */
    public boolean isValid() { return error == null; }

    /** The refusal, empty when valid. */
    public Optional<EctError> error() { return Optional.ofNullable(error); }

    @Override
    public String toString() { return error == null ? "ValidationResult{valid}" : "ValidationResult{" + error.code() + "}"; }
}

package dev.ect.core;

import java.util.Objects;

/**
 * A builder's {@code build()} was called without an option it requires (design rule 7: builders
 * fail fast, naming the option). {@link #option()} names the missing option as its builder method
 * is named, so code that assembles a builder from its own configuration (the configuration
 * assembler, {@link dev.ect.core.config.EctConfig#open}) can tell which of its options would
 * provide it without reading the message. An {@link IllegalStateException}, as before.
 *
 * <p>Thrown by {@link EctVerifier.Builder#build()}: {@code verifierId}; {@code keySource} (unless
 * the minimum level is L1); {@code ledger} (minimum level L3, V-15).
 */
public final class MissingOptionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String option;

    /**
     * @param option the builder method that would have set it, e.g. {@code "keySource"}
     * @param message what is missing and why, naming the option
     */
    public MissingOptionException(String option, String message) {
        super(message);
        this.option = Objects.requireNonNull(option, "option cannot be null");
    }

    /** The missing option, named as its builder method ({@code "verifierId"}, {@code "keySource"}, {@code "ledger"}). */
    public String option() { return option; }
}

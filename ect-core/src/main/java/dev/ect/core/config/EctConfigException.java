package dev.ect.core.config;

/**
 * An invalid or missing configuration value (profile section 9: never a silent fallback). The
 * message names where the value came from ({@link EctConfigSource#describe(EctOption)}, e.g.
 * {@code environment variable ECT_MAX_PRED=x is invalid: not an integer}) and never shows a
 * store URL (it may hold a password).
 */
public final class EctConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient EctOption option;

    /**
     * @param option the option at fault; null when the error is about a name that is no option
     *     (an unknown {@code ect.} init-param or property)
     */
    public EctConfigException(EctOption option, String message) {
        super(message);
        this.option = option;
    }

    /** As {@link #EctConfigException(EctOption, String)}, with a cause. */
    public EctConfigException(EctOption option, String message, Throwable cause) {
        super(message, cause);
        this.option = option;
    }

    /** The option at fault; null for an unknown {@code ect.} name (see {@link EctConfigSource#properties}). */
    public EctOption option() { return option; }
}

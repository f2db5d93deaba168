package dev.ect.spring.internal;

/** A starter option ({@code ect.filter.*}, {@code ect.client.*}, {@code ect.datasource-ledger.*}) is invalid; the message names it. */
public final class InvalidEctPropertyException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final String property;

    public InvalidEctPropertyException(String property, String message) {
        super(message.contains(property) ? message : "property " + property + ": " + message);
        this.property = property;
    }

    /** The property at fault, e.g. {@code ect.client.unknown-audience}. */
    public String property() { return property; }
}

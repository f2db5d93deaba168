package dev.ect.core.client;

/** What an HTTP client integration does when the {@link AudienceResolver} knows no audience for the target. */
public enum UnknownAudience {
    /** Default: fail the call with an {@link EctMintingException} naming {@code host:port} (M-06). */
    FAIL,
    /** Send the request without an ECT (e.g. to third-party APIs that are not agents). */
    SKIP
}

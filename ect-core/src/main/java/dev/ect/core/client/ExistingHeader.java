package dev.ect.core.client;

/** What an HTTP client integration does with a request that already has an {@code Execution-Context} header. */
public enum ExistingHeader {
    /**
     * Default: send it unchanged (also to redirect hops); the application manages this request's
     * ECT, so nothing is minted, the response ECT is not checked and the frontier does not move.
     */
    PASS_THROUGH,
    /** Replace it with a freshly minted ECT (or remove it, when none is minted for the request). */
    REPLACE
}

package dev.ect.core.client;

/** What an HTTP client integration does with a call made while no task context was current. */
public enum MissingContext {
    /** Default: the call is a root task of its own: a fresh random {@code wid}, {@code pred: []} (M-05). */
    ROOT_TASK,
    /** Send the call without an ECT. */
    SKIP,
    /** Fail the call with an {@link EctMintingException} (rule M-04). */
    FAIL
}

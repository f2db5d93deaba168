package dev.ect.core.tlog;

import java.util.OptionalLong;

/**
 * A ledger and its tree do not fit together, or the ledger's chain is broken: the ledger was
 * changed, shortened or reordered after its tree file was written (profile L-09, L-10). The
 * message names the first entry concerned when one is known. A tree file is derived data; delete
 * it to rebuild it from the ledger as it is now, but only after the change is understood.
 */
public final class LedgerTreeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long seq;

    public LedgerTreeException(String message, long seq) {
        super(message);
        this.seq = seq;
    }

    /** The sequence number of the first entry that differs, when known. */
    public OptionalLong seq() { return seq > 0 ? OptionalLong.of(seq) : OptionalLong.empty(); }
}

package dev.ect.core.ledger;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A ledger file is not an intact chain, so {@link FileLedger#open(Path)} refuses it: the message
 * names the file, the 1-based line, the entry's sequence number and what is wrong. A torn last line
 * (left by a crash during a write that was never acknowledged) is reported this way too; open the
 * file with {@link FileLedger.Recovery#REPAIR_TORN_TAIL} to repair it. Nothing is ever merged or
 * dropped silently.
 */
public final class LedgerCorruptedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;
    private final long seq;
    private final String problem;

    LedgerCorruptedException(Path file, long line, long seq, String problem) {
        super("ledger file " + file + " is broken at line " + line + " (entry " + seq + "): " + problem);
        this.file = file;
        this.line = line;
        this.seq = seq;
        this.problem = problem;
    }

    /** The ledger file. */
    public Path file() { return file; }

    /** The 1-based line of the first broken entry. */
    public long line() { return line; }

    /** The sequence number the broken entry has, or should have. */
    public long seq() { return seq; }

    /** What is wrong with it. */
    public String problem() { return problem; }
}

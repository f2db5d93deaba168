package dev.ect.core.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The result of a chain check (profile L-04): whether the chain is intact, how many entries were
 * found intact, and for a broken chain the first broken entry (its sequence number, its line in a
 * ledger file) and why it is broken. Immutable.
 *
 * <p>An entry is intact when its {@code seq} follows the previous one (from 1, no gaps), its
 * {@code prevHash} is the previous entry's hash ({@link LedgerEntry#GENESIS_HASH} for the first),
 * its hash recomputes ({@link LedgerEntry#computeHash()}), its {@code jti}, {@code wid},
 * {@code iss}, {@code exec_act} and {@code pred} equal the claims of its compact token, and its
 * ({@code iss}, {@code wid}, {@code jti}) was not recorded before (L-06). A ledger file must in addition hold
 * each entry as exactly one line in the form {@link FileLedger} writes, ending in a newline.
 *
 * <p>The chain proves that no entry was changed, removed or inserted <em>unless</em> every later
 * hash was recomputed as well; to detect that, keep {@link #lastHash()} somewhere else (anchor it).
 */
public final class ChainVerification {
    private final long entriesChecked;
    private final long brokenSeq;
    private final long brokenLine;
    private final String problem;
    private final String lastHash;

    private ChainVerification(long entriesChecked, long brokenSeq, long brokenLine, String problem, String lastHash) {
        this.entriesChecked = entriesChecked;
        this.brokenSeq = brokenSeq;
        this.brokenLine = brokenLine;
        this.problem = problem;
        this.lastHash = lastHash;
    }

    static ChainVerification intact(long entries, String lastHash) {
        return new ChainVerification(entries, -1, -1, null, lastHash);
    }

    static ChainVerification broken(long intact, long seq, long line, String problem, String lastHash) {
        return new ChainVerification(intact, seq, line, Objects.requireNonNull(problem), lastHash);
    }

    /**
     * Checks a list of entries, e.g. {@link AuditLedger#entries()} (L-04).
     */
    public static ChainVerification of(Iterable<LedgerEntry> entries) {
        ChainChecker checker = new ChainChecker();
        for (LedgerEntry e : entries) {
            if (checker.check(Objects.requireNonNull(e, "entry")) != null) {
                break;
            }
        }
        return checker.result(-1);
    }

    /**
     * Checks a ledger file as {@link FileLedger} writes it, byte for byte (L-04): a changed byte
     * anywhere is reported with the line and entry it is in. A last line without its newline (a
     * torn write) is reported as broken too.
     *
     * <p>Do not point this at a file that a {@link FileLedger} of this JVM has open: closing a second
     * handle on a locked file can drop the process's lock on some platforms. Use that ledger's
     * {@link FileLedger#verifyChain()} instead.
     *
     * @throws IOException when the file cannot be read
     */
    public static ChainVerification ofFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return LedgerFile.scan(ch, ch.size(), null).verification();
        }
    }

    /** True when every entry is intact. */
    public boolean ok() { return problem == null; }

    /** The number of intact entries: all of them when {@link #ok()}, else those before the break. */
    public long entriesChecked() { return entriesChecked; }

    /**
     * The sequence number of the first broken entry (for an unreadable line of a file: the number
     * the entry there should have); empty when {@link #ok()}.
     */
    public OptionalLong brokenSeq() { return problem == null ? OptionalLong.empty() : OptionalLong.of(brokenSeq); }

    /** The 1-based line of the first broken entry in a ledger file; empty when ok or not a file. */
    public OptionalLong brokenLine() { return brokenLine < 0 ? OptionalLong.empty() : OptionalLong.of(brokenLine); }

    /** Why the first broken entry is broken; empty when {@link #ok()}. */
    public Optional<String> problem() { return Optional.ofNullable(problem); }

    /** The hash of the last intact entry ({@link LedgerEntry#GENESIS_HASH} when there is none): the value to anchor. */
    public String lastHash() { return lastHash; }

    @Override
    public String toString() {
        if (problem == null) {
            return "chain intact: " + entriesChecked + " entries, last hash " + lastHash;
        }
        return "chain broken at entry " + brokenSeq + (brokenLine < 0 ? "" : " (line " + brokenLine + ")") + ": " + problem
                + " (" + entriesChecked + " intact entries before it)";
    }
}

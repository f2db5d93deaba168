package dev.ect.core.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads a ledger file as {@link FileLedger} writes it, or any {@link AuditLedger} page by page, one
 * entry at a time, without holding it in memory: for the Merkle tree and checks of
 * {@code dev.ect.core.tlog} (L-08, L-09) and for tools. The same strict reader as
 * {@link ChainVerification#ofFile(Path)}.
 */
public final class LedgerReader {
    private LedgerReader() {}

    /**
     * Reads the file, checks its chain (L-04), and hands each intact entry to {@code sink} in
     * sequence order; stops at the first broken line (a torn last line counts as broken).
     *
     * @return the chain check, as {@link ChainVerification#ofFile(Path)} returns it
     * @throws IOException when the file cannot be read
     */
    public static ChainVerification read(Path file, Consumer<LedgerEntry> sink) throws IOException {
        Objects.requireNonNull(sink, "sink");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return LedgerFile.scan(ch, ch.size(), (e, ect) -> sink.accept(e)).verification();
        }
    }

    /** Entries read per {@link AuditLedger#entries(long, int)} call by {@link #read(AuditLedger, Consumer)}. */
    public static final int PAGE_SIZE = 1024;

    /**
     * Pages through a ledger ({@link AuditLedger#entries(long, int)}, {@value #PAGE_SIZE} entries a
     * page), checks its chain (L-04) and hands each intact entry to {@code sink} in sequence order;
     * stops at the first broken entry, as {@link #read(Path, Consumer)} stops at the first broken
     * line. Memory: one page, plus the (iss, wid, jti) keys seen for the L-06 check.
     *
     * @return the chain check, as {@link AuditLedger#verifyChain()} would return it
     * @throws dev.ect.core.EctUnavailableException when the ledger cannot be read
     */
    public static ChainVerification read(AuditLedger ledger, Consumer<LedgerEntry> sink) {
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(sink, "sink");
        ChainChecker checker = new ChainChecker();
        long from = 1;
        while (true) {
            List<LedgerEntry> page = ledger.entries(from, PAGE_SIZE);
            for (LedgerEntry e : page) {
                if (checker.check(e) != null) {
                    return checker.result(-1);
                }
                sink.accept(e);
            }
            if (page.size() < PAGE_SIZE) {
                return checker.result(-1);
            }
            from += page.size();
        }
    }

    /**
     * Parses one line of a ledger file (with or without its newline), strictly: exactly the text
     * {@link FileLedger} would write for that entry. The hash is not checked against a chain.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static LedgerEntry parseLine(String line) {
        String l = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
        byte[] b = l.getBytes(StandardCharsets.UTF_8);
        return LedgerFile.parse(b, b.length);
    }

    /** The line {@link FileLedger} writes for an entry, with its newline. */
    public static String line(LedgerEntry entry) {
        return new String(LedgerFile.line(entry), StandardCharsets.US_ASCII);
    }
}

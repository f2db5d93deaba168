package dev.ect.core.ledger;

import dev.ect.core.SignedEct;
import dev.ect.core.internal.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The line format of {@link FileLedger} (see its class comment): writing a line, parsing one
 * strictly, and scanning a whole file through a {@link ChainChecker}.
 */
final class LedgerFile {
    /** Longest line read (a line holds one token of at most a few tens of KiB). */
    static final int MAX_LINE = 16 << 20;

    private static final Set<String> MEMBERS = Set.of("seq", "recorded_at", "jti", "wid", "iss", "exec_act", "pred",
            "compact", "prev_hash", "hash");

    private LedgerFile() {}

    /** The line of an entry: its canonical object with prev_hash and hash added, and a newline. */
    static byte[] line(LedgerEntry e) {
        AsciiBuilder a = e.canonical(160);
        a.dropLast(); // reopen the object: '}'
        a.ascii(",\"prev_hash\":").quote(e.prevHash()).ascii(",\"hash\":").quote(e.hash()).append('}').append('\n');
        return Arrays.copyOf(a.array(), a.length());
    }

    /**
     * Parses one line (without its newline) strictly: printable ASCII, a JSON object with exactly
     * the ten members, each of its type, and byte for byte the text {@link #line} would write.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static LedgerEntry parse(byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            if (b[i] < 0x20 || b[i] > 0x7E) {
                throw new IllegalArgumentException("byte 0x" + Integer.toHexString(b[i] & 0xFF) + " at column " + (i + 1)
                        + " is not printable ASCII");
            }
        }
        Map<String, Object> m = Json.parseObject(Arrays.copyOf(b, len));
        if (m == null) {
            throw new IllegalArgumentException("the line is not a JSON object");
        }
        if (!m.keySet().equals(MEMBERS)) {
            throw new IllegalArgumentException("the line's members are " + m.keySet() + ", expected " + MEMBERS);
        }
        long seq = m.get("seq") instanceof Long l ? l : fail("seq is not an integer");
        Instant recordedAt;
        try {
            recordedAt = Instant.parse(string(m, "recorded_at", false));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("recorded_at is not an instant");
        }
        List<String> pred = new ArrayList<>();
        if (!(m.get("pred") instanceof List<?> pl)) {
            throw new IllegalArgumentException("pred is not an array");
        }
        for (Object p : pl) {
            if (!(p instanceof String ps)) {
                throw new IllegalArgumentException("pred holds a non-string");
            }
            pred.add(ps);
        }
        LedgerEntry e = new LedgerEntry(seq, string(m, "compact", false), string(m, "jti", false), string(m, "wid", true),
                string(m, "iss", true), string(m, "exec_act", true), pred, recordedAt, string(m, "prev_hash", false),
                string(m, "hash", false));
        byte[] expected = line(e); // with its newline
        if (expected.length != len + 1 || !Arrays.equals(expected, 0, len, b, 0, len)) {
            throw new IllegalArgumentException("the line is not in the canonical form");
        }
        return e;
    }

    private static long fail(String why) { throw new IllegalArgumentException(why); }

    private static String string(Map<String, Object> m, String name, boolean nullable) {
        Object v = m.get(name);
        if (v == null && nullable) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(name + " is not a string");
        }
        return s;
    }

    /**
     * A last line without its newline.
     *
     * @param offset where it starts
     * @param length its length in bytes
     * @param line its 1-based line number
     * @param entry the entry it holds when it is a complete, intact next entry (only its newline is
     *     missing), else null
     * @param token that entry's token, decoded, or null
     */
    record Tail(long offset, long length, long line, LedgerEntry entry, SignedEct token) {}

    /**
     * The outcome of a scan.
     *
     * @param verification the chain check of the file (a {@link Tail} counts as a break)
     * @param validEnd the offset just after the last intact, newline-terminated line
     * @param tail the unterminated last line, or null
     * @param brokenInside true when a newline-terminated line is broken (not just a torn tail)
     */
    record Scan(ChainVerification verification, long validEnd, Tail tail, boolean brokenInside) {}

    /**
     * Reads {@code [0, limit)} of a ledger file line by line with positional reads (the channel's
     * position is not used), checking the chain; stops at the first broken line.
     *
     * @param sink receives each intact entry with its decoded token (may be null); not called for the tail
     */
    static Scan scan(FileChannel ch, long limit, BiConsumer<LedgerEntry, SignedEct> sink) throws IOException {
        ChainChecker checker = new ChainChecker();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        byte[] line = new byte[4096];
        int len = 0;
        boolean overlong = false;
        long pos = 0;
        long lineStart = 0;
        long lineNo = 1;
        while (pos < limit) {
            buf.clear();
            if (limit - pos < buf.capacity()) {
                buf.limit((int) (limit - pos));
            }
            int n = ch.read(buf, pos);
            if (n < 0) {
                break; // the file is shorter than limit
            }
            byte[] a = buf.array();
            for (int i = 0; i < n; i++) {
                byte c = a[i];
                if (c != '\n') {
                    if (len < MAX_LINE) {
                        if (len == line.length) {
                            line = Arrays.copyOf(line, Math.min(MAX_LINE, line.length * 2));
                        }
                        line[len++] = c;
                    } else {
                        overlong = true;
                    }
                    continue;
                }
                // one complete line
                String problem;
                LedgerEntry e = null;
                if (overlong) {
                    problem = "line is longer than " + MAX_LINE + " bytes";
                } else {
                    try {
                        e = parse(line, len);
                        problem = checker.check(e);
                    } catch (IllegalArgumentException ex) {
                        problem = ex.getMessage();
                    }
                }
                if (problem != null) {
                    checker.fail(problem);
                    return new Scan(checker.result(lineNo), lineStart, null, true);
                }
                if (sink != null) {
                    sink.accept(e, checker.lastToken());
                }
                lineNo++;
                lineStart = pos + i + 1;
                len = 0;
            }
            pos += n;
        }
        if (pos == lineStart) {
            return new Scan(checker.result(-1), lineStart, null, false);
        }
        // bytes after the last newline: a torn write, or a complete entry that lost only its newline
        long intactBefore = checker.intact();
        long seqThere = checker.expectedSeq();
        String hashBefore = checker.lastHash();
        LedgerEntry e = null;
        SignedEct token = null;
        if (!overlong) {
            try {
                LedgerEntry parsed = parse(line, len);
                if (checker.check(parsed) == null) {
                    e = parsed;
                    token = checker.lastToken();
                }
            } catch (IllegalArgumentException ex) {
                // torn: not an entry
            }
        }
        Tail tail = new Tail(lineStart, pos - lineStart, lineNo, e, token);
        String why = "line " + lineNo + " has no trailing newline (" + (pos - lineStart) + " bytes): a torn write"
                + (e == null ? "" : " of a complete entry");
        return new Scan(ChainVerification.broken(intactBefore, seqThere, lineNo, why, hashBefore), lineStart, tail, false);
    }
}

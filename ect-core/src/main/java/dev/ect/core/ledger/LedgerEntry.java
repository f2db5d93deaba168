package dev.ect.core.ledger;

import dev.ect.core.Ect;
import dev.ect.core.SignedEct;
import dev.ect.core.internal.EctCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One audit ledger entry (profile L-02): a sequence number, the compact ECT with its {@code jti},
 * {@code wid}, {@code iss}, {@code exec_act} and {@code pred}, the time recorded, the previous
 * entry's hash and this entry's own hash. The hashes chain the entries (L-02, checked by L-04).
 *
 * <h2>Canonical bytes and hash</h2>
 *
 * {@link #canonicalBytes()} is the ASCII text of one JSON object with exactly these members, in
 * this order, with no whitespace anywhere:
 *
 * <pre>
 * {"seq":N,"recorded_at":"T","jti":S,"wid":S|null,"iss":S|null,"exec_act":S|null,"pred":[S,S,...],"compact":S}
 * </pre>
 *
 * <ul>
 *   <li>{@code N}: the sequence number in decimal, no sign, no leading zeros;
 *   <li>{@code T}: {@link #recordedAt()} in UTC as {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'} (always
 *       exactly three fractional digits; the instant is truncated to milliseconds when the entry is
 *       made);
 *   <li>{@code S}: a JSON string in double quotes in which {@code "} is written {@code \"},
 *       {@code \} is written {@code \\}, every UTF-16 code unit below U+0020 or above U+007E is
 *       written {@code \}{@code u} followed by four <em>lowercase</em> hex digits (so a character
 *       outside the BMP becomes its two surrogate escapes), and every other character stands for
 *       itself. No other escapes are used. The result is pure ASCII;
 *   <li>{@code pred}: the predecessors in token order, comma-separated, {@code []} when empty;
 *   <li>an absent {@code wid} (or {@code iss}, {@code exec_act}) is the literal {@code null}.
 * </ul>
 *
 * <p>{@link #hash()} = lowercase hex of SHA-256 over the 64 ASCII characters of
 * {@link #prevHash()} followed by the canonical bytes. The first entry's {@code prevHash} is
 * {@link #GENESIS_HASH} (64 zeros). {@link #computeHash()} computes it, so a ledger on any store
 * (a file, a database table) can produce and check the same chain.
 *
 * @param seq the sequence number, from 1, without gaps
 * @param compact the compact ECT as it was verified
 * @param jti the ECT's jti
 * @param wid the ECT's wid, or null
 * @param iss the ECT's issuer
 * @param execAct the ECT's exec_act
 * @param pred the ECT's pred
 * @param recordedAt when the entry was recorded (truncated to milliseconds)
 * @param prevHash the previous entry's hash (64 zeros for the first entry), lowercase hex
 * @param hash SHA-256 over {@code prevHash} and this entry's canonical bytes, lowercase hex; an
 *     entry read back from storage may carry a wrong one, which {@link ChainVerification} reports
 */
public record LedgerEntry(long seq, String compact, String jti, String wid, String iss, String execAct,
        List<String> pred, Instant recordedAt, String prevHash, String hash) {
    /** The {@code prevHash} of the first entry: 64 zeros. */
    public static final String GENESIS_HASH = "0".repeat(64);

    private static final DateTimeFormatter RECORDED_AT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /**
     * Per thread: the SHA-256 digest (getInstance costs a provider lookup; reset before each use)
     * and the scratch array the hashed bytes are written into (no array per entry).
     */
    private static final ThreadLocal<Hashing> HASHING = ThreadLocal.withInitial(Hashing::new);
    /** A scratch array grown beyond this (an entry of a huge token) is not kept for the next entry. */
    private static final int MAX_KEPT_SCRATCH = 64 * 1024;

    private static final class Hashing {
        final MessageDigest sha256;
        AsciiBuilder scratch = new AsciiBuilder(2048);
        final byte[] digest = new byte[32];
        final byte[] hex = new byte[64];

        Hashing() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 unavailable", e);
            }
        }
    }

    /** Checks non-null fields and truncates {@code recordedAt} to milliseconds. */
    public LedgerEntry {
        Objects.requireNonNull(compact, "compact");
        Objects.requireNonNull(jti, "jti");
        pred = List.copyOf(pred);
        recordedAt = Objects.requireNonNull(recordedAt, "recordedAt").truncatedTo(ChronoUnit.MILLIS);
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
    }

    /**
     * Makes the entry for a token, computing its hash (L-02).
     *
     * @param seq the sequence number (the previous entry's + 1, or 1)
     * @param token the verified token; {@code jti}, {@code wid}, {@code iss}, {@code exec_act} and
     *     {@code pred} are taken from its ECT, {@code compact} is its compact form
     * @param recordedAt the time recorded (truncated to milliseconds)
     * @param prevHash the previous entry's {@link #hash()}, or {@link #GENESIS_HASH}
     */
    public static LedgerEntry create(long seq, SignedEct token, Instant recordedAt, String prevHash) {
        Objects.requireNonNull(token, "token");
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be >= 1");
        }
        Ect ect = token.ect();
        String compact = token.compact();
        Objects.requireNonNull(ect.jti(), "jti");
        Objects.requireNonNull(prevHash, "prevHash");
        Instant at = Objects.requireNonNull(recordedAt, "recordedAt").truncatedTo(ChronoUnit.MILLIS);
        // a SignedEct's compact form is base64url and dots (minted so, or parsed strictly by the
        // verifier, V-02): its canonical JSON string is the text itself in quotes, no scan needed
        String hash = computeHash(seq, compact, ect.jti(), ect.wid(), ect.iss(), ect.execAct(), ect.pred(), at, prevHash, true);
        return new LedgerEntry(seq, compact, ect.jti(), ect.wid(), ect.iss(), ect.execAct(), ect.pred(), at, prevHash, hash);
    }

    /** The canonical bytes hashed by L-02 (see the class comment for the exact form). */
    public byte[] canonicalBytes() {
        AsciiBuilder a = canonical(0);
        return Arrays.copyOf(a.array(), a.length());
    }

    /** The canonical object written into a builder with {@code spare} bytes of room after it. */
    AsciiBuilder canonical(int spare) { return canonical(seq, compact, jti, wid, iss, execAct, pred, recordedAt, spare); }

    private static AsciiBuilder canonical(long seq, String compact, String jti, String wid, String iss, String execAct,
            List<String> pred, Instant recordedAt, int spare) {
        int estimate = compact.length() + 200 + 40 * pred.size() + spare
                + (iss == null ? 0 : iss.length()) + (execAct == null ? 0 : execAct.length());
        AsciiBuilder a = new AsciiBuilder(estimate);
        canonical(a, seq, compact, jti, wid, iss, execAct, pred, recordedAt, false);
        return a;
    }

    /**
     * Writes the canonical object into {@code a}; {@code plainCompact}: the caller knows
     * {@code compact} needs no escape (see {@link AsciiBuilder#quotePlain}).
     */
    private static void canonical(AsciiBuilder a, long seq, String compact, String jti, String wid, String iss, String execAct,
            List<String> pred, Instant recordedAt, boolean plainCompact) {
        a.ascii("{\"seq\":").append(seq);
        a.ascii(",\"recorded_at\":\"");
        appendRecordedAt(a, recordedAt);
        a.append('"');
        a.ascii(",\"jti\":").quote(jti);
        a.ascii(",\"wid\":").quote(wid);
        a.ascii(",\"iss\":").quote(iss);
        a.ascii(",\"exec_act\":").quote(execAct);
        a.ascii(",\"pred\":[");
        for (int i = 0; i < pred.size(); i++) {
            if (i > 0) {
                a.append(',');
            }
            a.quote(pred.get(i));
        }
        a.ascii("],\"compact\":");
        if (plainCompact) {
            a.quotePlain(compact);
        } else {
            a.quote(compact);
        }
        a.append('}');
    }

    /** SHA-256 over {@link #prevHash()} and {@link #canonicalBytes()}, lowercase hex (L-02). */
    public String computeHash() { return computeHash(seq, compact, jti, wid, iss, execAct, pred, recordedAt, prevHash, false); }

    /**
     * The hash, over {@code prevHash} as US-ASCII bytes followed by the canonical bytes, both
     * written into the thread's scratch array and digested in one call.
     */
    private static String computeHash(long seq, String compact, String jti, String wid, String iss, String execAct,
            List<String> pred, Instant recordedAt, String prevHash, boolean plainCompact) {
        Hashing h = HASHING.get();
        AsciiBuilder a = h.scratch;
        a.reset();
        a.asciiReplacing(prevHash);
        canonical(a, seq, compact, jti, wid, iss, execAct, pred, recordedAt, plainCompact);
        MessageDigest md = h.sha256;
        md.reset();
        md.update(a.array(), 0, a.length());
        byte[] d = h.digest;
        try {
            md.digest(d, 0, d.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 digest failed", e);
        }
        if (a.array().length > MAX_KEPT_SCRATCH) {
            h.scratch = new AsciiBuilder(2048);
        }
        byte[] out = h.hex;
        for (int i = 0; i < d.length; i++) {
            out[2 * i] = HEX[(d[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[d[i] & 0xF];
        }
        return new String(out, 0, out.length, StandardCharsets.ISO_8859_1);
    }

    /** True when {@link #hash()} is the hash computed from this entry's fields. */
    public boolean hashMatches() { return hash.equals(computeHash()); }

    /**
     * The ECT recorded here, decoded from {@link #compact()} (its claims and header values; the
     * signature is not verified again).
     *
     * @throws IllegalArgumentException when the compact token cannot be decoded
     */
    public Ect ect() { return EctCodec.decodeStored(compact, null); }

    /**
     * The token recorded here, {@link #compact()} with the ECT it carries (decoded by the library's
     * codec, as {@link #ect()}; the signature is not verified again): what a ledger keeps, decoded
     * once per entry, to answer {@link dev.ect.core.dag.EctStore} lookups.
     *
     * @throws IllegalArgumentException when the compact token cannot be decoded
     */
    public SignedEct signed() { return EctCodec.storedToken(compact, null); }

    LedgerEntry withHash(String h) {
        return new LedgerEntry(seq, compact, jti, wid, iss, execAct, pred, recordedAt, prevHash, h);
    }

    /** {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'} in UTC, as {@link #RECORDED_AT} formats it, without its cost. */
    static void appendRecordedAt(AsciiBuilder a, Instant t) {
        java.time.LocalDateTime d = java.time.LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
        int year = d.getYear();
        if (year < 0 || year > 9999) { // the formatter's sign and width rules
            a.ascii(RECORDED_AT.format(t));
            return;
        }
        a.pad(year, 4).append('-').pad(d.getMonthValue(), 2).append('-').pad(d.getDayOfMonth(), 2).append('T')
                .pad(d.getHour(), 2).append(':').pad(d.getMinute(), 2).append(':').pad(d.getSecond(), 2).append('.')
                .pad(t.getNano() / 1_000_000, 3).append('Z');
    }

    /** {@link #recordedAt()}'s text in the canonical form. */
    static String recordedAtText(Instant t) {
        AsciiBuilder a = new AsciiBuilder(32);
        appendRecordedAt(a, t);
        return new String(a.array(), 0, a.length(), StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return "LedgerEntry{seq=" + seq + ", jti=" + jti + ", wid=" + wid + ", iss=" + iss + ", exec_act=" + execAct
                + ", pred=" + pred + ", hash=" + hash + "}";
    }
}

package dev.ect.core.ledger;

import java.util.Arrays;

/**
 * A growable array of ASCII bytes for the ledger's canonical forms (L-02): written once and
 * hashed or stored as bytes, without an intermediate String.
 */
final class AsciiBuilder {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] b;
    private int n;

    AsciiBuilder(int capacity) { b = new byte[Math.max(16, capacity)]; }

    private void ensure(int more) {
        if (b.length - n < more) {
            b = Arrays.copyOf(b, Math.max(b.length * 2, n + more));
        }
    }

    byte[] array() { return b; }

    int length() { return n; }

    /** Drops the last byte (callers reopen a JSON object they closed). */
    void dropLast() { n--; }

    AsciiBuilder append(char c) {
        ensure(1);
        b[n++] = (byte) c;
        return this;
    }

    /** Appends text the caller knows to be printable ASCII. */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) copies the low bytes: exact for ASCII
    AsciiBuilder ascii(String s) {
        ensure(s.length());
        s.getBytes(0, s.length(), b, n);
        n += s.length();
        return this;
    }

    AsciiBuilder append(long v) { return ascii(Long.toString(v)); }

    /** {@code v} in decimal with leading zeros to {@code width} digits (v &gt;= 0, fewer digits than 10^width). */
    AsciiBuilder pad(int v, int width) {
        ensure(width);
        for (int i = width - 1; i >= 0; i--) {
            b[n + i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        n += width;
        return this;
    }

    /** Appends {@code s} as a canonical JSON string (or {@code null}), see {@link LedgerEntry}. */
    AsciiBuilder quote(String s) {
        if (s == null) {
            return ascii("null");
        }
        append('"');
        int plain = 0;
        while (plain < s.length()) { // the common case, a token or an id: nothing to escape
            char c = s.charAt(plain);
            if (c == '"' || c == '\\' || c < 0x20 || c > 0x7E) {
                break;
            }
            plain++;
        }
        if (plain == s.length()) {
            return ascii(s).append('"');
        }
        ascii(s.substring(0, plain));
        ensure((s.length() - plain) * 6);
        for (int i = plain; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b[n++] = '\\';
                b[n++] = (byte) c;
            } else if (c < 0x20 || c > 0x7E) {
                b[n++] = '\\';
                b[n++] = 'u';
                b[n++] = HEX[(c >> 12) & 0xF];
                b[n++] = HEX[(c >> 8) & 0xF];
                b[n++] = HEX[(c >> 4) & 0xF];
                b[n++] = HEX[c & 0xF];
            } else {
                b[n++] = (byte) c;
            }
        }
        return append('"');
    }
}

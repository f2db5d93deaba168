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

    /** Empties the builder, keeping its array (a per-thread scratch builder is reused). */
    void reset() { n = 0; }

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

    /** {@code v} in decimal (a minus sign when negative), written in place: no String. */
    AsciiBuilder append(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return ascii(Long.toString(v));
            }
            append('-');
            v = -v;
        }
        int digits = 1;
        for (long x = v; x >= 10; x /= 10) {
            digits++;
        }
        ensure(digits);
        for (int i = n + digits - 1; i >= n; i--) {
            b[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        n += digits;
        return this;
    }

    /**
     * {@code s} as US-ASCII bytes the way {@code s.getBytes(US_ASCII)} gives them (a character
     * outside ASCII becomes {@code ?}), without the intermediate array in the usual all-ASCII case.
     */
    AsciiBuilder asciiReplacing(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                byte[] x = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                ensure(x.length);
                System.arraycopy(x, 0, b, n, x.length);
                n += x.length;
                return this;
            }
        }
        return ascii(s);
    }

    /**
     * Appends a JSON string of text known to need no escape in the canonical form (printable
     * ASCII without {@code "} and <code>&#92;</code>: a compact JWS, base64url and dots), quoted:
     * what {@link #quote} writes for it, without scanning it.
     */
    AsciiBuilder quotePlain(String s) {
        ensure(s.length() + 2);
        append('"');
        ascii(s);
        return append('"');
    }

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

package dev.ect.core.internal;

import java.util.Arrays;

/**
 * Strict, single-pass base64url decoding (RFC 4648 section 5, no padding) of a range of a
 * string, as JWS compact serialization uses it. Not public API.
 */
public final class Base64Url {
    /** Character to 6-bit value, -1 for anything outside {@code [A-Za-z0-9_-]}. */
    private static final byte[] VALUE = new byte[128];

    static {
        Arrays.fill(VALUE, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUE[alphabet.charAt(i)] = (byte) i;
        }
    }

    /** {@link #VALUE} for every byte value (-1 from 128 on): no range test per byte. */
    private static final byte[] VALUE_8 = Arrays.copyOf(VALUE, 256);

    static {
        Arrays.fill(VALUE_8, 128, 256, (byte) -1);
    }

    private static final byte[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Base64Url() {}

    /** The length of the unpadded base64url encoding of {@code n} bytes. */
    public static int encodedLength(int n) { return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1); }

    /**
     * Encodes {@code src} as unpadded base64url into {@code dst} from {@code at}.
     *
     * @return the index after the last character written
     */
    public static int encode(byte[] src, byte[] dst, int at) { return encode(src, src.length, dst, at); }

    /** Encodes {@code src[0, n)} as unpadded base64url into {@code dst} from {@code at}; returns the index after the last character. */
    public static int encode(byte[] src, int n, byte[] dst, int at) {
        if (n >= JDK_ENCODE_FROM) { // the JDK's encoder is vectorized where the JVM has an intrinsic for it
            java.nio.ByteBuffer out = JDK_ENCODER.encode(java.nio.ByteBuffer.wrap(src, 0, n));
            int len = out.remaining();
            System.arraycopy(out.array(), out.arrayOffset() + out.position(), dst, at, len);
            return at + len;
        }
        return encodeLoop(src, n, dst, at);
    }

    /** The plain encoding loop (small inputs; and the reference the JDK's encoder is tested against). */
    static int encodeLoop(byte[] src, int n, byte[] dst, int at) {
        int full = n - n % 3;
        int o = at;
        for (int i = 0; i < full; i += 3) {
            int bits = (src[i] & 0xFF) << 16 | (src[i + 1] & 0xFF) << 8 | (src[i + 2] & 0xFF);
            dst[o] = ALPHABET[bits >>> 18];
            dst[o + 1] = ALPHABET[bits >>> 12 & 0x3F];
            dst[o + 2] = ALPHABET[bits >>> 6 & 0x3F];
            dst[o + 3] = ALPHABET[bits & 0x3F];
            o += 4;
        }
        if (n % 3 == 1) {
            int b = src[full] & 0xFF;
            dst[o++] = ALPHABET[b >>> 2];
            dst[o++] = ALPHABET[(b & 0x03) << 4];
        } else if (n % 3 == 2) {
            int bits = (src[full] & 0xFF) << 8 | (src[full + 1] & 0xFF);
            dst[o++] = ALPHABET[bits >>> 10];
            dst[o++] = ALPHABET[bits >>> 4 & 0x3F];
            dst[o++] = ALPHABET[(bits & 0x0F) << 2];
        }
        return o;
    }

    /**
     * Decodes {@code s[from, to)}: only {@code [A-Za-z0-9_-]}, no padding, no impossible length
     * (4n+1), and zero unused trailing bits, so each byte string has exactly one encoding.
     *
     * @return the bytes, or null when the text is not canonical unpadded base64url
     */
    public static byte[] decode(String s, int from, int to) {
        int len = to - from;
        int rem = len & 3;
        if (rem == 1) {
            return null;
        }
        byte[] out = new byte[(len / 4) * 3 + (rem == 0 ? 0 : rem - 1)];
        int o = 0;
        int i = from;
        int full = to - rem;
        while (i < full) {
            int a = v(s.charAt(i));
            int b = v(s.charAt(i + 1));
            int c = v(s.charAt(i + 2));
            int d = v(s.charAt(i + 3));
            if ((a | b | c | d) < 0) {
                return null;
            }
            int bits = (a << 18) | (b << 12) | (c << 6) | d;
            out[o] = (byte) (bits >> 16);
            out[o + 1] = (byte) (bits >> 8);
            out[o + 2] = (byte) bits;
            o += 3;
            i += 4;
        }
        if (rem == 2) {
            int a = v(s.charAt(i));
            int b = v(s.charAt(i + 1));
            if ((a | b) < 0 || (b & 0x0F) != 0) {
                return null;
            }
            out[o] = (byte) ((a << 2) | (b >> 4));
        } else if (rem == 3) {
            int a = v(s.charAt(i));
            int b = v(s.charAt(i + 1));
            int c = v(s.charAt(i + 2));
            if ((a | b | c) < 0 || (c & 0x03) != 0) {
                return null;
            }
            out[o] = (byte) ((a << 2) | (b >> 4));
            out[o + 1] = (byte) ((b << 4) | (c >> 2));
        }
        return out;
    }

    private static int v(char c) { return c < 128 ? VALUE[c] : -1; }

    /** The 6-bit value of a base64url character, or -1 for any other char. */
    public static int value(char c) { return v(c); }

    /** The JDK's decoder (vectorized where the JVM has an intrinsic for it); strictness is added around it. */
    private static final java.util.Base64.Decoder JDK_DECODER = java.util.Base64.getUrlDecoder();
    private static final java.util.Base64.Encoder JDK_ENCODER = java.util.Base64.getUrlEncoder().withoutPadding();
    /** Below this many bytes the plain loop is as fast as the JDK's encoder and allocates nothing. */
    private static final int JDK_ENCODE_FROM = 48;

    /**
     * As {@link #decode(String, int, int)}, over ASCII bytes (a token's characters copied one per
     * byte): the same strictness; a byte outside {@code [A-Za-z0-9_-]}, any non-ASCII byte
     * included, is refused. Decoded by the JDK's base64url decoder, which refuses every byte
     * outside the alphabet but accepts {@code =} padding and ignores the unused bits of the last
     * character: the last character is checked here (a base64url character whose unused bits are
     * zero), so no accepted text ends in, or (the JDK refuses any character after padding)
     * contains, {@code =}.
     *
     * @return the bytes, or null when the text is not canonical unpadded base64url
     */
    public static byte[] decode(byte[] s, int from, int to) {
        int len = to - from;
        int n = decodedLength(len);
        if (n < 0) {
            return null;
        }
        if (len == 0) {
            return new byte[0];
        }
        int last = VALUE_8[s[to - 1] & 0xFF];
        int rem = len & 3;
        if (last < 0 || rem == 2 && (last & 0x0F) != 0 || rem == 3 && (last & 0x03) != 0) {
            return null;
        }
        java.nio.ByteBuffer out;
        try {
            out = JDK_DECODER.decode(java.nio.ByteBuffer.wrap(s, from, len));
        } catch (IllegalArgumentException e) {
            return null; // a character outside the alphabet
        }
        if (out.remaining() != n) {
            return null; // cannot happen without padding; refused all the same
        }
        byte[] a = out.array();
        int off = out.arrayOffset() + out.position();
        return a.length == n && off == 0 ? a : Arrays.copyOfRange(a, off, off + n);
    }

    /** The number of bytes {@code len} canonical base64url characters decode to, or -1 for an impossible length (4n+1). */
    public static int decodedLength(int len) {
        int rem = len & 3;
        return rem == 1 ? -1 : (len / 4) * 3 + (rem == 0 ? 0 : rem - 1);
    }
}

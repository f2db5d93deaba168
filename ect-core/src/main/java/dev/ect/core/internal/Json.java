package dev.ect.core.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Strict base64url and JSON helpers shared by minting and verification. Not public API. */
public final class Json {
    /** Deepest JSON nesting parsed at all; deeper input is malformed (bounds parser cost). */
    public static final int MAX_PARSE_DEPTH = 32;



    private Json() {}

    public static String b64(byte[] b) {
        byte[] out = new byte[Base64Url.encodedLength(b.length)];
        Base64Url.encode(b, out, 0);
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    public static String b64(String s) { return b64(s.getBytes(StandardCharsets.UTF_8)); }

    /**
     * Decodes unpadded base64url strictly: only {@code [A-Za-z0-9_-]}, no padding, no impossible
     * length, and zero unused trailing bits (so each byte string has exactly one encoding).
     *
     * @return the bytes, or null when the text is not canonical base64url
     */
    public static byte[] b64decode(String s, int from, int to) {
        return Base64Url.decode(s, from, to); // one pass: check and decode together
    }

    /**
     * Parses a JSON object, rejecting anything outside the RFC 8259 grammar (trailing or missing
     * commas, missing colons, leading zeros, raw control characters in strings, invalid escapes),
     * duplicate member names, nesting beyond {@link #MAX_PARSE_DEPTH}, a byte-order mark and
     * invalid UTF-8.
     *
     * <p>One pass over the bytes. The values are those jose4j's parser gave (it was used before):
     * objects are mutable insertion-ordered maps that refuse a second put of a member name, arrays
     * are {@link ArrayList}s, integers are {@code Long} ({@code BigInteger} beyond its
     * range), numbers with a fraction or exponent are {@code Double} (possibly infinite), strings
     * have their escapes decoded (<code>&#92;uXXXX</code> to that UTF-16 unit, lone surrogates included).
     *
     * @return the object, or null when the bytes are not such a JSON object
     */
    public static Map<String, Object> parseObject(byte[] utf8) {
        Parser p = new Parser(utf8);
        p.ws();
        if (p.i >= p.n || utf8[p.i] != '{') {
            return null;
        }
        Object o = p.object(1);
        if (o == FAIL) {
            return null;
        }
        p.ws();
        @SuppressWarnings("unchecked")
        Map<String, Object> m = p.i == p.n ? (Map<String, Object>) o : null;
        return m;
    }

    /**
     * The claims object read straight into typed values (see {@link ClaimValues} for the form it
     * takes); null when the bytes are not in that form, valid JSON or not: the caller then parses
     * them with {@link #parseObject} and applies the claim rules to the map.
     */
    static ClaimValues claimValues(byte[] utf8) { return claimValues(utf8, utf8.length); }

    /** {@link #claimValues(byte[])} of {@code utf8[0, length)}; nothing returned refers to the array. */
    static ClaimValues claimValues(byte[] utf8, int length) {
        Parser p = new Parser(utf8, length);
        ClaimValues c = p.claims();
        return c != null && p.i == p.n ? c : null;
    }

    /**
     * The JOSE header and claim names, so parsing them allocates no String (each is compared byte
     * by byte before use; a name that loses a slot collision is simply not cached).
     */
    private static final String[] NAMES = new String[64];

    static {
        for (String k : new String[] {"alg", "typ", "kid", "iss", "aud", "iat", "exp", "nbf", "jti", "wid", "exec_act", "pred",
            "inp_hash", "out_hash", "ect_ext", "crit", "cty", "sub", "par", "ext", "pol"}) {
            int slot = slot(k.length(), (byte) k.charAt(0), (byte) k.charAt(k.length() - 1));
            if (NAMES[slot] == null) {
                NAMES[slot] = k;
            }
        }
    }

    /** No two of the names above share a slot. */
    private static int slot(int len, byte first, byte last) { return (len + first * 3 + last * 9) & 63; }

    /** Eight bytes of an array as one little-endian long (an unaligned load). */
    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * True when none of the eight bytes in {@code w} ends or escapes a string or leaves printable
     * ASCII: no {@code "} (0x22), no <code>&#92;</code> (0x5C), none below 0x20, none from 0x80
     * (the byte-wise zero and less-than tests, exact for "any byte").
     */
    static boolean plain8(long w) {
        long control = (w - 0x20 * ONES) & ~w; // a byte below 0x20 (bytes from 0x80 on are caught by w itself)
        long q = w ^ 0x22 * ONES;
        long quote = (q - ONES) & ~q;
        long e = w ^ 0x5C * ONES;
        long escape = (e - ONES) & ~e;
        return ((control | quote | escape | w) & HIGHS) == 0;
    }

    /** A plain ASCII string value and its bytes, as last read for one claim. */
    private record Recent(byte[] bytes, String value) {}

    private static final java.util.concurrent.atomic.AtomicReference<Recent> RECENT_ISS = new java.util.concurrent.atomic.AtomicReference<>();
    private static final java.util.concurrent.atomic.AtomicReference<Recent> RECENT_AUD = new java.util.concurrent.atomic.AtomicReference<>();
    /** Longer values are not remembered. */
    private static final int MAX_RECENT = 256;

    /** Parser result meaning "not strict JSON" (null is the JSON value null). */
    private static final Object FAIL = new Object();

    /**
     * A recursive-descent RFC 8259 parser over UTF-8 bytes; recursion is bounded by
     * {@link #MAX_PARSE_DEPTH}. Methods return {@link #FAIL} for invalid input.
     */
    private static final class Parser {
        private final byte[] b;
        private final int n;
        private int i;
        /** Decoding buffer of the strings that need more than an ASCII copy; grows on demand. */
        private char[] chars;

        Parser(byte[] b) { this(b, b.length); }

        Parser(byte[] b, int n) {
            this.b = b;
            this.n = n;
        }

        void ws() {
            while (i < n) {
                byte c = b[i];
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return;
                }
                i++;
            }
        }

        /** See {@link Json#claimValues}: the top-level claims object, or null. */
        ClaimValues claims() {
            ws();
            if (i >= n || b[i] != '{') {
                return null;
            }
            i++;
            ws();
            ClaimValues c = new ClaimValues();
            int seen = 0;
            while (true) {
                if (i >= n || b[i] != '"') {
                    return null; // also the empty object: required claims are missing
                }
                Object key = string();
                if (key == FAIL) {
                    return null;
                }
                ws();
                if (i >= n || b[i] != ':') {
                    return null;
                }
                i++;
                ws();
                int bit;
                switch ((String) key) {
                    case "iss" -> {
                        bit = 1;
                        c.iss = recentOrNew(RECENT_ISS);
                        if (c.iss == null) {
                            return null;
                        }
                    }
                    case "aud" -> {
                        bit = 2;
                        if (i < n && b[i] == '[') {
                            c.aud = strings(true);
                            if (c.aud == null || c.aud.isEmpty()) {
                                return null;
                            }
                        } else {
                            String a = recentOrNew(RECENT_AUD);
                            if (a == null) {
                                return null;
                            }
                            c.aud = List.of(a);
                        }
                    }
                    case "iat" -> {
                        bit = 4;
                        c.iat = date();
                        if (c.iat < 0) {
                            return null;
                        }
                    }
                    case "exp" -> {
                        bit = 8;
                        c.exp = date();
                        if (c.exp < 0) {
                            return null;
                        }
                    }
                    case "nbf" -> {
                        bit = 16;
                        long v = date();
                        if (v < 0) {
                            return null;
                        }
                        c.nbf = v;
                    }
                    case "jti" -> {
                        bit = 32;
                        c.jti = nonEmptyString();
                        if (c.jti == null) {
                            return null;
                        }
                    }
                    case "wid" -> {
                        bit = 64;
                        c.wid = anyString();
                        if (c.wid == null) {
                            return null;
                        }
                    }
                    case "exec_act" -> {
                        bit = 128;
                        c.execAct = nonEmptyString();
                        if (c.execAct == null) {
                            return null;
                        }
                    }
                    case "pred" -> {
                        bit = 256;
                        if (i >= n || b[i] != '[') {
                            return null;
                        }
                        c.pred = strings(false);
                        if (c.pred == null) {
                            return null;
                        }
                    }
                    case "inp_hash" -> {
                        bit = 512;
                        c.inpHash = anyString();
                        if (c.inpHash == null) {
                            return null;
                        }
                    }
                    case "out_hash" -> {
                        bit = 1024;
                        c.outHash = anyString();
                        if (c.outHash == null) {
                            return null;
                        }
                    }
                    case "ect_ext" -> {
                        bit = 2048;
                        if (i >= n || b[i] != '{') {
                            return null;
                        }
                        Object o = object(2); // a member of the claims object (depth 1), as parseObject nests it
                        if (o == FAIL) {
                            return null;
                        }
                        @SuppressWarnings("unchecked")
                        Map<String, Object> m = (Map<String, Object>) o;
                        c.ext = m;
                    }
                    default -> {
                        return null; // another member (sub, a -00 name, an extension): the generic path
                    }
                }
                if ((seen & bit) != 0) {
                    return null; // a duplicate member: the generic parser refuses it
                }
                seen |= bit;
                ws();
                if (i >= n) {
                    return null;
                }
                byte x = b[i++];
                if (x == '}') {
                    ws();
                    int required = 1 | 2 | 4 | 8 | 32 | 128 | 256;
                    return (seen & required) == required ? c : null;
                }
                if (x != ',') {
                    return null;
                }
                ws();
            }
        }

        /**
         * A non-empty string value at {@code i} ({@link #nonEmptyString}), the String of the last
         * such value of this member when its bytes are the same: one issuer's tokens repeat their
         * {@code iss} and {@code aud}, so they share one String (no copy, its hash computed once).
         * Only plain ASCII values (no escape) are remembered, so equal bytes mean an equal value.
         */
        private String recentOrNew(java.util.concurrent.atomic.AtomicReference<Recent> slot) {
            Recent r = slot.get();
            if (r != null && i < n && b[i] == '"') {
                int start = i + 1;
                int end = start + r.bytes.length;
                if (end < n && b[end] == '"' && Arrays.equals(b, start, end, r.bytes, 0, r.bytes.length)) {
                    i = end + 1;
                    return r.value;
                }
            }
            int start = i + 1;
            String v = nonEmptyString();
            if (v != null && v.length() == i - 1 - start && v.length() <= MAX_RECENT) { // as many chars as bytes: no escape, ASCII
                slot.set(new Recent(Arrays.copyOfRange(b, start, i - 1), v));
            }
            return v;
        }

        /** A JSON string value at {@code i}, or null (not a string, or invalid). */
        private String anyString() {
            if (i >= n || b[i] != '"') {
                return null;
            }
            Object s = string();
            return s == FAIL ? null : (String) s;
        }

        private String nonEmptyString() {
            String s = anyString();
            return s == null || s.isEmpty() ? null : s;
        }

        /** An array of strings (non-empty ones when asked), or null. */
        private List<String> strings(boolean nonEmpty) {
            i++; // '['
            ws();
            List<String> l = new ArrayList<>(4);
            if (i < n && b[i] == ']') {
                i++;
                return l;
            }
            while (true) {
                String s = nonEmpty ? nonEmptyString() : anyString();
                if (s == null) {
                    return null;
                }
                l.add(s);
                ws();
                if (i >= n) {
                    return null;
                }
                byte x = b[i++];
                if (x == ']') {
                    return l;
                }
                if (x != ',') {
                    return null;
                }
                ws();
            }
        }

        /** An integer NumericDate in [0, 9999-12-31] at {@code i}, or -1. */
        private long date() {
            if (i >= n || b[i] < '0' || b[i] > '9') {
                return -1; // also a negative number: the generic path reports it
            }
            Object v = number();
            return v instanceof Long l && l <= ClaimValues.MAX_NUMERIC_DATE ? l : -1;
        }

        /** A value starting at {@code i} (whitespace skipped) inside a container at {@code depth}. */
        private Object value(int depth) {
            if (i >= n) {
                return FAIL;
            }
            switch (b[i]) {
                case '"':
                    return string();
                case '{':
                    return depth < MAX_PARSE_DEPTH ? object(depth + 1) : FAIL;
                case '[':
                    return depth < MAX_PARSE_DEPTH ? array(depth + 1) : FAIL;
                case 't':
                    return literal("true") ? Boolean.TRUE : FAIL;
                case 'f':
                    return literal("false") ? Boolean.FALSE : FAIL;
                case 'n':
                    return literal("null") ? null : FAIL;
                default:
                    return number();
            }
        }

        /** The object at {@code b[i] == '{'}, itself at nesting level {@code depth}. */
        Object object(int depth) {
            i++;
            ws();
            NoDuplicatesMap m = new NoDuplicatesMap();
            if (i < n && b[i] == '}') {
                i++;
                return m;
            }
            while (true) {
                if (i >= n || b[i] != '"') {
                    return FAIL;
                }
                Object key = string();
                if (key == FAIL) {
                    return FAIL;
                }
                ws();
                if (i >= n || b[i] != ':') {
                    return FAIL;
                }
                i++;
                ws();
                Object v = value(depth);
                if (v == FAIL || !m.putNew((String) key, v)) {
                    return FAIL;
                }
                ws();
                if (i >= n) {
                    return FAIL;
                }
                byte c = b[i++];
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    return FAIL;
                }
                ws();
            }
        }

        private Object array(int depth) {
            i++;
            ws();
            List<Object> l = new ArrayList<>();
            if (i < n && b[i] == ']') {
                i++;
                return l;
            }
            while (true) {
                Object v = value(depth);
                if (v == FAIL) {
                    return FAIL;
                }
                l.add(v);
                ws();
                if (i >= n) {
                    return FAIL;
                }
                byte c = b[i++];
                if (c == ']') {
                    return l;
                }
                if (c != ',') {
                    return FAIL;
                }
                ws();
            }
        }

        private boolean literal(String word) {
            int len = word.length();
            if (n - i < len) {
                return false;
            }
            for (int k = 0; k < len; k++) {
                if (b[i + k] != word.charAt(k)) {
                    return false;
                }
            }
            i += len;
            return true;
        }

        /** The string at {@code b[i] == '"'}: printable ASCII is copied, the rest decoded. */
        private Object string() {
            int start = ++i;
            // eight bytes at a time while none is '"', '\\', a control character or non-ASCII
            while (i + 8 <= n && plain8((long) LONG_LE.get(b, i))) {
                i += 8;
            }
            while (i < n) {
                byte c = b[i];
                if (c == '"') {
                    String s = known(start, i - start);
                    if (s == null) {
                        s = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
                    }
                    i++;
                    return s;
                }
                if (c < 0x20 || c == '\\') { // c < 0 too: a non-ASCII byte
                    return decode(start);
                }
                i++;
            }
            return FAIL;
        }

        /** The {@link #NAMES} entry spelled by the ASCII {@code b[start, start + len)}, or null. */
        private String known(int start, int len) {
            if (len == 0 || len > 8) {
                return null;
            }
            String k = NAMES[slot(len, b[start], b[start + len - 1])];
            if (k == null || k.length() != len) {
                return null;
            }
            for (int j = 0; j < len; j++) {
                if (b[start + j] != k.charAt(j)) {
                    return null;
                }
            }
            return k;
        }

        /** The rest of a string from {@code b[i]}, its printable ASCII prefix being {@code b[start, i)}. */
        private Object decode(int start) {
            int prefix = i - start;
            char[] out = chars;
            if (out == null || out.length < prefix + 16) {
                out = new char[Math.max(prefix + 16, 64)];
            }
            for (int k = 0; k < prefix; k++) {
                out[k] = (char) b[start + k];
            }
            int len = prefix;
            while (true) {
                if (i >= n) {
                    return FAIL;
                }
                if (out.length - len < 2) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                int c = b[i];
                if (c == '"') {
                    i++;
                    chars = out;
                    return new String(out, 0, len);
                }
                if (c >= 0x20 && c != '\\') {
                    out[len++] = (char) c;
                    i++;
                } else if (c == '\\') {
                    if (i + 1 >= n) {
                        return FAIL;
                    }
                    byte e = b[i + 1];
                    i += 2;
                    switch (e) {
                        case '"', '\\', '/' -> out[len++] = (char) e;
                        case 'b' -> out[len++] = '\b';
                        case 'f' -> out[len++] = '\f';
                        case 'n' -> out[len++] = '\n';
                        case 'r' -> out[len++] = '\r';
                        case 't' -> out[len++] = '\t';
                        case 'u' -> {
                            if (n - i < 4) {
                                return FAIL;
                            }
                            int u = (hex(b[i]) << 12) | (hex(b[i + 1]) << 8) | (hex(b[i + 2]) << 4) | hex(b[i + 3]);
                            if (u < 0) {
                                return FAIL;
                            }
                            out[len++] = (char) u; // as jose4j: lone surrogates too
                            i += 4;
                        }
                        default -> {
                            return FAIL;
                        }
                    }
                } else if (c >= 0) { // a raw control character
                    return FAIL;
                } else {
                    int cp = utf8(c & 0xFF);
                    if (cp < 0) {
                        return FAIL;
                    }
                    if (cp < 0x10000) {
                        out[len++] = (char) cp;
                    } else {
                        out[len++] = Character.highSurrogate(cp);
                        out[len++] = Character.lowSurrogate(cp);
                    }
                }
            }
        }

        /**
         * The code point of the multi-byte UTF-8 sequence at {@code b[i]} (lead byte {@code c}),
         * advancing past it; -1 when it is malformed (overlong, a surrogate, above U+10FFFF,
         * truncated, a stray continuation byte): what a reporting CharsetDecoder rejects.
         */
        private int utf8(int c) {
            if (c >= 0xC2 && c <= 0xDF) {
                if (n - i < 2 || !cont(b[i + 1])) {
                    return -1;
                }
                int cp = ((c & 0x1F) << 6) | (b[i + 1] & 0x3F);
                i += 2;
                return cp;
            }
            if (c >= 0xE0 && c <= 0xEF) {
                if (n - i < 3) {
                    return -1;
                }
                int c1 = b[i + 1] & 0xFF;
                int lo = c == 0xE0 ? 0xA0 : 0x80; // E0 80..9F: overlong
                int hi = c == 0xED ? 0x9F : 0xBF; // ED A0..BF: a surrogate
                if (c1 < lo || c1 > hi || !cont(b[i + 2])) {
                    return -1;
                }
                int cp = ((c & 0x0F) << 12) | ((c1 & 0x3F) << 6) | (b[i + 2] & 0x3F);
                i += 3;
                return cp;
            }
            if (c >= 0xF0 && c <= 0xF4) {
                if (n - i < 4) {
                    return -1;
                }
                int c1 = b[i + 1] & 0xFF;
                int lo = c == 0xF0 ? 0x90 : 0x80; // F0 80..8F: overlong
                int hi = c == 0xF4 ? 0x8F : 0xBF; // F4 90..BF: above U+10FFFF
                if (c1 < lo || c1 > hi || !cont(b[i + 2]) || !cont(b[i + 3])) {
                    return -1;
                }
                int cp = ((c & 0x07) << 18) | ((c1 & 0x3F) << 12) | ((b[i + 2] & 0x3F) << 6) | (b[i + 3] & 0x3F);
                i += 4;
                return cp;
            }
            return -1; // 80..BF continuation, C0/C1 overlong, F5..FF
        }

        private static boolean cont(byte x) { return (x & 0xC0) == 0x80; }

        /** The value of an ASCII hex digit, or -1 (shifted left by up to 12 and ORed, still negative). */
        private static int hex(byte x) {
            if (x >= '0' && x <= '9') {
                return x - '0';
            }
            if (x >= 'a' && x <= 'f') {
                return x - 'a' + 10;
            }
            if (x >= 'A' && x <= 'F') {
                return x - 'A' + 10;
            }
            return -1;
        }

        /**
         * A number: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. As jose4j: an
         * integer is a Long, or a BigInteger beyond Long's range; otherwise a Double.
         */
        private Object number() {
            int start = i;
            if (b[i] == '-') {
                i++;
            }
            if (i >= n) {
                return FAIL;
            }
            int intStart = i;
            if (b[i] == '0') {
                i++;
            } else if (b[i] >= '1' && b[i] <= '9') {
                digits();
            } else {
                return FAIL;
            }
            int intEnd = i;
            boolean integer = true;
            if (i < n && b[i] == '.') {
                i++;
                if (digits() == 0) {
                    return FAIL;
                }
                integer = false;
            }
            if (i < n && (b[i] == 'e' || b[i] == 'E')) {
                i++;
                if (i < n && (b[i] == '+' || b[i] == '-')) {
                    i++;
                }
                if (digits() == 0) {
                    return FAIL;
                }
                integer = false;
            }
            if (integer && intEnd - intStart <= 18) { // cannot overflow a long
                long v = 0;
                for (int k = intStart; k < intEnd; k++) {
                    v = v * 10 + (b[k] - '0');
                }
                return b[start] == '-' ? -v : v;
            }
            String text = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
            if (!integer) {
                return Double.valueOf(text);
            }
            try {
                return Long.valueOf(text);
            } catch (NumberFormatException e) {
                return new BigInteger(text);
            }
        }

        private int digits() {
            int start = i;
            while (i < n && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
            return i - start;
        }
    }

    /** A JSON object's members; a second member of the same name makes the JSON invalid (as in jose4j). */
    private static final class NoDuplicatesMap extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;

        @Override
        public Object put(String key, Object value) {
            if (containsKey(key)) {
                throw new IllegalArgumentException("duplicate member name");
            }
            return super.put(key, value);
        }

        /** Adds a member unless one of that name exists (one lookup); false when it did. */
        boolean putNew(String key, Object value) {
            int size = size();
            super.put(key, value);
            return size() != size;
        }
    }

    /** Depth of a parsed JSON value: an object or array is 1 + its deepest member. */
    public static int depthOf(Object v) {
        if (v instanceof Map<?, ?> m) {
            int d = 0;
            for (Object o : m.values()) {
                d = Math.max(d, depthOf(o));
            }
            return 1 + d;
        }
        if (v instanceof List<?> l) {
            int d = 0;
            for (Object o : l) {
                d = Math.max(d, depthOf(o));
            }
            return 1 + d;
        }
        return 0;
    }

    /**
     * Serializes a JSON-like map (maps, lists, strings, numbers, booleans, null) as jose4j's
     * {@code JsonUtil.toJson} did (used before): no whitespace; {@code "} and <code>&#92;</code>
     * escaped, the short escapes for control characters, <code>&#92;uXXXX</code> (upper-case hex)
     * for the other C0 and C1 controls, DEL, U+2000..U+20FF and lone surrogates (jose4j kept a lone
     * surrogate, which UTF-8 cannot carry: the bytes held {@code ?}); {@code /} and all else as is.
     * A non-finite Double or Float is {@code null}.
     *
     * @throws IllegalArgumentException for a value that is none of those types
     */
    public static String write(Map<String, ?> m) {
        Writer w = new Writer(1024);
        w.value(m);
        return new String(w.buf, 0, w.len, StandardCharsets.UTF_8);
    }

    /** The UTF-8 bytes of {@link #write}{@code (m)}. */
    public static byte[] writeUtf8(Map<String, ?> m) {
        Writer w = new Writer(1024);
        w.value(m);
        return w.toByteArray();
    }

    /** The number of UTF-8 bytes of {@link #write}{@code (m)}, without building the text. */
    public static int writeUtf8Length(Map<String, ?> m) {
        Writer w = new Writer(128);
        w.value(m);
        return w.len;
    }

    /** JSON text as UTF-8 into a growing byte array, escaped as jose4j's JSONValue.escape. */
    static final class Writer {
        private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

        byte[] buf;

        /** @param capacity the initial buffer (1 KiB holds an ECT's claims: no growing when minting) */
        Writer(int capacity) { buf = new byte[capacity]; }
        int len;

        private void ensure(int more) {
            if (buf.length - len < more) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }

        /** The first {@code n} chars of {@code s}, known to be ASCII, into the buffer (room ensured). */
        @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) copies the low bytes: exact for ASCII
        private void copyAscii(String s, int n) {
            s.getBytes(0, n, buf, len);
            len += n;
        }

        byte[] toByteArray() { return Arrays.copyOf(buf, len); }

        /** One ASCII character. */
        void raw(char c) {
            ensure(1);
            buf[len++] = (byte) c;
        }

        /** A long in decimal. */
        void number(long n) { ascii(Long.toString(n)); }

        void ascii(String s) {
            int l = s.length();
            ensure(l);
            for (int k = 0; k < l; k++) {
                buf[len++] = (byte) s.charAt(k);
            }
        }

        void value(Object v) {
            if (v == null) {
                ascii("null");
            } else if (v instanceof String s) {
                string(s);
            } else if (v instanceof Long || v instanceof Integer) {
                ascii(v.toString());
            } else if (v instanceof Double d) {
                ascii(d.isInfinite() || d.isNaN() ? "null" : d.toString());
            } else if (v instanceof Float f) {
                ascii(f.isInfinite() || f.isNaN() ? "null" : f.toString());
            } else if (v instanceof Number || v instanceof Boolean) {
                ascii(v.toString()); // BigInteger, BigDecimal, Short, Byte, true, false: ASCII
            } else if (v instanceof Map<?, ?> m) {
                object(m);
            } else if (v instanceof Collection<?> c) {
                array(c);
            } else {
                throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
            }
        }

        /** Nesting of the containers being written, and the deepest reached (as {@link Json#depthOf} counts). */
        int depth;
        int maxDepth;

        void object(Map<?, ?> m) {
            if (++depth > maxDepth) {
                maxDepth = depth;
            }
            ensure(1);
            buf[len++] = '{';
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    ensure(1);
                    buf[len++] = ',';
                }
                first = false;
                string(String.valueOf(e.getKey()));
                ensure(1);
                buf[len++] = ':';
                value(e.getValue());
            }
            ensure(1);
            buf[len++] = '}';
            depth--;
        }

        void array(Collection<?> c) {
            if (++depth > maxDepth) {
                maxDepth = depth;
            }
            ensure(1);
            buf[len++] = '[';
            boolean first = true;
            for (Iterator<?> it = c.iterator(); it.hasNext();) {
                if (!first) {
                    ensure(1);
                    buf[len++] = ',';
                }
                first = false;
                value(it.next());
            }
            ensure(1);
            buf[len++] = ']';
            depth--;
        }

        /** A JSON string: quoted and escaped as jose4j's JSONValue.escape, UTF-8 encoded. */
        void string(String s) {
            int l = s.length();
            int k = 0;
            while (k < l) { // the usual case, ids and names: printable ASCII without '"' or '\\'
                char c = s.charAt(k);
                if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                    break;
                }
                k++;
            }
            ensure(k + 2);
            buf[len++] = '"';
            copyAscii(s, k);
            if (k == l) {
                buf[len++] = '"';
                return;
            }
            while (k < l) {
                int end = Math.min(l, k + 1024);
                ensure((end - k) * 6 + 1); // at most 6 bytes a char (an escape)
                while (k < end) {
                    char c = s.charAt(k++);
                    if (c < 0x80) {
                        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F) {
                            buf[len++] = (byte) c;
                        } else {
                            escape(c);
                        }
                    } else if (c <= 0x9F || c >= 0x2000 && c <= 0x20FF) {
                        unicodeEscape(c);
                    } else if (c < 0x800) {
                        buf[len++] = (byte) (0xC0 | c >> 6);
                        buf[len++] = (byte) (0x80 | c & 0x3F);
                    } else if (Character.isSurrogate(c)) {
                        k = surrogate(s, k, c);
                    } else {
                        buf[len++] = (byte) (0xE0 | c >> 12);
                        buf[len++] = (byte) (0x80 | c >> 6 & 0x3F);
                        buf[len++] = (byte) (0x80 | c & 0x3F);
                    }
                }
            }
            ensure(1);
            buf[len++] = '"';
        }

        private void escape(char c) {
            byte e = switch (c) {
                case '"' -> '"';
                case '\\' -> '\\';
                case '\b' -> 'b';
                case '\f' -> 'f';
                case '\n' -> 'n';
                case '\r' -> 'r';
                case '\t' -> 't';
                default -> 0;
            };
            if (e == 0) {
                unicodeEscape(c);
            } else {
                buf[len++] = '\\';
                buf[len++] = e;
            }
        }

        private void unicodeEscape(char c) {
            buf[len++] = '\\';
            buf[len++] = 'u';
            buf[len++] = HEX[c >> 12];
            buf[len++] = HEX[c >> 8 & 0xF];
            buf[len++] = HEX[c >> 4 & 0xF];
            buf[len++] = HEX[c & 0xF];
        }

        /** The surrogate {@code c} at {@code k - 1}, paired or lone (escaped); returns the next index. */
        private int surrogate(String s, int k, char c) {
            char d;
            if (Character.isHighSurrogate(c) && k < s.length() && Character.isLowSurrogate(d = s.charAt(k))) {
                int cp = Character.toCodePoint(c, d);
                buf[len++] = (byte) (0xF0 | cp >> 18);
                buf[len++] = (byte) (0x80 | cp >> 12 & 0x3F);
                buf[len++] = (byte) (0x80 | cp >> 6 & 0x3F);
                buf[len++] = (byte) (0x80 | cp & 0x3F);
                return k + 1;
            }
            unicodeEscape(c); // UTF-8 has no lone surrogate: the escape keeps the value
            return k;
        }
    }
}

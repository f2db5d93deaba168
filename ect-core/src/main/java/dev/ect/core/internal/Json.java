package dev.ect.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.json.internal.json_simple.parser.ContainerFactory;
import org.jose4j.json.internal.json_simple.parser.JSONParser;
import org.jose4j.json.internal.json_simple.parser.ParseException;

/** Strict base64url and JSON helpers shared by minting and verification. Not public API. */
public final class Json {
    /** Deepest JSON nesting parsed at all; deeper input is malformed (bounds parser cost). */
    public static final int MAX_PARSE_DEPTH = 32;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /**
     * jose4j's own parser (the one behind {@code JsonUtil.parseJson}), kept per thread: each new
     * parser allocates a 32 KiB lexer buffer, which was the largest cost of a verification after
     * the signature. {@code parse} resets the lexer, so reuse is safe.
     */
    private static final ThreadLocal<JSONParser> PARSER = ThreadLocal.withInitial(JSONParser::new);

    /** As jose4j's JsonUtil: objects are insertion-ordered maps that refuse a duplicate member name. */
    private static final ContainerFactory CONTAINERS = new ContainerFactory() {
        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Map createObjectContainer() { return new NoDuplicatesMap(); }

        @Override
        @SuppressWarnings("rawtypes")
        public List creatArrayContainer() { return null; } // the parser's default list
    };

    /**
     * Parsed JOSE headers by their exact base64url text. An issuer's header is the same on every
     * token (M-03), so this saves a decode and a parse per verification. Bounded: cleared when full.
     */
    private static final Map<String, Map<String, Object>> HEADERS = new java.util.concurrent.ConcurrentHashMap<>();
    static final int MAX_CACHED_HEADERS = 256;

    private Json() {}

    /**
     * {@link #b64decode} then {@link #parseObject} of {@code token[from, to)}, remembering the
     * (unmodifiable) result for the same text.
     *
     * @return the header object, or null when the text is not base64url of a JSON object
     */
    public static Map<String, Object> parseHeader(String token, int from, int to) {
        String text = token.substring(from, to);
        Map<String, Object> m = HEADERS.get(text);
        if (m != null) {
            return m;
        }
        byte[] h = b64decode(text, 0, text.length());
        m = h == null ? null : parseObject(h);
        if (m != null) {
            m = java.util.Collections.unmodifiableMap(m);
            if (HEADERS.size() >= MAX_CACHED_HEADERS) {
                HEADERS.clear();
            }
            HEADERS.put(text, m);
        }
        return m;
    }

    public static String b64(byte[] b) { return B64.encodeToString(b); }

    public static String b64(String s) { return b64(s.getBytes(StandardCharsets.UTF_8)); }

    /**
     * Decodes unpadded base64url strictly: only {@code [A-Za-z0-9_-]}, no padding, no impossible
     * length, and zero unused trailing bits (so each byte string has exactly one encoding).
     *
     * @return the bytes, or null when the text is not canonical base64url
     */
    public static byte[] b64decode(String s, int from, int to) {
        int len = to - from;
        if (len % 4 == 1) {
            return null;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return null;
            }
        }
        if (len > 0) {
            int last = value(s.charAt(to - 1));
            if ((len % 4 == 2 && (last & 0x0F) != 0) || (len % 4 == 3 && (last & 0x03) != 0)) {
                return null;
            }
        }
        return B64D.decode(s.substring(from, to));
    }

    private static int value(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : 63;
    }

    /**
     * Parses a JSON object, rejecting anything outside the RFC 8259 grammar (trailing or missing
     * commas, missing colons, leading zeros, raw control characters in strings, invalid escapes),
     * duplicate member names, nesting beyond {@link #MAX_PARSE_DEPTH}, a byte-order mark and
     * invalid UTF-8.
     *
     * @return the object, or null when the bytes are not such a JSON object
     */
    public static Map<String, Object> parseObject(byte[] utf8) {
        String text = utf8ToString(utf8);
        if (text == null || text.isEmpty() || text.charAt(0) != '{' && !Character.isWhitespace(text.charAt(0))) {
            return null;
        }
        // jose4j's parser (json-simple) is lenient: it accepts {"a":1,}, {"a" 1}, [1,,2], 01, raw
        // control characters and bad escapes. A token must mean the same to every implementation
        // (no parser differentials), so the text is first checked against the RFC 8259 grammar.
        if (!StrictSyntax.isObject(text)) {
            return null;
        }
        try {
            Object o = PARSER.get().parse(text, CONTAINERS);
            @SuppressWarnings("unchecked")
            Map<String, Object> m = o instanceof Map ? (Map<String, Object>) o : null;
            return m;
        } catch (ParseException | RuntimeException e) {
            PARSER.remove(); // never reuse a parser in an unknown state
            return null;
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
    }

    private static String utf8ToString(byte[] b) {
        if (isAscii(b)) { // the common case: no decoder needed
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static boolean isAscii(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return false;
            }
        }
        return true;
    }

    /** Maximum nesting of objects and arrays, ignoring brackets inside strings. */
    public static int depth(String json) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > max) {
                    max = depth;
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return max;
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

    /** Serializes a JSON-like map (maps, lists, strings, numbers, booleans, null). */
    public static String write(Map<String, ?> m) { return JsonUtil.toJson(m); }

    /**
     * An RFC 8259 syntax check of one JSON text whose top-level value is an object, with nesting
     * bounded by {@link #MAX_PARSE_DEPTH} (so the recursion is bounded too). Linear in the input.
     */
    static final class StrictSyntax {
        private final String s;
        private int i;

        private StrictSyntax(String s) { this.s = s; }

        static boolean isObject(String text) {
            StrictSyntax p = new StrictSyntax(text);
            p.ws();
            if (p.i >= text.length() || text.charAt(p.i) != '{' || !p.value(0)) {
                return false;
            }
            p.ws();
            return p.i == text.length();
        }

        private void ws() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                i++;
            }
        }

        private boolean value(int depth) {
            if (i >= s.length()) {
                return false;
            }
            char c = s.charAt(i);
            switch (c) {
                case '{' -> {
                    return depth < MAX_PARSE_DEPTH && object(depth + 1);
                }
                case '[' -> {
                    return depth < MAX_PARSE_DEPTH && array(depth + 1);
                }
                case '"' -> {
                    return string();
                }
                case 't' -> {
                    return literal("true");
                }
                case 'f' -> {
                    return literal("false");
                }
                case 'n' -> {
                    return literal("null");
                }
                default -> {
                    return number();
                }
            }
        }

        private boolean object(int depth) {
            i++; // '{'
            ws();
            if (i < s.length() && s.charAt(i) == '}') {
                i++;
                return true;
            }
            while (true) {
                ws();
                if (i >= s.length() || s.charAt(i) != '"' || !string()) {
                    return false;
                }
                ws();
                if (i >= s.length() || s.charAt(i) != ':') {
                    return false;
                }
                i++;
                ws();
                if (!value(depth)) {
                    return false;
                }
                ws();
                if (i >= s.length()) {
                    return false;
                }
                char c = s.charAt(i++);
                if (c == '}') {
                    return true;
                }
                if (c != ',') {
                    return false;
                }
            }
        }

        private boolean array(int depth) {
            i++; // '['
            ws();
            if (i < s.length() && s.charAt(i) == ']') {
                i++;
                return true;
            }
            while (true) {
                ws();
                if (!value(depth)) {
                    return false;
                }
                ws();
                if (i >= s.length()) {
                    return false;
                }
                char c = s.charAt(i++);
                if (c == ']') {
                    return true;
                }
                if (c != ',') {
                    return false;
                }
            }
        }

        private boolean string() {
            i++; // opening quote
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return true;
                }
                if (c < 0x20) {
                    return false;
                }
                if (c == '\\') {
                    if (i >= s.length()) {
                        return false;
                    }
                    char e = s.charAt(i++);
                    if (e == 'u') {
                        if (i + 4 > s.length()) {
                            return false;
                        }
                        for (int k = 0; k < 4; k++) { // ASCII HEXDIG only: Character.digit also takes e.g. U+0660
                            char h = s.charAt(i++);
                            if (!(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F')) {
                                return false;
                            }
                        }
                    } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                        return false;
                    }
                }
            }
            return false;
        }

        private boolean literal(String word) {
            if (!s.startsWith(word, i)) {
                return false;
            }
            i += word.length();
            return true;
        }

        private boolean number() {
            int start = i;
            if (i < s.length() && s.charAt(i) == '-') {
                i++;
            }
            if (i >= s.length()) {
                return false;
            }
            if (s.charAt(i) == '0') {
                i++;
            } else if (s.charAt(i) >= '1' && s.charAt(i) <= '9') {
                digits();
            } else {
                return false;
            }
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                if (digits() == 0) {
                    return false;
                }
            }
            if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                i++;
                if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                    i++;
                }
                if (digits() == 0) {
                    return false;
                }
            }
            return i > start;
        }

        private int digits() {
            int start = i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            return i - start;
        }
    }
}

package dev.ect.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/**
 * The former {@link Json} implementation, kept as the oracle of the differential tests: UTF-8
 * decoding with a reporting CharsetDecoder, an RFC 8259 syntax pre-pass ({@code StrictSyntax}),
 * then jose4j's parser ({@code JsonUtil.parseJson}); and jose4j's {@code JsonUtil.toJson} for writing.
 */
final class JoseJsonOracle {
    private JoseJsonOracle() {}

    /** The old {@code Json.parseObject}: the object, or null when the bytes are not a strict JSON object. */
    static Map<String, Object> parseObject(byte[] utf8) {
        String text = utf8ToString(utf8);
        if (text == null || text.isEmpty() || text.charAt(0) != '{' && !Character.isWhitespace(text.charAt(0))) {
            return null;
        }
        if (!StrictSyntax.isObject(text)) {
            return null;
        }
        try {
            return JsonUtil.parseJson(text); // jose4j's public parser: duplicate member names refused
        } catch (JoseException | RuntimeException e) {
            return null;
        }
    }

    /** The old {@code Json.write}. */
    static String write(Map<String, ?> m) { return JsonUtil.toJson(m); }

    private static String utf8ToString(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /**
     * An RFC 8259 syntax check of one JSON text whose top-level value is an object, with nesting
     * bounded by {@link #Json.MAX_PARSE_DEPTH} (so the recursion is bounded too). Linear in the input.
     */
    private static final class StrictSyntax {
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
                    return depth < Json.MAX_PARSE_DEPTH && object(depth + 1);
                }
                case '[' -> {
                    return depth < Json.MAX_PARSE_DEPTH && array(depth + 1);
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

package dev.ect.cli;

import dev.ect.core.LogSafe;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/** JSON in and out for the CLI: one-line or indented output, strict object parsing. */
final class JsonText {
    private JsonText() {}

    /** Compact JSON on one line. */
    static String compact(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, -1, 0);
        return b.toString();
    }

    /** Indented JSON (two spaces). */
    static String pretty(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, 2, 0);
        return b.toString();
    }

    /**
     * Parses a JSON object (duplicate member names are an error).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static Map<String, Object> parseObject(String json) {
        try {
            Map<String, Object> m = JsonUtil.parseJson(json);
            if (m == null) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return m;
        } catch (JoseException | RuntimeException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
        }
    }

    private static void write(StringBuilder b, Object v, int indent, int depth) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Double d) {
            b.append(d.isNaN() || d.isInfinite() ? "null" : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
        } else if (v instanceof Number) {
            b.append(v);
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
            boolean any = it.hasNext();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                newline(b, indent, depth + 1);
                string(b, String.valueOf(e.getKey()));
                b.append(indent < 0 ? ":" : ": ");
                write(b, e.getValue(), indent, depth + 1);
                if (it.hasNext()) {
                    b.append(',');
                }
            }
            if (any) {
                newline(b, indent, depth);
            }
            b.append('}');
        } else if (v instanceof Collection<?> c) {
            b.append('[');
            Iterator<?> it = c.iterator();
            boolean any = it.hasNext();
            while (it.hasNext()) {
                newline(b, indent, depth + 1);
                write(b, it.next(), indent, depth + 1);
                if (it.hasNext()) {
                    b.append(',');
                }
            }
            if (any) {
                newline(b, indent, depth);
            }
            b.append(']');
        } else {
            string(b, v.toString());
        }
    }

    private static void newline(StringBuilder b, int indent, int depth) {
        if (indent >= 0) {
            b.append('\n').append(" ".repeat(indent * depth));
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    // T-11: what LogSafe escapes in a log line is escaped here in JSON syntax
                    // (C0, DEL, C1, U+2028/9, format characters, lone surrogates); output stays valid JSON
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        char low = s.charAt(++i);
                        if (LogSafe.isPrintable(Character.toCodePoint(c, low))) {
                            b.append(c).append(low);
                        } else {
                            b.append(String.format("\\u%04x\\u%04x", (int) c, (int) low));
                        }
                    } else if (c >= 0x20 && c < 0x7f || LogSafe.isPrintable(c)) {
                        b.append(c);
                    } else {
                        b.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        b.append('"');
    }
}

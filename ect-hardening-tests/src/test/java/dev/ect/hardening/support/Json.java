package dev.ect.hardening.support;

import java.util.List;
import java.util.Map;

/**
 * A deliberately permissive JSON writer for forging tokens: it writes whatever it is given,
 * including {@link Raw} text (duplicate members, NaN, invalid JSON), so tests can build inputs a
 * correct serializer would refuse to produce.
 */
public final class Json {
    private Json() {}

    /** Text written verbatim where a JSON value belongs. */
    public record Raw(String text) {}

    public static Raw raw(String text) { return new Raw(text); }

    private static final String DUP = "\u0000#dup";

    /**
     * A map key written as {@code name}: put it next to {@code name} itself to get the same
     * member name twice in the JSON text. {@code n} tells several duplicates apart.
     */
    public static String dup(String name, int n) { return name + DUP + n; }

    public static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Raw r) {
            b.append(r.text());
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                String key = String.valueOf(e.getKey());
                int d = key.indexOf(DUP);
                string(b, d >= 0 ? key.substring(0, d) : key);
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(b, l.get(i));
            }
            b.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass());
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
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}

package dev.ect.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** T-11: the one escaping rule for log lines and terminals. */
class LogSafeTest {
    /** True when {@code s} holds a unit that a log line or a terminal would interpret. */
    static boolean hasRawControlOrFormat(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int t = Character.getType(Character.toCodePoint(c, s.charAt(++i)));
                if (t == Character.FORMAT) {
                    return true;
                }
                continue;
            }
            int t = Character.getType(c);
            if (t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE
                    || t == Character.LINE_SEPARATOR || t == Character.PARAGRAPH_SEPARATOR) {
                return true;
            }
        }
        return false;
    }

    @Test
    @DisplayName("T-11 C0, DEL and C1 controls are escaped as \\uXXXX")
    void t11EscapesC0DelAndC1() {
        assertThat(LogSafe.escape("a\nb\rc\td\u001b[31me\u0007f\u0000g\u007fh\u0085i\u009bj"))
                .isEqualTo("a\\u000ab\\u000dc\\u0009d\\u001b[31me\\u0007f\\u0000g\\u007fh\\u0085i\\u009bj");
    }

    @Test
    @DisplayName("T-11 line/paragraph separators and other format characters are escaped")
    void t11EscapesSeparatorsAndFormatCharacters() {
        assertThat(LogSafe.escape("x\u2028y\u2029z")).isEqualTo("x\\u2028y\\u2029z");
        // bidi override, zero-width space/joiner, BOM, soft hyphen, bidi isolate
        assertThat(LogSafe.escape("\u202e\u200b\u200d\ufeff\u00ad\u2066")).isEqualTo("\\u202e\\u200b\\u200d\\ufeff\\u00ad\\u2066");
        // a supplementary format character (TAG LATIN SMALL LETTER A, U+E0061) is escaped unit by unit
        assertThat(LogSafe.escape("a" + new String(Character.toChars(0xE0061)))).isEqualTo("a\\udb40\\udc61");
    }

    @Test
    @DisplayName("T-11 lone surrogates are escaped, pairs and non-ASCII letters are kept")
    void t11LoneSurrogatesEscapedPairsKept() {
        assertThat(LogSafe.escape("a\ud83dz\ude00")).isEqualTo("a\\ud83dz\\ude00");
        assertThat(LogSafe.escape("caf\u00e9 \ud83d\ude00 \u65e5\u672c")).isEqualTo("caf\u00e9 \ud83d\ude00 \u65e5\u672c");
    }

    @Test
    @DisplayName("T-11 the backslash is escaped so an escape in the output can only come from a real character")
    void t11BackslashMakesTheOutputUnambiguous() {
        assertThat(LogSafe.escape("\\u000a")).isEqualTo("\\\\u000a");
        assertThat(LogSafe.escape("\n")).isEqualTo("\\u000a");
        assertThat(LogSafe.escape("\\u000a")).isNotEqualTo(LogSafe.escape("\n"));
    }

    @Test
    @DisplayName("T-11 escapeField also escapes the space, so a claim cannot forge a key=value field")
    void t11EscapeFieldEscapesSpace() {
        assertThat(LogSafe.escapeField("x reason=accepted")).isEqualTo("x\\u0020reason=accepted");
        assertThat(LogSafe.escape("x reason=accepted")).isEqualTo("x reason=accepted");
    }

    @Test
    @DisplayName("T-11 the input is bounded, never split inside a surrogate pair, and null is '-'")
    void t11Bounded() {
        assertThat(LogSafe.escape("a".repeat(300))).isEqualTo("a".repeat(LogSafe.DEFAULT_MAX_CHARS) + "...");
        assertThat(LogSafe.escape("abc", 2)).isEqualTo("ab...");
        String emoji = "\ud83d\ude00";
        assertThat(LogSafe.escape("a" + emoji + "b", 2)).isEqualTo("a...");
        assertThat(LogSafe.escape("a" + emoji + "b", 3)).isEqualTo("a" + emoji + "...");
        assertThat(LogSafe.escape("\n".repeat(500))).hasSize(6 * LogSafe.DEFAULT_MAX_CHARS + 3);
        assertThat(LogSafe.escape(null)).isEqualTo("-");
        assertThatThrownBy(() -> LogSafe.escape("a", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxChars");
    }

    @Test
    @DisplayName("T-11 nothing the escaper returns holds a raw control, separator, format char or lone surrogate")
    void t11NoUnsafeUnitSurvives() {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c <= 0xffff; c++) {
            all.append((char) c);
        }
        String escaped = LogSafe.escape(all, all.length());
        assertThat(hasRawControlOrFormat(escaped)).isFalse();
        assertThat(hasRawControlOrFormat(all.toString())).isTrue(); // the check can fail
        String plain = "spiffe://example.com/agent/a";
        assertThat(LogSafe.escape(plain)).isSameAs(plain);
    }

    @Test
    void isPrintable() {
        assertThat(LogSafe.isPrintable('a')).isTrue();
        assertThat(LogSafe.isPrintable(0x1F600)).isTrue();
        assertThat(LogSafe.isPrintable(0x1b)).isFalse();
        assertThat(LogSafe.isPrintable(0x85)).isFalse();
        assertThat(LogSafe.isPrintable(0x2028)).isFalse();
        assertThat(LogSafe.isPrintable(0x202e)).isFalse();
        assertThat(LogSafe.isPrintable(0xd800)).isFalse();
    }
}

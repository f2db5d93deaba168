package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** C-05, C-06: the UUID text form, checked against its definition as a regular expression. */
class UuidsTest {
    private static final Pattern FORM = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    @Test
    @DisplayName("C-05 C-06: isCanonical is exactly the 8-4-4-4-12 hex form, for UUIDs and every one-character mutation of them")
    void c05IsCanonicalMatchesTheDefinition() {
        Random r = new Random(3);
        String junk = "0123456789abcdefABCDEFgGxX-_ .\u0000\u00e9\u0130\u0660\uff10";
        for (int n = 0; n < 20_000; n++) {
            String u = UUID.randomUUID().toString();
            if (r.nextBoolean()) {
                u = u.toUpperCase(java.util.Locale.ROOT);
            }
            char[] c = u.toCharArray();
            c[r.nextInt(36)] = junk.charAt(r.nextInt(junk.length()));
            String m = new String(c);
            String cut = m.substring(0, r.nextInt(37));
            String longer = m + junk.charAt(r.nextInt(junk.length()));
            for (String s : new String[] {u, m, cut, longer}) {
                assertThat(Uuids.isCanonical(s)).as(s).isEqualTo(FORM.matcher(s).matches());
            }
        }
        assertThat(Uuids.isCanonical(null)).isFalse();
    }

    /** P-01's definition: ASCII letters in lower case, every other character as it is. */
    private static String asciiLower(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return b.toString();
    }

    @Test
    @DisplayName("P-01: canonical lowers ASCII letters only; same is equality of the canonical forms")
    void p01CanonicalAndSameMatchTheDefinition() {
        Random r = new Random(4);
        String alphabet = "0123456789abcdefABCDEFzZ-\u0130\u0131\u00c9\u00e9\u212a";
        for (int n = 0; n < 20_000; n++) {
            char[] c = new char[r.nextInt(40)];
            for (int i = 0; i < c.length; i++) {
                c[i] = alphabet.charAt(r.nextInt(alphabet.length()));
            }
            String x = new String(c);
            char[] d = c.clone();
            for (int k = r.nextInt(3); k > 0 && d.length > 0; k--) { // flip case or change a character
                int i = r.nextInt(d.length);
                d[i] = r.nextBoolean() ? (Character.isUpperCase(d[i]) ? Character.toLowerCase(d[i]) : Character.toUpperCase(d[i]))
                        : alphabet.charAt(r.nextInt(alphabet.length()));
            }
            String y = r.nextInt(5) == 0 ? x.substring(0, r.nextInt(x.length() + 1)) : new String(d);
            assertThat(Uuids.canonical(x)).isEqualTo(asciiLower(x));
            assertThat(Uuids.same(x, y)).as("%s %s", x, y).isEqualTo(asciiLower(x).equals(asciiLower(y)));
            assertThat(Uuids.same(x, new String(x))).isTrue();
        }
        assertThat(Uuids.same(null, null)).isTrue();
        assertThat(Uuids.same("a", null)).isFalse();
        assertThat(Uuids.canonical(null)).isNull();
    }
}

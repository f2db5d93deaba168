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
}

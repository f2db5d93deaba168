package dev.ect.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** C-09: base64url (no padding, no prefix) SHA-256, exactly 43 characters decoding to 32 bytes. */
class EctHashesTest {

    @Test
    void profileExampleInpHashIsTheHashOfTest() { // C-09, profile section 2.2
        assertThat(EctHashes.sha256("test")).isEqualTo("n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg");
    }

    @Test
    void profileExampleOutHashIsTheHashOfFoo() { // C-09, profile section 2.2
        assertThat(EctHashes.sha256("foo")).isEqualTo("LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564");
    }

    @Test
    void hashesBytesAndUtf8TextAlike() { // C-09
        assertThat(EctHashes.sha256(new byte[0])).isEqualTo("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
        assertThat(EctHashes.sha256("h\u00e9")).isEqualTo(EctHashes.sha256("h\u00e9".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void everyDigestItProducesHasTheC09Form() { // C-09
        Random r = new Random(9);
        for (int i = 0; i < 500; i++) {
            byte[] b = new byte[r.nextInt(64)];
            r.nextBytes(b);
            String h = EctHashes.sha256(b);
            assertThat(h).hasSize(43).doesNotContain("=").doesNotContain("+").doesNotContain("/");
            assertThat(EctHashes.isValid(h)).as(h).isTrue();
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "sha-256:n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg", // old prefixed form
        "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg=", // padding
        "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCg", // 42 characters
        "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCggA", // 44 characters
        "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg", // standard alphabet
        "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgh", // non-zero trailing bits
        "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCg_", // non-zero trailing bits (value 63)
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", // hex
        "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCg\u00e9"})
    void rejectsEveryOtherForm(String h) { // C-09
        assertThat(EctHashes.isValid(h)).isFalse();
    }

    @Test
    void acceptsEachOfTheFourPossibleLastCharacterValueClasses() { // C-09: the last char's low 2 bits are 0
        String prefix = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCg";
        for (char c : "AEIMQUYcgkosw048".toCharArray()) {
            assertThat(EctHashes.isValid(prefix + c)).as(String.valueOf(c)).isTrue();
        }
        for (char c : "BFJNRVZdhlptx15-".toCharArray()) {
            assertThat(EctHashes.isValid(prefix + c)).as(String.valueOf(c)).isFalse();
        }
    }

    @Test
    void agreesWithTheRegexDefinitionForEveryCharAtTheFirstMiddleAndLastPosition() { // C-09
        java.util.regex.Pattern form = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{43}"); // the former implementation
        String valid = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg";
        for (int at : new int[] {0, 21, 41, 42}) {
            for (char c = 0; c < 0xFFFF; c++) {
                String h = valid.substring(0, at) + c + valid.substring(at + 1);
                boolean expected = form.matcher(h).matches() && (at != 42 || "AEIMQUYcgkosw048".indexOf(c) >= 0);
                if (EctHashes.isValid(h) != expected) {
                    assertThat(EctHashes.isValid(h)).as("char %04x at %d", (int) c, at).isEqualTo(expected);
                }
            }
        }
        assertThat(EctHashes.isValid("A".repeat(43))).isTrue();
        assertThat(EctHashes.isValid("_".repeat(42) + "w")).isTrue();
        assertThat(EctHashes.isValid("-".repeat(42) + "0")).isTrue();
        assertThat(EctHashes.isValid("\ud83d\ude00" + valid.substring(2))).isFalse(); // a pair: 43 chars, not 43 code points
        assertThat(EctHashes.isValid(valid.substring(1) + "\ud83d")).isFalse();
    }
}

package dev.ect.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The text rules request and response handling share. */
class EctTextTest {
    private static final String EMOJI = "\ud83d\ude00";

    @Test
    @DisplayName("T-01 OWS trimming removes SP and HTAB only")
    void trimOwsRemovesSpAndHtabOnly() {
        assertThat(EctText.trimOws(" \t a.b.c \t ")).isEqualTo("a.b.c");
        assertThat(EctText.trimOws(" \t ")).isEmpty();
        assertThat(EctText.trimOws("\u0000a.b.c")).isEqualTo("\u0000a.b.c");
        assertThat(EctText.trimOws(" a.b.c\r")).isEqualTo("a.b.c\r");
        assertThat(EctText.trimOws("\u000ba.b.c\u001f")).isEqualTo("\u000ba.b.c\u001f");
        String t = "a.b.c";
        assertThat(EctText.trimOws(t)).isSameAs(t);
    }

    @Test
    @DisplayName("C-07 truncation counts code points and never splits a surrogate pair")
    void c07TruncationKeepsSurrogatePairsWhole() {
        String s = "GET /" + EMOJI.repeat(300);
        String cut = EctText.execAct(s);
        assertThat(cut.codePointCount(0, cut.length())).isEqualTo(EctText.MAX_EXEC_ACT);
        assertThat(cut).isEqualTo("GET /" + EMOJI.repeat(251));
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).isFalse();
        // 256 code points but 512 units: fits C-07, not cut at all
        String wide = EMOJI.repeat(256);
        assertThat(EctText.execAct(wide)).isSameAs(wide);
        assertThat(EctText.truncate("abc", 2)).isEqualTo("ab");
        assertThat(EctText.truncate("a" + EMOJI, 1)).isEqualTo("a");
        assertThatThrownBy(() -> EctText.truncate("a", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}

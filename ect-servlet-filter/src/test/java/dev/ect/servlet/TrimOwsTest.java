package dev.ect.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The Execution-Context value loses only optional whitespace (SP, HTAB) before verification.
 * String.trim() used to strip control characters too, so "\u0001" + token was accepted as the
 * token (found by the header fuzz target in ect-hardening-tests; over HTTP the containers refuse
 * such bytes themselves, but the filter must not depend on that).
 */
class TrimOwsTest {
    @Test
    void stripsSpacesAndTabsOnly() {
        assertThat(EctFilter.trimOws(" \t a.b.c \t ")).isEqualTo("a.b.c");
        assertThat(EctFilter.trimOws("a.b.c")).isEqualTo("a.b.c");
        assertThat(EctFilter.trimOws(" \t ")).isEmpty();
    }

    @Test
    void keepsControlCharactersSoTheValueStaysMalformed() {
        assertThat(EctFilter.trimOws("\u0001a.b.c")).isEqualTo("\u0001a.b.c");
        assertThat(EctFilter.trimOws("a.b.c\u0000")).isEqualTo("a.b.c\u0000");
        assertThat(EctFilter.trimOws(" a.b.c\r")).isEqualTo("a.b.c\r");
    }
}

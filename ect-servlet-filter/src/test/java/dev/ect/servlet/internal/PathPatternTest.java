package dev.ect.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PathPatternTest {
    @Test
    void prefixPatternMatchesItselfAndBelowButNotSiblings() {
        PathPattern p = new PathPattern("/api/*");
        assertThat(p.matches("/api")).isTrue();
        assertThat(p.matches("/api/")).isTrue();
        assertThat(p.matches("/api/orders/7")).isTrue();
        assertThat(p.matches("/apix")).isFalse();
        assertThat(p.matches("/other/api/x")).isFalse();
    }

    @Test
    void catchAllExactAndSuffix() {
        assertThat(new PathPattern("/*").matches("/anything/at/all")).isTrue();
        assertThat(new PathPattern("/health").matches("/health")).isTrue();
        assertThat(new PathPattern("/health").matches("/health/deep")).isFalse();
        PathPattern css = new PathPattern("*.css");
        assertThat(css.matches("/static/site.css")).isTrue();
        assertThat(css.matches("/site.css")).isTrue();
        assertThat(css.matches("/site.CSS")).isFalse(); // case-sensitive, like servlet mappings
        assertThat(css.matches("/a.css/secret")).isFalse(); // only the last segment counts
    }

    @Test
    void invalidPatternsAreRefused() {
        for (String bad : new String[] {"", "api/*", "/a*", "/a/*/b", "*.", "*.c/ss", "*.c*", "/a b", "**"}) {
            assertThatThrownBy(() -> new PathPattern(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void listsAreSplitOnCommasAndWhitespace() {
        assertThat(PathPattern.parseList(" /a, /b/*\n\t*.js ,, ")).extracting(PathPattern::pattern)
                .containsExactly("/a", "/b/*", "*.js");
        assertThat(PathPattern.parseList("  ")).isEmpty();
    }
}

package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Json.parseObject keeps no state between parses (it once reused a jose4j parser per thread, and
 * now reuses nothing): a failed or large parse must not affect the next one.
 */
class JsonParserReuseTest {
    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void parsesAfterAFailedParseAsIfFresh() {
        assertThat(Json.parseObject(utf8("{\"a\":1,\"a\":2}"))).isNull(); // duplicate member name
        assertThat(Json.parseObject(utf8("{\"a\":[1,"))).isNull(); // truncated mid-array
        Map<String, Object> m = Json.parseObject(utf8("{\"a\":1,\"b\":[\"x\",{\"c\":true}]}"));
        assertThat(m).containsEntry("a", 1L);
        assertThat((List<?>) m.get("b")).hasSize(2);
        assertThat(Json.parseObject(utf8("{\"b\":2}"))).containsOnlyKeys("b");
    }

    @Test
    void keepsMemberOrderAndRejectsNonObjects() {
        assertThat(Json.parseObject(utf8("{\"z\":1,\"a\":2,\"m\":3}")).keySet()).containsExactly("z", "a", "m");
        assertThat(Json.parseObject(utf8("[1,2]"))).isNull();
        assertThat(Json.parseObject(utf8("\"s\""))).isNull();
        assertThat(Json.parseObject(utf8(""))).isNull();
    }

    @Test
    void decodesUtf8StrictlyAndAsciiDirectly() {
        assertThat(Json.parseObject(utf8("{\"n\":\"Zürich ✓\"}"))).containsEntry("n", "Zürich ✓");
        assertThat(Json.parseObject(new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0xC3, '"', '}'})).isNull(); // truncated UTF-8
        assertThat(Json.parseObject(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'})).isNull(); // BOM
    }

    @Test
    void aLongStringLargerThanTheFormerLexerBufferStillParses() {
        String big = "x".repeat(40_000);
        assertThat(Json.parseObject(utf8("{\"big\":\"" + big + "\"}"))).containsEntry("big", big);
        assertThat(Json.parseObject(utf8("{\"small\":1}"))).containsEntry("small", 1L);
    }

    @Test
    void headersAreRememberedByExactTextAndRejectedOnesAreNot() {
        java.util.Base64.Encoder e = java.util.Base64.getUrlEncoder().withoutPadding();
        String h1 = e.encodeToString(utf8("{\"alg\":\"ES256\",\"typ\":\"exec+jwt\",\"kid\":\"k\"}"));
        String token = h1 + ".e30.c2ln";
        HeaderCache cache = new HeaderCache(); // a verifier's own, not the JVM's
        Map<String, Object> first = cache.parse(token, 0, h1.length());
        assertThat(first).containsEntry("alg", "ES256").containsEntry("kid", "k");
        assertThat(cache.parse("x" + token, 1, h1.length() + 1)).isSameAs(first); // same text, other string
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> first.put("alg", "none"))
                .isInstanceOf(UnsupportedOperationException.class);
        String dup = e.encodeToString(utf8("{\"alg\":\"ES256\",\"alg\":\"none\"}"));
        assertThat(cache.parse(dup, 0, dup.length())).isNull();
        assertThat(cache.parse(dup, 0, dup.length())).isNull();
        assertThat(cache.parse("e30=", 0, 4)).isNull(); // padding is not base64url
        for (int i = 0; i <= HeaderCache.MAX_CACHED_HEADERS; i++) { // more distinct headers than the bound
            String h = e.encodeToString(utf8("{\"kid\":\"k" + i + "\"}"));
            assertThat(cache.parse(h, 0, h.length())).containsEntry("kid", "k" + i);
        }
        assertThat(cache.parse(token, 0, h1.length())).isEqualTo(first);
        assertThat(cache.size()).isLessThanOrEqualTo(HeaderCache.MAX_CACHED_HEADERS);
        assertThat(new HeaderCache().parse(token, 0, h1.length())).isEqualTo(first).isNotSameAs(first); // another verifier's
    }
}

package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * V-02: {@link Json#parseObject(byte[])} accepts exactly the RFC 8259 grammar. jose4j's parser alone
 * accepted the rejected inputs below (found by the hostile-input suite in ect-hardening-tests): a
 * token must not mean one thing here and another to a stricter implementation.
 */
class JsonStrictSyntaxTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\":1,}", "{,\"a\":1}", "{\"a\":1,,\"b\":2}", "{\"a\":[1,]}", "{\"a\":[1,,2]}", "{\"a\":[,1]}",
        "{\"a\":01}", "{\"a\":-01}", "{\"a\":+1}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":1.e5}", "{\"a\":0x10}", "{\"a\":-}",
        "{\"a\":1e}", "{\"a\":1e+}", "{\"a\":tru}", "{\"a\":TRUE}", "{\"a\":nul}", "{\"a\":\"x\ty\"}", "{\"a\":\"\\x41\"}",
        "{\"a\":\"\\u00\"}", "{\"a\":\"\\u00zz\"}", "{\"a\":\"unterminated}", "{\"a\":\"ends with backslash\\",
        "{\"a\" 1}", "{\"a\":1 \"b\":2}", "{a:1}", "{\"a\":[1 2]}", "{\"a\":1}{", "{\"a\":1}x", "{\"a\":1", "{\"a\":",
        "{\"a\"", "{", "{\"a\":[1", "{1:2}", "{\"a\":'x'}", "{\"a\":1}\u0000", "[{\"a\":1}]", "\"x\"", "{} {}",
        "\u00a0{\"a\":1}",
        // non-ASCII digits pass Character.digit(c, 16); jose4j then kept the escape as literal text
        "{\"a\":\"\\u\u0660\u0660\u0660\u0660\"}", "{\"a\":\"\\u\uff21\uff21\uff21\uff21\"}", "{\"a\":\"\\u12\u06604\"}"})
    void rejectsWhatRfc8259Rejects(String text) {
        assertThat(Json.parseObject(text.getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", " {\"a\":1} ", "\n{\"a\":-0}\r\n", "{\"a\":0.5e-3}", "{\"a\":1E+2}", "{\"a\":-12.25}", "{\"a\":[]}",
        "{\"a\":[1,[2,{\"b\":null}],true,false]}", "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"}",
        "{\"a\":\"\u00e9\u4e2d\"}", "{\"a\":{},\"b\":{\"c\":[]}}", "{\t\"a\"\t:\t1\t}"})
    void acceptsValidJson(String text) {
        Map<String, Object> m = Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
        assertThat(m).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {31, 32})
    void nestingUpToTheBoundParses(int arrays) {
        String text = "{\"a\":" + "[".repeat(arrays - 1) + "1" + "]".repeat(arrays - 1) + "}";
        assertThat(Json.parseObject(text.getBytes(StandardCharsets.UTF_8))).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {33, 10_000, 1_000_000})
    void nestingBeyondTheBoundIsRefusedWithoutDeepRecursion(int arrays) {
        String text = "{\"a\":" + "[".repeat(arrays - 1) + "1" + "]".repeat(arrays - 1) + "}";
        assertThat(Json.parseObject(text.getBytes(StandardCharsets.UTF_8))).isNull();
    }
}

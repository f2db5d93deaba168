package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Json#parseObject} against the former implementation ({@link JoseJsonOracle}: UTF-8
 * CharsetDecoder, RFC 8259 pre-pass, jose4j's parser): for every input both reject, or both return
 * the same tree: the same Java types (Long, BigInteger, Double, String, Boolean, null, map and list
 * classes), values, key order and UTF-16 strings.
 */
class JsonDifferentialTest {
    private static final Path FUZZ_CORPUS = Path.of("..", "ect-hardening-tests", "src", "test", "resources", "dev", "ect",
            "hardening", "fuzz");

    static void assertAgrees(byte[] input) {
        String expected = describe(JoseJsonOracle.parseObject(input));
        String actual = describe(Json.parseObject(input));
        if (!expected.equals(actual)) { // assertThat(...).as(...) would format the hex for every passing input
            assertThat(actual).as("input %s", HexFormat.of().formatHex(input)).isEqualTo(expected);
        }
    }

    static void assertAgrees(String input) { assertAgrees(input.getBytes(StandardCharsets.UTF_8)); }

    /** A value tree as text naming each node's type; strings as UTF-16 units so lone surrogates show. */
    static String describe(Object v) {
        StringBuilder sb = new StringBuilder();
        describe(v, sb);
        return sb.toString();
    }

    private static void describe(Object v, StringBuilder sb) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Map<?, ?> m) {
            // container classes are not compared (jose4j's are its own); parsedContainersAreMutable... checks ours
            sb.append("Map{");
            m.forEach((k, x) -> {
                describe(k, sb);
                sb.append(':');
                describe(x, sb);
                sb.append(',');
            });
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append("List[");
            l.forEach(x -> {
                describe(x, sb);
                sb.append(',');
            });
            sb.append(']');
        } else if (v instanceof String s) {
            sb.append("S\"");
            s.chars().forEach(c -> {
                if (c >= 0x20 && c < 0x7F && c != '\\') {
                    sb.append((char) c);
                } else {
                    sb.append(String.format("\\%04x", c));
                }
            });
            sb.append('"');
        } else if (v instanceof Double d) {
            sb.append("Double(").append(d).append(' ').append(Long.toHexString(Double.doubleToRawLongBits(d))).append(')');
        } else {
            sb.append(v.getClass().getName()).append('(').append(v).append(')');
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // numbers: Long bounds, BigInteger beyond, -0, fractions and exponents as Double
        "{\"a\":0}", "{\"a\":-0}", "{\"a\":1}", "{\"a\":-1}", "{\"a\":127}", "{\"a\":128}", "{\"a\":-129}",
        "{\"a\":999999999999999999}", "{\"a\":-999999999999999999}", "{\"a\":1000000000000000000}",
        "{\"a\":9223372036854775807}", "{\"a\":9223372036854775808}", "{\"a\":-9223372036854775808}",
        "{\"a\":-9223372036854775809}", "{\"a\":18446744073709551616}", "{\"a\":00}", "{\"a\":-00}", "{\"a\":0001}",
        "{\"a\":1e5}", "{\"a\":1E5}", "{\"a\":1E+2}", "{\"a\":1e-2}", "{\"a\":0.0}", "{\"a\":-0.0}", "{\"a\":0e0}",
        "{\"a\":-0E-0}", "{\"a\":1.5}", "{\"a\":1E400}", "{\"a\":-1e400}", "{\"a\":1e-400}", "{\"a\":4.9e-324}",
        "{\"a\":1.7976931348623157e308}", "{\"a\":0.1000000000000000055511151231257827}", "{\"a\":10000000000000000000000000000000000000000}",
        "{\"a\":1.}", "{\"a\":.1}", "{\"a\":1e}", "{\"a\":1e+}", "{\"a\":+1}", "{\"a\":-}", "{\"a\":--1}", "{\"a\":1.2.3}",
        "{\"a\":1e2e3}", "{\"a\":0x1}", "{\"a\":Infinity}", "{\"a\":NaN}", "{\"a\":-Infinity}", "{\"a\":1 }", "{\"a\":1",
        // strings and escapes
        "{\"a\":\"\"}", "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\u001f\\u007F\\u0080\"}",
        "{\"a\":\"\\uD83D\\uDE00\"}", "{\"a\":\"\\uD83D\"}", "{\"a\":\"\\uDE00\"}", "{\"a\":\"\\uDE00\\uD83D\"}",
        "{\"a\":\"\\uD83Dx\"}", "{\"a\":\"\\uabcd\\uABCD\\uAbCd\"}", "{\"a\":\"\\uFFFF\\uFFFE\\uFEFF\"}", "{\"a\":\"\\u12\"}",
        "{\"a\":\"\\u12G4\"}", "{\"a\":\"\\U0041\"}", "{\"a\":\"\\x41\"}", "{\"a\":\"\\'\"}", "{\"a\":\"\\a\"}", "{\"a\":\"\\\"}",
        "{\"a\":\"\\u\u0660\u0660\u0660\u0660\"}", "{\"a\":\"\\u\uff21\uff21\uff21\uff21\"}", "{\"a\":\"\u0000\"}",
        "{\"a\":\"\u001f\"}", "{\"a\":\"\t\"}", "{\"a\":\"\u007f\"}", "{\"a\":\"\u0080\u00e9\u4e2d\ud83d\ude00\u2028\"}",
        "{\"a\":\"x\\", "{\"a\":\"x", "{\"a\":\"\\u00", "{\"\\u0000\":1}", "{\"\":1}", "{\"\":1,\"\":2}",
        // duplicates, also only after unescaping or decoding
        "{\"a\":1,\"a\":1}", "{\"a\":1,\"\\u0061\":2}", "{\"\\u0061\":1,\"a\":2}", "{\"\u00e9\":1,\"\\u00e9\":2}",
        "{\"\ud83d\ude00\":1,\"\\ud83d\\ude00\":2}", "{\"a\":null,\"a\":null}", "{\"a\":{},\"a\":[]}",
        // the parser's cache of header and claim names: near misses, names as values, duplicates by escape
        "{\"ixs\":1,\"iss\":2,\"is\":3,\"isss\":4,\"ISS\":5}", "{\"exec_bct\":1,\"exec_act\":\"exec_act\"}",
        "{\"iss\":1,\"\\u0069ss\":2}", "{\"alg\":\"alg\",\"typ\":\"typ\",\"kid\":\"kid\",\"crit\":[\"crit\"]}",
        "{\"ect_ext\":{\"ect_ext\":{}},\"pred\":[],\"inp_hash\":0,\"out_hash\":1,\"nbf\":2,\"wid\":3,\"jti\":4}",
        "{\"iss\":1,\"iss\":2}", "{\"\u00e9ss\":1,\"iss\":2}",
        "{\"a\":{\"b\":1,\"b\":2}}", "{\"a\":[{\"b\":1},{\"b\":2}]}", "{\"a\":1,\"A\":2}", "{\"a\":{\"a\":{\"a\":1}}}",
        // whitespace: JSON's four, and others that are not JSON whitespace
        "{}", " {}", "{} ", "\t\n\r {\t\n\r \"a\"\t\n\r :\t\n\r 1\t\n\r ,\"b\":[\t\n\r 1\t\n\r ,2\t\n\r ]\t\n\r }\t\n\r ",
        "\f{}", "{}\f", "{\f}", "\u000b{}", "\u00a0{}", "{\u00a0}", "\u2028{}", "{}\u2028", "\u3000{}", "{}\u0000",
        "\u0000{}", "\ufeff{}", "{\"a\":1}\n\n", "",
        // literals and structure
        "{\"a\":true,\"b\":false,\"c\":null}", "{\"a\":tru}", "{\"a\":truee}", "{\"a\":nulll}", "{\"a\":True}",
        "{\"a\":[]}", "{\"a\":[[]]}", "{\"a\":[{}]}", "{\"a\":[1,]}", "{\"a\":[,]}", "{\"a\":[1 2]}", "{\"a\":}",
        "{\"a\"}", "{:1}", "{\"a\":1,}", "{,}", "{\"a\":1}}", "{\"a\":1]}", "{\"a\":[1}", "[]", "\"s\"", "1", "null",
        "{\"a\":1}{\"b\":2}", "{'a':1}", "{a:1}"})
    void handWrittenEdgeCasesAgree(String input) {
        assertAgrees(input);
    }

    @Test
    void nestingAroundTheBoundAgrees() {
        for (int depth = 1; depth <= 40; depth++) {
            assertAgrees("{\"a\":" + "[".repeat(depth - 1) + "1" + "]".repeat(depth - 1) + "}");
            assertAgrees("{\"a\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}");
            assertAgrees("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
            assertAgrees("{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1));
            StringBuilder mixed = new StringBuilder("{\"x\":");
            for (int k = 1; k < depth; k++) {
                mixed.append(k % 2 == 0 ? "{\"k\":" : "[");
            }
            mixed.append("\"v\"");
            for (int k = depth - 1; k >= 1; k--) {
                mixed.append(k % 2 == 0 ? "}" : "]");
            }
            assertAgrees(mixed.append('}').toString());
        }
        assertThat(Json.parseObject(("{\"a\":" + "[".repeat(31) + "]".repeat(31) + "}").getBytes(StandardCharsets.US_ASCII))).isNotNull();
        assertThat(Json.parseObject(("{\"a\":" + "[".repeat(32) + "]".repeat(32) + "}").getBytes(StandardCharsets.US_ASCII))).isNull();
    }

    /** Every 2-byte start of a UTF-8 sequence with several continuations, in a member value and a name. */
    @Test
    void utf8DecodingAgreesWithAReportingCharsetDecoder() {
        byte[][] tails = {{}, {(byte) 0x80}, {(byte) 0x80, (byte) 0x80}, {(byte) 0xBF, (byte) 0xBF}, {(byte) 0x90, (byte) 0x80},
            {(byte) 0x80, (byte) 0x80, (byte) 0x80}, {'"'}, {'\\', 'n'}};
        for (int b1 = 0x80; b1 <= 0xFF; b1++) {
            for (int b2 = 0; b2 <= 0xFF; b2++) {
                for (byte[] tail : tails) {
                    byte[] seq = new byte[2 + tail.length];
                    seq[0] = (byte) b1;
                    seq[1] = (byte) b2;
                    System.arraycopy(tail, 0, seq, 2, tail.length);
                    assertAgrees(concat("{\"a\":\"x".getBytes(StandardCharsets.US_ASCII), seq, "\"}".getBytes(StandardCharsets.US_ASCII)));
                    if (tail.length == 1) {
                        assertAgrees(concat("{\"".getBytes(StandardCharsets.US_ASCII), seq, "\":1}".getBytes(StandardCharsets.US_ASCII)));
                    }
                }
            }
        }
    }

    /** Every checked-in fuzzer input: the raw bytes, every '.'-separated part base64url-decoded, every suffix from a '{'. */
    @Test
    void fuzzCorpusAgrees() throws IOException {
        assertThat(FUZZ_CORPUS).as("the fuzz corpus of ect-hardening-tests").isDirectory();
        List<Path> files;
        try (Stream<Path> s = Files.walk(FUZZ_CORPUS)) {
            files = s.filter(Files::isRegularFile).filter(p -> p.toString().contains("Inputs")).toList();
        }
        assertThat(files).hasSizeGreaterThan(100);
        int parsed = 0;
        for (Path f : files) {
            byte[] raw = Files.readAllBytes(f);
            for (byte[] in : interpretations(raw)) {
                assertAgrees(in);
                if (Json.parseObject(in) != null) {
                    parsed++;
                }
            }
        }
        assertThat(parsed).as("corpus inputs that are JSON objects").isPositive();
    }

    private static List<byte[]> interpretations(byte[] raw) {
        List<byte[]> out = new ArrayList<>();
        out.add(raw);
        String latin1 = new String(raw, StandardCharsets.ISO_8859_1);
        for (String text : List.of(latin1, new String(raw, StandardCharsets.UTF_8))) {
            for (String part : text.split("\\.", -1)) {
                byte[] strict = Json.b64decode(part, 0, part.length());
                if (strict != null) {
                    out.add(strict);
                }
                String cleaned = part.replaceAll("[^A-Za-z0-9_-]", "");
                if (cleaned.length() % 4 != 1) {
                    out.add(Base64.getUrlDecoder().decode(cleaned));
                }
            }
        }
        for (int k = latin1.indexOf('{'); k >= 0; k = latin1.indexOf('{', k + 1)) {
            out.add(java.util.Arrays.copyOfRange(raw, k, raw.length));
        }
        return out;
    }

    @Test
    void generatedJsonAgrees() {
        Random r = new Random(20260301L);
        int parsed = 0;
        for (int k = 0; k < 20_000; k++) {
            byte[] in = new JsonGen(r).document().getBytes(StandardCharsets.UTF_8);
            assertAgrees(in);
            if (Json.parseObject(in) != null) {
                parsed++;
            }
        }
        assertThat(parsed).as("generated documents that parse").isGreaterThan(5_000);
    }

    @Test
    void mutatedJsonAgrees() {
        Random r = new Random(8259L);
        int parsed = 0;
        for (int k = 0; k < 60_000; k++) {
            byte[] in = mutate(new JsonGen(r).document().getBytes(StandardCharsets.UTF_8), r);
            assertAgrees(in);
            if (Json.parseObject(in) != null) {
                parsed++;
            }
        }
        assertThat(parsed).as("mutated documents that still parse").isGreaterThan(1_000);
    }

    private static final byte[] INTERESTING = {'{', '}', '[', ']', '"', '\\', ':', ',', ' ', '\t', '\n', '\r', '\f', '0', '1', '9',
        '-', '+', '.', 'e', 'E', 'u', 'a', 'n', 't', 'f', 0, 0x1F, 0x7F, (byte) 0x80, (byte) 0xBF, (byte) 0xC0, (byte) 0xC3,
        (byte) 0xE0, (byte) 0xED, (byte) 0xEF, (byte) 0xF0, (byte) 0xF4, (byte) 0xF5, (byte) 0xFF};

    static byte[] mutate(byte[] in, Random r) {
        byte[] b = in;
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = b.length == 0 ? 0 : r.nextInt(b.length);
            byte x = r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)] : (byte) r.nextInt(256);
            switch (r.nextInt(6)) {
                case 0 -> { // replace a byte
                    if (b.length > 0) {
                        b = b.clone();
                        b[at] = x;
                    }
                }
                case 1 -> { // flip a bit
                    if (b.length > 0) {
                        b = b.clone();
                        b[at] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 2 -> b = concat(java.util.Arrays.copyOf(b, at), new byte[] {x}, java.util.Arrays.copyOfRange(b, at, b.length));
                case 3 -> { // delete a span
                    if (b.length > 0) {
                        int len = Math.min(b.length - at, 1 + r.nextInt(4));
                        b = concat(java.util.Arrays.copyOf(b, at), java.util.Arrays.copyOfRange(b, at + len, b.length));
                    }
                }
                case 4 -> b = java.util.Arrays.copyOf(b, at); // truncate
                default -> { // duplicate a span (repeats members and brackets)
                    int len = Math.min(b.length - at, 1 + r.nextInt(12));
                    b = concat(java.util.Arrays.copyOf(b, at + len), java.util.Arrays.copyOfRange(b, at, b.length));
                }
            }
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Random JSON text: mostly valid, with varied spellings (escapes, number forms, whitespace) and names that collide. */
    static final class JsonGen {
        private static final String[] NAMES = {"iss", "aud", "iat", "exp", "jti", "a", "b", "\u00e9", "\ud83d\ude00", "", "k"};
        private static final String[] NUMBERS = {"0", "-0", "1", "-1", "42", "1772366400", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", "0.5",
            "-12.25", "1e5", "1E+2", "1e-2", "0.0", "-0.0", "1E400", "-1e400", "1e-400", "3.141592653589793", "2.5E-3"};
        private static final char[] CHARS = {'a', 'z', 'A', '0', ' ', '"', '\\', '/', '\b', '\f', '\n', '\r', '\t', '\u0000',
            '\u001f', '\u007f', '\u0080', '\u009f', '\u00e9', '\u2028', '\u20ac', '\u4e2d', '\ud83d', '\ude00', '\ufeff',
            '\uffff', '\u0660'};
        private final Random r;
        private final StringBuilder sb = new StringBuilder();

        JsonGen(Random r) { this.r = r; }

        String document() {
            ws();
            object(1);
            ws();
            return sb.toString();
        }

        private void ws() {
            while (r.nextInt(4) == 0) {
                int k = r.nextInt(60);
                sb.append(k < 15 ? ' ' : k < 30 ? '\n' : k < 45 ? '\t' : k < 59 ? '\r' : "\f\u00a0\u000b".charAt(r.nextInt(3)));
            }
        }

        private void value(int depth) {
            int k = r.nextInt(depth > 4 ? 6 : 9);
            switch (k) {
                case 0, 1 -> string(randomString());
                case 2, 3 -> sb.append(r.nextInt(3) == 0 ? Long.toString(r.nextLong() >> r.nextInt(64))
                        : NUMBERS[r.nextInt(NUMBERS.length)]);
                case 4 -> sb.append(r.nextBoolean() ? "true" : "false");
                case 5 -> sb.append("null");
                case 6 -> array(depth + 1);
                default -> object(depth + 1);
            }
        }

        private void object(int depth) {
            sb.append('{');
            int n = r.nextInt(5);
            for (int k = 0; k < n; k++) {
                if (k > 0) {
                    sb.append(',');
                }
                ws();
                string(r.nextInt(4) == 0 ? randomString() : NAMES[r.nextInt(NAMES.length)]);
                ws();
                sb.append(':');
                ws();
                value(depth);
                ws();
            }
            sb.append('}');
        }

        private void array(int depth) {
            sb.append('[');
            int n = r.nextInt(4);
            for (int k = 0; k < n; k++) {
                if (k > 0) {
                    sb.append(',');
                }
                ws();
                value(depth);
                ws();
            }
            sb.append(']');
        }

        private String randomString() {
            int n = r.nextInt(r.nextInt(10) == 0 ? 200 : 8);
            StringBuilder s = new StringBuilder();
            for (int k = 0; k < n; k++) {
                s.append(r.nextInt(3) == 0 ? CHARS[r.nextInt(CHARS.length)] : (char) ('a' + r.nextInt(26)));
            }
            return s.toString();
        }

        /** A string literal: each char raw, short-escaped or \\u-escaped (mixed-case hex). */
        private void string(String s) {
            sb.append('"');
            for (int k = 0; k < s.length(); k++) {
                char c = s.charAt(k);
                int style = r.nextInt(5);
                String shortEscape = switch (c) {
                    case '"' -> "\\\"";
                    case '\\' -> "\\\\";
                    case '/' -> "\\/";
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> null;
                };
                boolean mustEscape = c == '"' || c == '\\' || c < 0x20;
                if (style == 0 || mustEscape && r.nextInt(50) != 0) { // rarely raw where it must not be
                    if (shortEscape != null && r.nextBoolean()) {
                        sb.append(shortEscape);
                    } else {
                        String hex = String.format("%04x", (int) c);
                        sb.append("\\u").append(r.nextBoolean() ? hex : hex.toUpperCase(java.util.Locale.ROOT));
                    }
                } else {
                    sb.append(c); // a lone surrogate becomes '?' in UTF-8: valid, but a different string
                }
            }
            sb.append('"');
        }
    }

    @Test
    void parsedContainersAreMutableJdkTypes() {
        Map<String, Object> m = Json.parseObject("{\"a\":[1,\"x\"],\"o\":{\"k\":null}}".getBytes(StandardCharsets.US_ASCII));
        assertThat(m).isInstanceOf(java.util.LinkedHashMap.class);
        m.put("b", 2L);
        m.remove("a");
        assertThat(m.keySet()).containsExactly("o", "b");
        assertThatThrownBy(() -> m.put("b", 3L)).isInstanceOf(IllegalArgumentException.class); // as jose4j's map
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) Json.parseObject("{\"a\":[1]}".getBytes(StandardCharsets.US_ASCII)).get("a");
        assertThat(l).isInstanceOf(java.util.ArrayList.class); // Json's own types, no jose4j class
        l.add("y");
        assertThat(l).containsExactly(1L, "y");
        assertThat(Json.parseObject("{\"n\":9223372036854775808}".getBytes(StandardCharsets.US_ASCII)))
                .containsEntry("n", new BigInteger("9223372036854775808"));
    }
}

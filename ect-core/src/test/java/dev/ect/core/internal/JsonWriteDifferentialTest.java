package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#write} and its byte forms against jose4j's {@code JsonUtil.toJson} (what write used
 * before): the same text for every value, and the same UTF-8 bytes and byte count.
 */
class JsonWriteDifferentialTest {
    static void assertAgrees(Map<String, ?> m) {
        String expected = escapeLoneSurrogates(JoseJsonOracle.write(m));
        assertThat(Json.write(m)).isEqualTo(expected);
        byte[] utf8 = expected.getBytes(StandardCharsets.UTF_8);
        assertThat(Json.writeUtf8(m)).isEqualTo(utf8);
        assertThat(Json.writeUtf8Length(m)).isEqualTo(utf8.length);
    }

    /**
     * jose4j's text with each lone surrogate written as <code>&#92;uXXXX</code>, as Json writes it
     * (jose4j kept it raw, which UTF-8 cannot carry: its bytes held '?').
     */
    static String escapeLoneSurrogates(String json) {
        StringBuilder sb = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1))) {
                sb.append(c).append(json.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < kv.length; k += 2) {
            m.put((String) kv[k], kv[k + 1]);
        }
        return m;
    }

    @Test
    void everyCharOfTheBmpAgrees() {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c <= 0xFFFF; c++) {
            sb.append((char) c).append('x'); // surrogates stay lone: 'x' follows each
        }
        assertAgrees(map("s", sb.toString(), sb.toString(), 1L));
        for (int c = 0; c <= 0xFFFF; c += 1 + c / 512) {
            assertAgrees(map("s", String.valueOf((char) c)));
        }
    }

    @Test
    void surrogatesPairedLoneAndAcrossChunksAgree() {
        assertAgrees(map("s", "\ud83d\ude00", "t", "\ud83d", "u", "\ude00", "v", "\ude00\ud83d", "w", "a\ud83d"));
        for (int at = 1015; at < 1035; at++) { // a pair where the writer's 1024-char chunk ends
            assertAgrees(map("s", "a".repeat(at) + "\ud83d\ude00" + "b", "t", "\u20ac".repeat(at) + "\ud83d"));
            assertAgrees(map("s", "\"".repeat(at) + "\ud83d\ude00\u0001".repeat(3)));
        }
        assertAgrees(map("big", "\u0001\u2000\ud83d\ude00".repeat(50_000)));
    }

    @Test
    void valueTypesAgree() {
        assertAgrees(map());
        assertAgrees(map("n", null, "t", true, "f", false, "l", Long.MIN_VALUE, "i", Integer.MAX_VALUE, "s", (short) -3,
                "b", (byte) 7, "big", new BigInteger("-123456789012345678901234567890"), "dec", new BigDecimal("1.50E+3"),
                "al", new AtomicLong(5)));
        assertAgrees(map("d", 1.0, "e", -0.0, "f", 1e21, "g", 1e-7, "h", Double.MIN_VALUE, "i", Double.MAX_VALUE,
                "nan", Double.NaN, "inf", Double.POSITIVE_INFINITY, "ninf", Double.NEGATIVE_INFINITY, "x", 0.1 + 0.2));
        assertAgrees(map("f", 1.5f, "g", Float.NaN, "h", Float.NEGATIVE_INFINITY, "i", 3.4e38f));
        assertAgrees(map("list", List.of(1L, "x", List.of()), "set", new LinkedHashSet<>(List.of("b", "a")),
                "tree", new TreeMap<>(Map.of("z", 1L, "a", 2L)), "unmod", Collections.unmodifiableMap(map("q", null)),
                "nullInList", Arrays.asList(null, null), "hashMap", new HashMap<>(Map.of("k", List.of()))));
        Map<Object, Object> oddKeys = new LinkedHashMap<>();
        oddKeys.put(null, 1L);
        oddKeys.put(7, "int key");
        oddKeys.put("\u0000\ud800", 2L);
        assertAgrees(map("odd", oddKeys));
        assertAgrees(Json.parseObject("{\"a\":[1,{\"b\":\"\\u2028\\/\"}],\"c\":1.5e3}".getBytes(StandardCharsets.US_ASCII)));
    }

    /** Json owns its types: a value that is not JSON-like (an array, a char, a UUID) is refused, not written by toString. */
    @Test
    void nonJsonValuesAreRefused() {
        for (Object v : new Object[] {new Object[] {"a"}, new int[] {1}, 'x', UUID.randomUUID(), Instant.EPOCH, new Object()}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.write(map("v", v)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON value");
        }
    }

    /** A lone surrogate is written as an escape, so the text parses back to the same string (jose4j's bytes held '?'). */
    @Test
    void loneSurrogatesRoundTrip() {
        Map<String, Object> m = map("s", "a\ud800b", "\udfff", "\ud83d\ude00\ud83d");
        String json = Json.write(m);
        assertThat(json).isEqualTo("{\"s\":\"a\\uD800b\",\"\\uDFFF\":\"\ud83d\ude00\\uD83D\"}");
        assertThat(Json.parseObject(Json.writeUtf8(m))).isEqualTo(m);
    }

    @Test
    void randomValuesAgree() {
        Random r = new Random(4096L);
        for (int k = 0; k < 20_000; k++) {
            assertAgrees(randomMap(r, 0));
        }
    }

    /** Parsing what write produced gives back the map (for values JSON represents exactly). */
    @Test
    void writtenJsonParsesBackToTheSameTree() {
        Random r = new Random(7L);
        for (int k = 0; k < 5_000; k++) {
            Map<String, Object> m = Json.parseObject(new JsonDifferentialTest.JsonGen(r).document().getBytes(StandardCharsets.UTF_8));
            if (m == null) {
                continue;
            }
            byte[] again = Json.writeUtf8(m);
            JsonDifferentialTest.assertAgrees(again);
            // not exact: an infinite Double is written as null
            if (!JsonDifferentialTest.describe(m).contains("Infinity") && new String(again, StandardCharsets.UTF_8).equals(Json.write(m))) {
                assertThat(JsonDifferentialTest.describe(Json.parseObject(again))).isEqualTo(JsonDifferentialTest.describe(m));
            }
        }
    }

    private static Map<String, Object> randomMap(Random r, int depth) {
        Map<String, Object> m = switch (r.nextInt(3)) {
            case 0 -> new HashMap<>();
            default -> new LinkedHashMap<>();
        };
        int n = r.nextInt(depth == 0 ? 8 : 4);
        for (int k = 0; k < n; k++) {
            m.put(randomString(r), randomValue(r, depth + 1));
        }
        return m;
    }

    private static Object randomValue(Random r, int depth) {
        int k = r.nextInt(depth > 4 ? 10 : 13);
        return switch (k) {
            case 0, 1, 2 -> randomString(r);
            case 3 -> r.nextLong() >> r.nextInt(64);
            case 4 -> r.nextInt();
            case 5 -> switch (r.nextInt(4)) {
                case 0 -> Double.longBitsToDouble(r.nextLong()); // any double, NaNs and infinities too
                case 1 -> (double) r.nextInt(1000) / (1 + r.nextInt(100));
                case 2 -> r.nextDouble() * Math.pow(10, r.nextInt(60) - 30);
                default -> (double) (r.nextLong() >> r.nextInt(64));
            };
            case 6 -> Float.intBitsToFloat(r.nextInt());
            case 7 -> r.nextBoolean();
            case 8 -> null;
            case 9 -> new BigInteger(100, r).negate();
            case 10 -> randomMap(r, depth);
            default -> {
                List<Object> l = new ArrayList<>();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    l.add(randomValue(r, depth + 1));
                }
                yield r.nextBoolean() ? l : Collections.unmodifiableList(l);
            }
        };
    }

    private static String randomString(Random r) {
        int n = r.nextInt(r.nextInt(10) == 0 ? 100 : 10);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < n; k++) {
            int kind = r.nextInt(10);
            sb.append(kind < 5 ? (char) (0x20 + r.nextInt(0x60))
                    : kind < 7 ? (char) r.nextInt(0x100)
                    : kind < 8 ? (char) (0x1FF0 + r.nextInt(0x120))
                    : kind < 9 ? (char) r.nextInt(0x10000)
                    : r.nextBoolean() ? "\ud83d\ude00" : String.valueOf((char) (0xD800 + r.nextInt(0x800))));
        }
        return sb.toString();
    }
}

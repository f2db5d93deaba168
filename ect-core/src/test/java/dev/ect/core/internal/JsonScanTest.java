package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** V-02: the parser's eight-bytes-at-a-time string scan stops exactly where the byte-wise scan would. */
class JsonScanTest {
    /** The byte-wise rule: a byte that ends or escapes a string, a control character or non-ASCII. */
    private static boolean special(byte c) { return c == '"' || c == '\\' || c < 0x20; }

    private static long word(byte[] b) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(); }

    @Test
    @DisplayName("V-02: plain8 is true exactly when none of the eight bytes is special, for every byte value at every position and random words")
    void v02Plain8MatchesTheByteRule() {
        for (int pos = 0; pos < 8; pos++) {
            for (int v = 0; v < 256; v++) {
                byte[] b = "abcdefgh".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                b[pos] = (byte) v;
                assertThat(Json.plain8(word(b))).as("byte %02x at %d", v, pos).isEqualTo(!special((byte) v));
            }
        }
        Random r = new Random(8);
        byte[] pool = {'a', 'Z', '0', ' ', '~', 0x7F, '"', '\\', 0x1F, 0x00, (byte) 0x80, (byte) 0xFF, (byte) 0xC3, '!', '#', '[', ']'};
        for (int n = 0; n < 200_000; n++) {
            byte[] b = new byte[8];
            boolean any = false;
            for (int k = 0; k < 8; k++) {
                b[k] = r.nextInt(4) == 0 ? pool[r.nextInt(pool.length)] : (byte) r.nextInt(256);
                any |= special(b[k]);
            }
            assertThat(Json.plain8(word(b))).isEqualTo(!any);
        }
    }

    @Test
    @DisplayName("V-02: strings of every length with a special byte at every place parse as the byte-wise parser did (the differential oracle)")
    void v02StringsAroundTheWordBoundaries() {
        for (int len = 0; len < 40; len++) {
            for (int at = -1; at < len; at++) {
                for (String special : new String[] {"\\\"", "\\\\", "\\n", "\\u00e9", "\u00e9", "\ud83d\ude00", "/"}) {
                    StringBuilder v = new StringBuilder("x".repeat(len));
                    if (at >= 0) {
                        v.insert(at, special);
                    }
                    String json = "{\"k\":\"" + v + "\",\"n\":1}";
                    byte[] utf8 = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    assertThat(Json.parseObject(utf8)).as(json).isEqualTo(JoseJsonOracle.parseObject(utf8)).isNotNull();
                    // a raw control character, a cut string, an invalid UTF-8 byte at that place: refused by both
                    for (byte bad : new byte[] {0x01, 0x1F, (byte) 0xFF, (byte) 0x80}) {
                        byte[] broken = utf8.clone();
                        broken[6 + Math.max(at, 0)] = bad;
                        assertThat(Json.parseObject(broken)).as("%s with %02x", json, bad).isEqualTo(JoseJsonOracle.parseObject(broken)).isNull();
                    }
                    byte[] cut = java.util.Arrays.copyOf(utf8, 6 + len);
                    assertThat(Json.parseObject(cut)).isNull();
                }
            }
        }
    }
}

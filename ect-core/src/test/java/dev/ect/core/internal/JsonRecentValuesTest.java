package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** C-01, C-02: the typed claims read reuses the last iss and aud String only for the very same value. */
class JsonRecentValuesTest {
    private static ClaimValues read(String issJson, String audJson) {
        String json = "{\"iss\":" + issJson + ",\"aud\":" + audJson + ",\"iat\":1772323200,\"exp\":1772323800,"
                + "\"jti\":\"8f8d3f6c-2b0a-4a53-9b84-3f8e1c1d2a10\",\"exec_act\":\"a\",\"pred\":[]}";
        return Json.claimValues(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("C-01 C-02: iss and aud values in turn (prefixes, extensions, escapes, non-ASCII) read as themselves; a repeated plain value is one String")
    void c01ValuesInTurnReadAsThemselves() {
        String[][] values = {
            {"\"spiffe://a\"", "spiffe://a"}, {"\"spiffe://ab\"", "spiffe://ab"}, {"\"spiffe://a\"", "spiffe://a"},
            {"\"spiffe://\"", "spiffe://"}, {"\"spiffe://a\\\"\"", "spiffe://a\""}, {"\"spiffe://a\\u0062\"", "spiffe://ab"},
            {"\"spiffe://\u00e9\"", "spiffe://\u00e9"}, {"\"spiffe://a\"", "spiffe://a"}, {"\"spiffe://b\"", "spiffe://b"},
            {"\"spiffe://a\\/\"", "spiffe://a/"}, {"\"spiffe://a/\"", "spiffe://a/"}};
        Random r = new Random(2);
        String lastPlainIss = null;
        ClaimValues last = null;
        for (int n = 0; n < 2000; n++) {
            String[] iss = values[r.nextInt(values.length)];
            String[] aud = values[r.nextInt(values.length)];
            ClaimValues c = read(iss[0], aud[0]);
            assertThat(c).isNotNull();
            assertThat(c.iss).isEqualTo(iss[1]);
            assertThat(c.aud).isEqualTo(List.of(aud[1]));
            boolean plain = iss[0].length() == iss[1].length() + 2 && iss[1].chars().allMatch(ch -> ch < 0x80);
            if (plain && iss[1].equals(lastPlainIss) && last != null) {
                assertThat(c.iss).isSameAs(last.iss); // the same value: the same String
            }
            lastPlainIss = plain ? iss[1] : lastPlainIss;
            last = plain ? c : last;
        }
        // an aud array and an empty iss still take their own paths
        assertThat(read("\"spiffe://a\"", "[\"spiffe://a\",\"spiffe://b\"]").aud).containsExactly("spiffe://a", "spiffe://b");
        assertThat(read("\"\"", "\"spiffe://a\"")).isNull();
        assertThat(read("7", "\"spiffe://a\"")).isNull();
    }
}

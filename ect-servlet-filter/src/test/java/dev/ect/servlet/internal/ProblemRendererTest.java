package dev.ect.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProblemRendererTest {
    @Test
    @DisplayName("T-05 the problem+json body is valid JSON with type, title, status, detail and ect_error, even for hostile details")
    void bodyIsValidJsonWithEveryMemberOfT05EvenForHostileDetails() throws Exception {
        // T-05: detail text may carry token-derived strings (an iss, a kid): they must stay inside the string
        String detail = "no key 'k\"},\"x\":1' for issuer \u0000\n\u00e9\u2028\\";
        String body = ProblemRenderer.body(403, "unknown_key", "No key", detail);
        Map<String, Object> m = JsonUtil.parseJson(body);
        assertThat(m).containsOnlyKeys("type", "title", "status", "detail", "ect_error");
        assertThat(m).containsEntry("detail", detail)
                .containsEntry("ect_error", "unknown_key")
                .containsEntry("status", 403L)
                .containsEntry("type", "https://ect.dev/problems/unknown_key");
        assertThat(body.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as("printable ASCII only").isTrue();
    }
}

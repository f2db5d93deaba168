package dev.ect.okhttp;

import dev.ect.core.client.EctRequestOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ResolversTest {
    private static final String B = "spiffe://example.com/agent/b";
    private static final String C = "spiffe://example.com/agent/c";

    @Test
    void byHostPrefersHostAndPortOverHostAndIgnoresCase() {
        // M-06
        AudienceResolver r = AudienceResolver.byHost(Map.of("B.internal:8443", B, "b.internal", C, "[::1]:9000", C));
        assertThat(r.resolve(HttpUrl.get("https://b.internal:8443/x"))).containsExactly(B);
        assertThat(r.resolve(HttpUrl.get("https://B.INTERNAL/x"))).containsExactly(C); // port 443, host-only key
        assertThat(r.resolve(HttpUrl.get("http://[::1]:9000/"))).containsExactly(C);
        assertThat(r.resolve(HttpUrl.get("http://other:8443/"))).isEmpty();
    }

    @Test
    void byHostRejectsBadKeysAndIds() {
        assertThatThrownBy(() -> AudienceResolver.byHost(Map.of("b:0", B))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> AudienceResolver.byHost(Map.of("b:http", B))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AudienceResolver.byHost(Map.of("::1:80", B))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("brackets");
        assertThatThrownBy(() -> AudienceResolver.byHost(Map.of(" ", B))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AudienceResolver.byHost(Map.of("b", " "))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fixedAndOrElseCompose() {
        AudienceResolver r = AudienceResolver.byHost(Map.of("b", B)).orElse(AudienceResolver.fixed(C, "spiffe://example.com/ledger"));
        assertThat(r.resolve(HttpUrl.get("http://b/"))).containsExactly(B);
        assertThat(r.resolve(HttpUrl.get("http://z/"))).containsExactly(C, "spiffe://example.com/ledger");
        AudienceResolver nullFirst = ((AudienceResolver) url -> null).orElse(AudienceResolver.fixed(B));
        assertThat(nullFirst.resolve(HttpUrl.get("http://z/"))).containsExactly(B);
    }

    @Test
    void defaultExecActIsMethodAndPathCutTo256Characters() {
        // C-07
        ExecActResolver r = ExecActResolver.methodAndPath();
        assertThat(r.resolve(new Request.Builder().url("http://b/v1/review?secret=1").build())).isEqualTo("GET /v1/review");
        String longPath = "/" + "p".repeat(400);
        String act = r.resolve(new Request.Builder().url("http://b" + longPath).build());
        assertThat(act).hasSize(256).startsWith("GET /ppp");
    }

    @Test
    @DisplayName("C-07 exec_act limits count characters (code points), as the verifier does")
    void c07ExecActLimitsCountCodePoints() {
        String emoji = "\ud83d\ude00";
        // 256 emoji are 512 UTF-16 units but 256 characters: allowed; one more is not
        assertThat(EctRequestOptions.builder().execAct(emoji.repeat(256)).build().execAct()).isEqualTo(emoji.repeat(256));
        assertThatThrownBy(() -> EctRequestOptions.builder().execAct(emoji.repeat(257)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
        // the default resolver cuts a long path at 256 characters (an encoded path is ASCII)
        Request r = new Request.Builder().url("http://b.internal/" + "p".repeat(300)).build();
        assertThat(ExecActResolver.methodAndPath().resolve(r)).hasSize(256).startsWith("GET /ppp");
    }
}

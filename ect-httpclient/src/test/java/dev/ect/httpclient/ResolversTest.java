package dev.ect.httpclient;

import dev.ect.core.client.AudienceResolver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ResolversTest {
    private static final String B = "spiffe://example.com/agent/b";
    private static final String C = "spiffe://example.com/agent/c";

    @Test
    @DisplayName("M-06: byHost prefers host:port over host, ignores case, fills in the scheme's default port")
    void byHostPrefersHostAndPortOverHostAndIgnoresCase() {
        AudienceResolver r = AudienceResolver.byHost(Map.of("B.internal:8443", B, "b.internal", C, "[::1]:9000", C, "d.internal:443", B));
        assertThat(r.resolve(URI.create("https://b.internal:8443/x"))).containsExactly(B);
        assertThat(r.resolve(URI.create("https://B.INTERNAL/x"))).containsExactly(C); // port 443, host-only key
        assertThat(r.resolve(URI.create("https://d.internal/x"))).containsExactly(B); // no port: https = 443
        assertThat(r.resolve(URI.create("http://d.internal/x"))).isEmpty(); // http = 80
        assertThat(r.resolve(URI.create("http://[::1]:9000/"))).containsExactly(C);
        assertThat(r.resolve(URI.create("http://other:8443/"))).isEmpty();
        assertThat(r.resolve(URI.create("mailto:someone@example.com"))).isEmpty(); // no host
        assertThat(AudienceResolver.port(URI.create("ws://x/"))).isEqualTo(-1);
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
        assertThatThrownBy(() -> AudienceResolver.fixed(B, " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fixedAndOrElseCompose() {
        AudienceResolver r = AudienceResolver.byHost(Map.of("b", B)).orElse(AudienceResolver.fixed(C, "spiffe://example.com/ledger"));
        assertThat(r.resolve(URI.create("http://b/"))).containsExactly(B);
        assertThat(r.resolve(URI.create("http://z/"))).containsExactly(C, "spiffe://example.com/ledger");
        AudienceResolver nullFirst = ((AudienceResolver) uri -> null).orElse(AudienceResolver.fixed(B));
        assertThat(nullFirst.resolve(URI.create("http://z/"))).containsExactly(B);
    }

    @Test
    @DisplayName("C-07: the default exec_act is METHOD /path without query, / for an empty path, cut to 256 characters")
    void defaultExecActIsMethodAndPathCutTo256Characters() {
        ExecActResolver r = ExecActResolver.methodAndPath();
        assertThat(r.resolve(HttpRequest.newBuilder(URI.create("http://b/v1/review?secret=1")).build())).isEqualTo("GET /v1/review");
        assertThat(r.resolve(HttpRequest.newBuilder(URI.create("http://b")).DELETE().build())).isEqualTo("DELETE /");
        String act = r.resolve(HttpRequest.newBuilder(URI.create("http://b/" + "p".repeat(400))).build());
        assertThat(act).hasSize(256).startsWith("GET /ppp");
    }
}

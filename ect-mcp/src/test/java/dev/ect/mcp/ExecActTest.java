package dev.ect.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctSigner;
import dev.ect.core.EctText;
import dev.ect.core.EctVerifier;
import dev.ect.core.LogSafe;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExecActTest {
    static final List<String> HOSTILE = List.of("", " ", "search", "a.b", "a/b", "../../etc/passwd", "%", "%25", "a%2Fb",
            "\u0000", "tab\there", "line\nbreak", "\u001b[31mred", "\u202Eevil", "\u2028", "\uD800", "x\uDC00y",
            "\uD83D\uDCA5", "ä", "名前", "\"quoted\"", "back\\slash", "a".repeat(128), "a".repeat(10_000),
            "\uD83D\uDCA5".repeat(300), "%".repeat(300), "mcp.tools.call.x", "~", "a~b");

    @Test
    @DisplayName("C-07, T-11: exec_act for hostile tool names is 1..256 printable ASCII characters, and mints and verifies")
    void hostileToolNamesGiveLegalExecActs() {
        EctKeyPair key = EctKeys.generate(EctAlgorithm.ES256, "k1");
        EctSigner signer = EctSigner.builder(key).build();
        EctVerifier verifier = EctVerifier.builder().verifierId("spiffe://t/b")
                .keySource(StaticKeySource.builder().key("spiffe://t/a", key).build()).build();
        Set<String> seen = new HashSet<>();
        for (String name : HOSTILE) {
            String act = EctMcp.execAct(EctMcp.TOOLS_CALL, name);
            assertThat(act).startsWith("mcp.tools.call.");
            assertThat(act.length()).isBetween(1, EctText.MAX_EXEC_ACT);
            assertThat(act.chars()).allMatch(c -> c > 0x20 && c < 0x7f);
            assertThat(LogSafe.escape(act, 1000)).isEqualTo(act); // nothing to escape in a log line
            assertThat(seen.add(act)).as("distinct exec_act for %s", name).isTrue();
            String token = signer.mint(Ect.builder().iss("spiffe://t/a").aud("spiffe://t/b").execAct(act).build()).compact();
            assertThat(verifier.verify(token).ect().execAct()).isEqualTo(act);
        }
    }

    @Test
    @DisplayName("C-07: the forms of the mapping: method slashes as dots, reserved characters percent-encoded, long names cut with a hash")
    void mappingForms() {
        assertThat(EctMcp.execAct("tools/call", "search")).isEqualTo("mcp.tools.call.search");
        assertThat(EctMcp.execAct("tools/call", "web.search-v2_x")).isEqualTo("mcp.tools.call.web.search-v2_x");
        assertThat(EctMcp.execAct("tools/call", "a/b c")).isEqualTo("mcp.tools.call.a%2Fb%20c");
        assertThat(EctMcp.execAct("tools/call", "ä")).isEqualTo("mcp.tools.call.%C3%A4");
        assertThat(EctMcp.execAct("tools/call", "\uD800")).isEqualTo("mcp.tools.call.%EF%BF%BD");
        assertThat(EctMcp.execAct("resources/read", "ignored")).isEqualTo("mcp.resources.read");
        assertThat(EctMcp.execAct("prompts/get", "p")).isEqualTo("mcp.prompts.get.p");
        assertThat(EctMcp.execAct("x.y/z", null)).isEqualTo("mcp.x%2Ey.z");
        assertThat(EctMcp.execAct(null, null)).isEqualTo("mcp.unknown");
        String longA = EctMcp.execAct("tools/call", "a".repeat(1000));
        String longB = EctMcp.execAct("tools/call", "a".repeat(999) + "b");
        assertThat(longA).hasSize(233 + 23).contains("~").isNotEqualTo(longB);
        String pct = EctMcp.execAct("tools/call", "%".repeat(300));
        assertThat(pct.substring(0, pct.indexOf('~'))).matches("mcp\\.tools\\.call\\.(%25)+");
    }
}

package dev.ect.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the MCP agents demo once (four SDK agents over real HTTP) and checks what it claims. */
class McpAgentsDemoTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("F-03, V-14, V-08: the MCP demo's fan-out/fan-in DAG, replay and forgery refused, ledger intact")
    void theMcpDemoPassesItsChecks() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<String> failures = McpAgentsDemo.run(dir, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertThat(failures).as(printed).isEmpty();
        assertThat(printed).contains("OK: fan-out/fan-in DAG over MCP")
                .contains("replayed tool call  -> 403 replay")
                .contains("forged ECT          -> 403 invalid_signature")
                .contains("flowchart TD");
        assertThat(Files.readString(dir.resolve("workflow.mmd"))).contains("-->");
        assertThat(Files.readAllLines(dir.resolve("ledger.jsonl"))).hasSize(8);
    }
}

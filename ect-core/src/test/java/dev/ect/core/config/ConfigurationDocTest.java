package dev.ect.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/CONFIGURATION.md's table is {@link EctOption}: one row per constant, in order, with its names, default and rule. */
class ConfigurationDocTest {
    private static final Path DOC = Path.of("../docs/CONFIGURATION.md");

    @Test
    void theTableListsExactlyTheOptions() throws Exception {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
            if (line.startsWith("| `") && line.split("\\|").length > 6) {
                rows.add(line);
            }
        }
        List<String> names = new ArrayList<>();
        for (String row : rows) {
            String[] cells = row.split("\\|", -1);
            String name = cells[1].trim().replace("`", "");
            names.add(name);
            EctOption o = EctOption.valueOf(name);
            assertThat(cells[2].trim()).as(name).isEqualTo("`" + o.property() + "`");
            assertThat(cells[3].trim()).as(name).isEqualTo("`" + o.env() + "`");
            assertThat(cells[4].trim()).as(name).isEqualTo(o.cliOption().map(c -> "`" + c + "`").orElse(""));
            assertThat(cells[5].trim()).as(name).isEqualTo(o.defaultValue().map(d -> "`" + d + "`").orElse("none"));
            assertThat(cells[6].trim()).as(name).isEqualTo(o.ruleId());
        }
        List<String> expected = new ArrayList<>();
        for (EctOption o : EctOption.values()) {
            expected.add(o.name());
        }
        assertThat(names).containsExactlyElementsOf(expected);
    }
}

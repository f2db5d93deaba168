package dev.ect.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctSettings;
import dev.ect.core.internal.ClaimRules;
import dev.ect.core.internal.Json;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.JwksUrlKeySource;
import dev.ect.hardening.http.HostileCase;
import dev.ect.hardening.http.HostileCases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.HttpConfiguration;
import org.junit.jupiter.api.Test;

/**
 * SECURITY.md (repository root) states numbers that the code and the tests define; this test reads
 * its two tables and compares them, so the document cannot drift:
 *
 * <ul>
 *   <li>the hostile-input table: rows per category and accepted boundary rows, computed from
 *       {@link HostileCases};
 *   <li>the bounds table: each bound's default, read from the code (settings defaults, constants,
 *       builder defaults); every bound the code has must be listed, and nothing else.
 * </ul>
 */
class SecurityMdTest {
    private static List<String> section(String begin, String end) throws IOException {
        Path md = Path.of(System.getProperty("basedir", "."), "..", "SECURITY.md");
        List<String> lines = Files.readAllLines(md, StandardCharsets.UTF_8);
        int from = lines.indexOf("<!-- " + begin + " -->");
        int to = lines.indexOf("<!-- " + end + " -->");
        assertThat(from).as("marker %s in SECURITY.md", begin).isNotNegative();
        assertThat(to).as("marker %s in SECURITY.md", end).isGreaterThan(from);
        List<String> rows = new ArrayList<>();
        for (String l : lines.subList(from + 1, to)) {
            if (l.startsWith("|") && !l.matches("\\|[\\s:|-]+\\|")) {
                rows.add(l);
            }
        }
        return rows.subList(1, rows.size()); // without the header row
    }

    private static String[] cells(String row) {
        String[] raw = row.substring(1, row.length() - 1).split("\\|", -1);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = raw[i].trim().replace("`", "").replace("*", "");
        }
        return raw;
    }

    private static long number(String cell) { return Long.parseLong(cell.replace(",", "").trim()); }

    @Test
    void hostileSuiteCountsMatchTheCaseTable() throws IOException {
        Map<String, String> documented = new LinkedHashMap<>();
        for (String row : section("hostile-counts:begin", "hostile-counts:end")) {
            String[] c = cells(row);
            documented.put(c[0], number(c[1]) + "/" + number(c[2]));
        }
        Map<String, String> actual = new LinkedHashMap<>();
        int total = 0;
        int accepted = 0;
        for (Map.Entry<HostileCase.Category, int[]> e : HostileCases.counts().entrySet()) {
            actual.put(e.getKey().label(), e.getValue()[0] + "/" + e.getValue()[1]);
            total += e.getValue()[0];
            accepted += e.getValue()[1];
        }
        actual.put("total", total + "/" + accepted);
        assertThat(documented).as("SECURITY.md hostile-input table (rows/accepted); expected:%n%s", table(actual))
                .containsExactlyEntriesOf(actual);
    }

    private static String table(Map<String, String> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v.replace("/", " | ")).append(" |\n"));
        return b.toString();
    }

    @Test
    void boundsTableMatchesTheCode() throws Exception {
        EctSettings d = EctSettings.defaults();
        Map<String, Long> actual = new LinkedHashMap<>();
        actual.put("HttpConfiguration.requestHeaderSize", (long) new HttpConfiguration().getRequestHeaderSize());
        actual.put("EctSettings.maxTokenBytes", (long) d.maxTokenBytes());
        actual.put("Json.MAX_PARSE_DEPTH", (long) Json.MAX_PARSE_DEPTH);
        actual.put("EctSettings.maxPred", (long) d.maxPred());
        actual.put("ClaimRules.MAX_EXEC_ACT", (long) ClaimRules.MAX_EXEC_ACT);
        actual.put("ClaimRules.MAX_EXT_BYTES", (long) ClaimRules.MAX_EXT_BYTES);
        actual.put("ClaimRules.MAX_EXT_DEPTH", (long) ClaimRules.MAX_EXT_DEPTH);
        actual.put("EctSettings.maxAncestors", (long) d.maxAncestors());
        actual.put("EctSettings.dagTimeout", d.dagTimeout().toSeconds());
        actual.put("EctSettings.replayCacheSize", (long) d.replayCacheSize());
        actual.put("EctSettings.replayTtl", d.replayTtl().toSeconds());
        actual.put("EctSettings.maxAge", d.maxAge().toSeconds());
        actual.put("EctSettings.maxFuture", d.maxFuture().toSeconds());
        actual.put("EctKeys.MAX_JWKS_CHARS", (long) EctKeys.MAX_JWKS_CHARS);
        actual.put("EctKeys.MAX_JWKS_KEYS", (long) EctKeys.MAX_JWKS_KEYS);
        actual.put("JwksUrlKeySource.connectTimeout", builderDefault("connectTimeout").toSeconds());
        actual.put("JwksUrlKeySource.readTimeout", builderDefault("readTimeout").toSeconds());
        actual.put("JwksUrlKeySource.cooldown", builderDefault("cooldown").toSeconds());
        actual.put("JwksUrlKeySource.ttl", builderDefault("ttl").toSeconds());
        actual.put("JwksUrlKeySource.maxStale", builderDefault("maxStale").toSeconds());

        Map<String, Long> documented = new LinkedHashMap<>();
        for (String row : section("bounds:begin", "bounds:end")) {
            String[] c = cells(row);
            documented.put(c[1], number(c[2]));
        }
        assertThat(documented).as("SECURITY.md bounds table: name -> default").containsExactlyInAnyOrderEntriesOf(actual);
    }

    /** A default of JwksUrlKeySource.Builder (it has no getters): read from a fresh builder. */
    private static Duration builderDefault(String field) throws ReflectiveOperationException {
        JwksUrlKeySource.Builder b = JwksUrlKeySource.builder();
        java.lang.reflect.Field f = JwksUrlKeySource.Builder.class.getDeclaredField(field);
        f.setAccessible(true);
        return (Duration) f.get(b);
    }
}

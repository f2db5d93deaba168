package dev.ect.hardening.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.ReasonCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The project standard, checked over the whole repository: every rule id in the tables of
 * docs/ECT-PROFILE.md ({@code | X-NN |} rows, every section) is named by a test method of some
 * module, and every {@link ReasonCode} constant is asserted by some test. "Named" and "asserted"
 * are defined in {@link TestSources}: the method name or a {@code @DisplayName}, never a comment or
 * a string; {@code ReasonCode.X} in test code, or the code string as the {@code "expect"} (or
 * {@code "expect": {"reason": ...}}) of a JSON test vector under {@code src/test/resources}.
 *
 * <p>The sources read are {@code <module>/src/test/java/**}{@code /*.java} for every directory of
 * the repository root (resolved as the parent of the {@code basedir} system property that surefire
 * sets); this module runs late in the reactor, after every module it reads has been built.
 */
class RuleCoverageTest {
    private static final Pattern RULE_ROW = Pattern.compile("^\\| ([A-Z]-\\d{2}[a-z]?) \\|");

    static Path repositoryRoot() {
        Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
        assertThat(root.resolve("docs/ECT-PROFILE.md")).as("repository root from basedir").isRegularFile();
        return root;
    }

    /** The rule ids of the profile's tables, in document order. */
    static List<String> profileRuleIds(List<String> lines) {
        Set<String> ids = new LinkedHashSet<>();
        for (String l : lines) {
            Matcher m = RULE_ROW.matcher(l);
            if (m.find()) {
                ids.add(m.group(1));
            }
        }
        return List.copyOf(ids);
    }

    private static List<Path> files(Path root, String under, String suffix) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : (Iterable<Path>) modules.filter(Files::isDirectory).sorted()::iterator) {
                Path dir = module.resolve(under);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (Stream<Path> all = Files.walk(dir)) {
                    all.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(suffix)).sorted().forEach(out::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<TestSources.Scan> scans(Path root) {
        List<TestSources.Scan> scans = new ArrayList<>();
        for (Path f : files(root, "src/test/java", ".java")) {
            scans.add(TestSources.scan(read(f)));
        }
        return scans;
    }

    /** The reason code strings a JSON vector expects: {@code "expect": "code"} or {@code "expect": {"reason": "code"}}, at any depth. */
    static Set<String> expectedCodes(String json) {
        Set<String> out = new TreeSet<>();
        try {
            collect(JsonUtil.parseJson(json), out);
        } catch (JoseException e) {
            throw new IllegalArgumentException("not a JSON object", e);
        }
        return out;
    }

    private static void collect(Object node, Set<String> out) {
        if (node instanceof Map<?, ?> m) {
            Object expect = m.get("expect");
            if (expect instanceof String s) {
                out.add(s);
            } else if (expect instanceof Map<?, ?> e && e.get("reason") instanceof String s) {
                out.add(s);
            }
            m.values().forEach(v -> collect(v, out));
        } else if (node instanceof Collection<?> c) {
            c.forEach(v -> collect(v, out));
        }
    }

    @Test
    @DisplayName("every rule id of docs/ECT-PROFILE.md (all sections) is named by a test method's name or @DisplayName")
    void everyProfileRuleIdIsNamedByATestMethod() throws IOException {
        Path root = repositoryRoot();
        List<String> ids = profileRuleIds(Files.readAllLines(root.resolve("docs/ECT-PROFILE.md"), StandardCharsets.UTF_8));
        Set<Character> sections = new TreeSet<>();
        ids.forEach(id -> sections.add(id.charAt(0)));
        assertThat(sections).as("sections of the profile's rule tables").contains('H', 'C', 'T', 'V', 'G', 'P', 'M', 'F', 'K', 'L');

        List<TestSources.TestMethod> methods = new ArrayList<>();
        scans(root).forEach(s -> methods.addAll(s.testMethods()));
        assertThat(methods).as("test methods found in */src/test/java").hasSizeGreaterThan(500);

        List<String> missing = new ArrayList<>();
        for (String id : ids) {
            if (methods.stream().noneMatch(m -> m.names(id))) {
                missing.add(id);
            }
        }
        assertThat(missing).as("rule ids of docs/ECT-PROFILE.md that no test method names (name or @DisplayName)").isEmpty();
    }

    @Test
    @DisplayName("every ReasonCode constant is asserted by a test (ReasonCode.X in test code, or a JSON vector's expect)")
    void everyReasonCodeIsAssertedByATest() {
        Path root = repositoryRoot();
        Set<String> referenced = new TreeSet<>();
        scans(root).forEach(s -> referenced.addAll(s.reasonCodeRefs()));
        Set<String> expected = new TreeSet<>();
        for (Path f : files(root, "src/test/resources", ".json")) {
            String json = read(f);
            if (json.stripLeading().startsWith("{")) {
                expected.addAll(expectedCodes(json));
            }
        }
        List<String> missing = new ArrayList<>();
        for (ReasonCode c : ReasonCode.values()) {
            if (!referenced.contains(c.name()) && !expected.contains(c.code())) {
                missing.add(c.name());
            }
        }
        assertThat(missing).as("ReasonCode constants no test asserts").isEmpty();
    }
}

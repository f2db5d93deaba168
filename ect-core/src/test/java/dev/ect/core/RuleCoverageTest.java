package dev.ect.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the rule-to-test map of issue 2 true: every rule id of profile sections 2, 3 (T-03), 4, 6,
 * 10 and 11 handled by ect-core (and the issuer-scoped DAG rules G-01, G-07) is named by a test (name or comment), and every reason code those
 * steps produce is asserted by a test. Reads the test sources (surefire runs in the module directory).
 */
class RuleCoverageTest {
    private static final List<String> RULES = List.of(
            "H-01", "H-02", "H-03", "H-04", "H-05", "H-06",
            "C-01", "C-02", "C-03", "C-04", "C-05", "C-06", "C-07", "C-08", "C-09", "C-10", "C-11", "C-11a", "C-12", "C-13",
            "T-03",
            "V-01", "V-02", "V-03", "V-04", "V-05", "V-06", "V-07", "V-08", "V-09", "V-10", "V-11", "V-12", "V-14",
            "G-01", "G-07",
            "P-01", "P-02", "P-03", "P-04",
            "M-01", "M-02", "M-03", "M-07",
            "F-01", "F-03", "F-05",
            "K-01", "K-02", "K-03", "K-04", "K-05");

    private static final List<ReasonCode> CODES = List.of(ReasonCode.TOKEN_TOO_LARGE, ReasonCode.MALFORMED_TOKEN,
            ReasonCode.LEVEL_BELOW_MINIMUM, ReasonCode.INVALID_TYP, ReasonCode.UNSUPPORTED_ALG, ReasonCode.MISSING_KID,
            ReasonCode.UNSUPPORTED_HEADER, ReasonCode.UNKNOWN_KEY, ReasonCode.KEY_SOURCE_UNAVAILABLE,
            ReasonCode.INVALID_SIGNATURE, ReasonCode.MISSING_CLAIM, ReasonCode.INVALID_CLAIM, ReasonCode.INVALID_EXT,
            ReasonCode.PRED_LIMIT_EXCEEDED, ReasonCode.LEGACY_CLAIM, ReasonCode.EXPIRED, ReasonCode.IAT_IN_FUTURE,
            ReasonCode.IAT_TOO_OLD, ReasonCode.AUDIENCE_MISMATCH, ReasonCode.REPLAY, ReasonCode.REPLAY_STORE_FULL,
            ReasonCode.DAG_AMBIGUOUS_PREDECESSOR,
            ReasonCode.REPLAY_STORE_UNAVAILABLE);

    private static String testSources() {
        StringBuilder all = new StringBuilder();
        for (Path root : List.of(Path.of("src/test/java/dev/ect/core"), Path.of("src/test/resources/vectors"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    if (!f.getFileName().toString().equals("RuleCoverageTest.java") && !f.getFileName().toString().equals("ValueTypesTest.java")) {
                        all.append(Files.readString(f, StandardCharsets.UTF_8)).append('\n');
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all.toString();
    }

    @Test
    void everyRuleIdIsNamedByATest() {
        String src = testSources();
        List<String> missing = new ArrayList<>();
        for (String id : RULES) {
            if (!src.contains(id)) {
                missing.add(id);
            }
        }
        assertThat(missing).as("rule ids named by no test").isEmpty();
    }

    @Test
    void everyReasonCodeOfTheseStepsIsAsserted() {
        String src = testSources();
        List<String> missing = new ArrayList<>();
        for (ReasonCode c : CODES) {
            if (!src.contains("ReasonCode." + c.name()) && !src.contains("\"expect\": \"" + c.code() + "\"")) {
                missing.add(c.code());
            }
        }
        assertThat(missing).as("reason codes provoked by no test").isEmpty();
    }
}

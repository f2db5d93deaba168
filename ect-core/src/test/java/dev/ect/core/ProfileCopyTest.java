package dev.ect.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The profile that rule ids in tests and Javadoc point to is in the repository
 * ({@code docs/ECT-PROFILE.md}), so a clone can read it. Where the team's shared profile is beside the
 * checkout ({@code ../shared/spec/ECT-PROFILE.md}, as in CI and in developer sessions), the copy must be
 * identical: a profile change that is not copied fails the build.
 */
class ProfileCopyTest {
    private static final Path COPY = Path.of("../docs/ECT-PROFILE.md");
    private static final Path SHARED = Path.of("../../shared/spec/ECT-PROFILE.md");
    static final Pattern RULE_ROW = Pattern.compile("(?m)^\\| ([A-Z]-\\d{2}[a-z]?) \\|");

    @Test
    void theRepositoryHasTheProfileWithItsRuleTables() throws IOException {
        String copy = Files.readString(COPY, StandardCharsets.UTF_8);
        assertThat(ruleIds(copy)).contains("H-01", "V-15", "G-07", "P-04", "L-11", "K-06", "T-12", "C-11a");
    }

    @Test
    void theCopyIsIdenticalToTheSharedProfileWhenThatIsPresent() throws IOException {
        assumeTrue(Files.isRegularFile(SHARED), "no shared profile beside this checkout");
        String shared = Files.readString(SHARED, StandardCharsets.UTF_8);
        String copy = Files.readString(COPY, StandardCharsets.UTF_8);
        assertThat(ruleIds(copy)).as("rule ids of docs/ECT-PROFILE.md").isEqualTo(ruleIds(shared));
        assertThat(copy).as("docs/ECT-PROFILE.md must be a copy of " + SHARED.normalize()).isEqualTo(shared);
    }

    static List<String> ruleIds(String profile) {
        Matcher m = RULE_ROW.matcher(profile);
        return m.results().map(r -> r.group(1)).sorted().distinct().collect(Collectors.toList());
    }
}

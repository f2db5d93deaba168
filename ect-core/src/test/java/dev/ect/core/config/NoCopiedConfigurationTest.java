package dev.ect.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue #14 step 3, "no copied configuration parsing": the main code of every module names an
 * {@code ECT_*} variable only through {@link EctOption} (so there is one parser, {@link EctConfig}),
 * and reads no variable by name from {@code System.getenv}. A source scan of the repository's modules.
 */
class NoCopiedConfigurationTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern ENV_LITERAL = Pattern.compile("\"ECT_[A-Z0-9_]*");
    private static final Pattern GETENV = Pattern.compile("System\\.getenv\\(\"");

    @Test
    void noEctVariableNameOutsideEctOption() throws IOException {
        List<Path> mains = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            modules.filter(m -> Files.isDirectory(m.resolve("src/main/java"))).forEach(m -> mains.add(m.resolve("src/main/java")));
        }
        assertThat(mains).extracting(p -> p.getParent().getParent().getParent().getFileName().toString())
                .contains("ect-core", "ect-servlet-filter", "ect-cli");
        List<String> found = new ArrayList<>();
        for (Path main : mains) {
            try (Stream<Path> files = Files.walk(main)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                    if (f.endsWith(Path.of("dev/ect/core/config/EctOption.java"))) {
                        continue;
                    }
                    String text = Files.readString(f, StandardCharsets.UTF_8);
                    for (Pattern p : List.of(ENV_LITERAL, GETENV)) {
                        Matcher m = p.matcher(text);
                        while (m.find()) {
                            found.add(ROOT.relativize(f) + ": " + m.group());
                        }
                    }
                }
            }
        }
        assertThat(found).as("ECT_* names outside EctOption (read options through EctConfig / EctOption.X.env())").isEmpty();
    }
}

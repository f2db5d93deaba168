package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The token model and its one codec form no import cycle (issue 14): none of these files refers to
 * a file that refers back to it, counting imports, fully qualified names and same-package simple
 * names in code (comments and string literals are not code). The value classes reach the internal
 * factory's private constructors through method handles, not through a hook they register.
 * (The default signer and verifier live next to their interfaces, package-private in
 * {@code dev.ect.core}; {@code ImportCycleTest} in ect-hardening-tests checks every module.)
 */
class CodecImportCycleTest {
    private static final Path MAIN = Path.of("src", "main", "java");
    private static final List<String> CHECKED = List.of("dev.ect.core.Ect", "dev.ect.core.SignedEct",
            "dev.ect.core.VerifiedEct", "dev.ect.core.internal.EctFactory", "dev.ect.core.internal.EctCodec",
            "dev.ect.core.internal.HeaderCache", "dev.ect.core.internal.ClaimRules", "dev.ect.core.internal.ClaimValues",
            "dev.ect.core.internal.Json",
            "dev.ect.core.ledger.AuditLedger", "dev.ect.core.ledger.LedgerEntry");

    @Test
    void noFileOfTheModelAndCodecIsInATwoFileCycle() throws IOException {
        Map<String, String> code = new HashMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                String name = MAIN.relativize(p).toString().replace('/', '.').replace('\\', '.');
                code.put(name.substring(0, name.length() - ".java".length()), strip(Files.readString(p)));
            }
        }
        assertThat(code).containsKeys(CHECKED.toArray(String[]::new));
        List<String> cycles = new ArrayList<>();
        for (String a : CHECKED) {
            for (String b : refs(a, code)) {
                if (refs(b, code).contains(a)) {
                    cycles.add(a + " <-> " + b);
                }
            }
        }
        assertThat(cycles).isEmpty();
        assertThat(refs("dev.ect.core.SignedEct", code)).containsExactly("dev.ect.core.Ect");
    }

    /** The files of {@code code} that {@code fq}'s code refers to. */
    private static Set<String> refs(String fq, Map<String, String> code) {
        String src = code.get(fq);
        String pkg = fq.substring(0, fq.lastIndexOf('.'));
        Set<String> out = new HashSet<>();
        for (String other : code.keySet()) {
            if (other.equals(fq)) {
                continue;
            }
            String simple = other.substring(other.lastIndexOf('.') + 1);
            boolean samePackage = other.substring(0, other.lastIndexOf('.')).equals(pkg);
            if (word(src, other) || samePackage && word(src, simple)) {
                out.add(other);
            }
        }
        return out;
    }

    private static boolean word(String src, String name) {
        return Pattern.compile("(?<![\\w.])" + Pattern.quote(name) + "(?!\\w)").matcher(src).find()
                || name.contains(".") && src.contains(name);
    }

    /** The source without comments and string or char literals. */
    private static String strip(String s) {
        Matcher m = Pattern.compile("/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'", Pattern.DOTALL)
                .matcher(s);
        return m.replaceAll(" ");
    }
}

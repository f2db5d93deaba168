package dev.ect.hardening.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * No two source files of the main code of any module use each other, directly or through other
 * files (issue #14: "no import cycles in main code, kept so by a test"). What "use" means is in
 * {@link SourceGraph}. A cycle is reported with its files and, per edge, the names that made it.
 *
 * <p>The unit is the file: files of one package may use each other (a sealed hierarchy, an interface
 * and its package-private implementation), but a set of files that use each other must not span two
 * packages. An entry point in {@code dev.ect.core} may build a class of {@code dev.ect.core.internal};
 * that class must then not use the entry point's file: a public interface's implementation lives
 * next to it, package-private, and the internal package holds what it calls.
 */
class ImportCycleTest {

    @Test
    @DisplayName("main code of every module: no import cycle (no files of two packages use each other)")
    void noImportCycleInMainCode() {
        Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
        SourceGraph g = SourceGraph.ofModules(root);
        assertTrue(g.size() > 150, "expected the main sources of all modules below " + root + ", found " + g.size());
        List<List<String>> cycles = g.importCycles();
        assertTrue(cycles.isEmpty(), cycles.size() + " import cycle(s) in main code (files of two or more packages using each other):"
            + cycles.stream().map(c -> "\n  cycle of " + c.size() + " files:" + g.describe(c)).collect(Collectors.joining()));
    }

    // --- the detector itself must see each kind of use ---

    private static Map<String, String> files(String... pathAndSource) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pathAndSource.length; i += 2) {
            m.put("m/src/main/java/" + pathAndSource[i] + "|" + pathAndSource[i], pathAndSource[i + 1]);
        }
        return m;
    }

    @Test
    void findsACycleThroughImports() {
        SourceGraph g = SourceGraph.of(files(
            "p/A.java", "package p;\nimport q.B;\npublic class A { B b; }",
            "q/B.java", "package q;\nimport p.A;\npublic class B { A a; }"));
        assertEquals(List.of(List.of("p.A", "q.B")), g.importCycles());
    }

    @Test
    void aCycleInsideOnePackageIsOneUnitButOneThroughAnotherPackageIsAnImportCycle() {
        SourceGraph same = SourceGraph.of(files(
            "p/A.java", "package p;\npublic interface A { static A make() { return new Impl(); } }",
            "p/Impl.java", "package p;\nclass Impl implements A {}",
            "p/C.java", "package p;\nclass C {}"));
        assertEquals(List.of(List.of("p.A", "p.Impl")), same.stronglyConnected());
        assertEquals(List.of(), same.importCycles());
        assertEquals(java.util.Set.of(), same.uses("p.C"));

        SourceGraph across = SourceGraph.of(files(
            "p/A.java", "package p;\nimport p.internal.Impl;\npublic interface A { static A make() { return new Impl(); } }",
            "p/internal/Impl.java", "package p.internal;\nimport p.A.Nested;\npublic class Impl {}"));
        assertEquals(List.of(List.of("p.A", "p.internal.Impl")), across.importCycles());
    }

    @Test
    void findsCyclesThroughStaticImportsWildcardsAndQualifiedNames() {
        SourceGraph g = SourceGraph.of(files(
            "p/A.java", "package p;\nimport static q.B.helper;\nclass A { int x = helper(); }",
            "q/B.java", "package q;\nclass B { Object o = new p.A(); static int helper() { return 1; } }",
            "r/C.java", "package r;\nimport s.*;\nclass C { D d; }",
            "s/D.java", "package s;\nimport r.*;\nclass D { C c; }"));
        assertEquals(List.of(List.of("p.A", "q.B"), List.of("r.C", "s.D")), g.importCycles());
    }

    @Test
    void commentsStringsAndMemberAccessAreNotUses() {
        SourceGraph g = SourceGraph.of(files(
            "p/A.java", "package p;\n/** see {@link B} */\nclass A { String s = \"B\"; Object o = this.B; // B\n }",
            "p/B.java", "package p;\nclass B { A a; }"));
        assertEquals(List.of(), g.importCycles());
        assertEquals(java.util.Set.of("p.A"), g.uses("p.B"));
    }
}

package dev.ect.hardening.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.hardening.coverage.TestSources.TestMethod;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The scanner {@link RuleCoverageTest} relies on, on small inline sources. */
class TestSourcesTest {
    private static List<TestMethod> methods(String src) { return TestSources.scan(src).testMethods(); }

    private static boolean anyNames(String src, String id) { return methods(src).stream().anyMatch(m -> m.names(id)); }

    @Test
    @DisplayName("an id in a line comment, block comment, Javadoc or string does not name a rule")
    void commentsAndStringsDoNotCount() {
        String src = """
                /** V-08 in Javadoc */
                class A {
                    // V-08 in a line comment
                    @Test
                    void flippedBit() { // V-08: trailing comment
                        /* V-08 block */
                        assertThat("V-08 in a string").isNotNull();
                        String s = \"""
                            V-08 in a text block
                            \""";
                    }
                }
                """;
        assertThat(methods(src)).extracting(TestMethod::methodName).containsExactly("flippedBit");
        assertThat(anyNames(src, "V-08")).isFalse();
    }

    @Test
    @DisplayName("a commented-out test annotation or @DisplayName does not make a test method")
    void commentedOutAnnotationsDoNotCount() {
        String src = """
                class A {
                    // @Test @DisplayName("V-08 x")
                    void v08Helper() {}
                    /* @Test */ void t09Helper() {}
                    @BeforeEach void c11Setup() {}
                    String x = "@Test void h01();";
                }
                """;
        assertThat(methods(src)).isEmpty();
    }

    @Test
    @DisplayName("a @ParameterizedTest name pattern and other annotation strings do not name a rule")
    void annotationStringsOtherThanDisplayNameDoNotCount() {
        String src = """
                class A {
                    @ParameterizedTest(name = "V-08 {0}")
                    @ValueSource(strings = {"V-08"})
                    @Tag("V-08")
                    void flips(String s) {}
                }
                """;
        assertThat(methods(src)).extracting(TestMethod::methodName).containsExactly("flips");
        assertThat(anyNames(src, "V-08")).isFalse();
    }

    @Test
    @DisplayName("@DisplayName on the method, several string literals, and every test annotation kind")
    void displayNamesAndAnnotationKinds() {
        String src = """
                class A {
                    @Test @DisplayName("V-08 a flipped signature bit is invalid_signature") void a() {}
                    @ParameterizedTest(name = "{0}") @ValueSource(strings = {"x)", "y"}) @DisplayName("H-03 " + "alg") void b(String s) {}
                    @org.junit.jupiter.api.RepeatedTest(3) void t09EachFilter() {}
                    @TestFactory Stream<DynamicTest> V10_formats() { return null; }
                    @FuzzTest @DisplayName(SOME_CONSTANT) void k01(FuzzedDataProvider d) {}
                    @Test
                    @DisplayName("\\u0043-01 iss escaped")
                    void d() {}
                }
                """;
        assertThat(methods(src)).extracting(TestMethod::methodName).containsExactly("a", "b", "t09EachFilter", "V10_formats", "k01", "d");
        assertThat(anyNames(src, "V-08")).isTrue();
        assertThat(anyNames(src, "H-03")).isTrue();
        assertThat(anyNames(src, "T-09")).isTrue();
        assertThat(anyNames(src, "V-10")).isTrue();
        assertThat(anyNames(src, "K-01")).isTrue();
        assertThat(anyNames(src, "C-01")).isTrue();
        assertThat(methods(src).get(4).displayNames()).as("a constant display name contributes nothing").isEmpty();
    }

    @Test
    @DisplayName("a class-level @DisplayName applies to the methods of the class and its nested classes, not to siblings")
    void classLevelDisplayName() {
        String src = """
                @DisplayName("F-01 frontier")
                class Outer {
                    @Test void a() {}
                    @Nested @DisplayName("F-02 capture") class Inner {
                        @Test void b() { Runnable r = new Runnable() { public void run() {} }; }
                    }
                    @Test void c() {}
                }
                class Sibling { @Test void d() {} }
                """;
        List<TestMethod> ms = methods(src);
        assertThat(ms).extracting(TestMethod::toString).containsExactly(
                "Outer#a [F-01 frontier]", "Outer.Inner#b [F-02 capture, F-01 frontier]", "Outer#c [F-01 frontier]", "Sibling#d");
        assertThat(ms.get(3).names("F-01")).isFalse();
    }

    @Test
    @DisplayName("a class-level @DisplayName on a class without test methods names nothing")
    void classDisplayNameWithoutTests() {
        assertThat(anyNames("@DisplayName(\"V-01 x\") class A { void helper() {} }", "V-01")).isFalse();
    }

    @Test
    @DisplayName("ids in display names: bounded by non-alphanumerics; C-11a is not C-11; ranges name only their ends")
    void displayNameIdBoundaries() {
        assertThat(TestSources.displayNameNames("V-08/V-09 both", "V-08")).isTrue();
        assertThat(TestSources.displayNameNames("V-08/V-09 both", "V-09")).isTrue();
        assertThat(TestSources.displayNameNames("(T-07) missing", "T-07")).isTrue();
        assertThat(TestSources.displayNameNames("C-11a sub ignored", "C-11")).isFalse();
        assertThat(TestSources.displayNameNames("C-11a sub ignored", "C-11a")).isTrue();
        assertThat(TestSources.displayNameNames("V-100", "V-10")).isFalse();
        assertThat(TestSources.displayNameNames("XV-10", "V-10")).isFalse();
        assertThat(TestSources.displayNameNames("C-01..C-08", "C-01")).isTrue();
        assertThat(TestSources.displayNameNames("C-01..C-08", "C-05")).isFalse();
        assertThat(TestSources.displayNameNames("v-08 lower case", "V-08")).isFalse();
    }

    @Test
    @DisplayName("ids in method names: no dash, at the start or after '_', ended by the end, '_' or an upper-case letter")
    void methodNameIdBoundaries() {
        assertThat(TestSources.methodNameNames("t09EachFilter", "T-09")).isTrue();
        assertThat(TestSources.methodNameNames("V08_flippedBit", "V-08")).isTrue();
        assertThat(TestSources.methodNameNames("checks_c11aSub", "C-11a")).isTrue();
        assertThat(TestSources.methodNameNames("v08_v09_both", "V-09")).isTrue();
        assertThat(TestSources.methodNameNames("k01", "K-01")).isTrue();
        assertThat(TestSources.methodNameNames("c11Accepted", "C-11")).isTrue();
        assertThat(TestSources.methodNameNames("c11aSub", "C-11")).isFalse();
        assertThat(TestSources.methodNameNames("c110", "C-11")).isFalse();
        assertThat(TestSources.methodNameNames("aT09", "T-09")).isFalse();
        assertThat(TestSources.methodNameNames("t09each", "T-09")).isFalse();
        assertThat(TestSources.methodNameNames("T-09", "T-09")).isFalse();
    }

    @Test
    @DisplayName("ReasonCode constants count in code only, also qualified; not in comments or strings")
    void reasonCodeReferences() {
        String src = """
                class A {
                    // ReasonCode.EXPIRED
                    String s = "ReasonCode.REPLAY";
                    @Test void a() { assertThat(r).isEqualTo(ReasonCode.INVALID_SIGNATURE); x(dev.ect.core.ReasonCode.UNKNOWN_KEY); }
                }
                """;
        assertThat(TestSources.scan(src).reasonCodeRefs()).containsExactlyInAnyOrder("INVALID_SIGNATURE", "UNKNOWN_KEY");
    }

    @Test
    @DisplayName("JSON vectors: expect as a string or as an object with reason, at any depth")
    void vectorExpectations() {
        String json = """
                {"vectors": [{"expect": "invalid_claim"}, {"expect": {"accept": false, "reason": "dag_cycle"}},
                             {"expect": {"accept": true}}, {"reason": "not_under_expect"}]}
                """;
        assertThat(RuleCoverageTest.expectedCodes(json)).containsExactlyInAnyOrder("invalid_claim", "dag_cycle");
    }

    @Test
    @DisplayName("profile rule ids are read from '| X-NN |' table rows only")
    void profileRows() {
        List<String> lines = List.of("| H-01 | typ | D |", "| C-11a | `sub` | | x |", "text naming V-99 and | Z-01", "|V-02| no spaces |",
                "| H-01 | duplicate |");
        assertThat(RuleCoverageTest.profileRuleIds(lines)).containsExactly("H-01", "C-11a");
    }
}

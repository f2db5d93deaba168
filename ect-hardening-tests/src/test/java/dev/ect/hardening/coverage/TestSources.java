package dev.ect.hardening.coverage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small Java lexer and scanner for test sources, just enough to say which test methods a source
 * declares and what they are called. It is what {@link RuleCoverageTest} reads, so that a rule id or
 * reason code counts only where the project standard says it does, never in a comment or a string.
 *
 * <p>Definitions (the standard "every rule id is named by a test", made precise):
 *
 * <ul>
 *   <li>A <b>test method</b> is a method annotated {@code @Test}, {@code @ParameterizedTest},
 *       {@code @RepeatedTest}, {@code @TestFactory} or {@code @FuzzTest} (simple or qualified name).
 *   <li>Its <b>names</b> are: the method name; the string of its {@code @DisplayName}; and the
 *       {@code @DisplayName} strings of every class that encloses it (a class-level display name
 *       applies to the methods of the class and of its nested classes). A {@code @DisplayName} whose
 *       value is not made of string literals (a constant) contributes nothing.
 *   <li>A rule id {@code X-NN} (with an optional lower-case suffix, {@code C-11a}) is <b>named</b> by
 *       a display name that contains it with no letter or digit directly before or after it
 *       ({@code "V-08/V-09 ..."} names both; {@code "C-11a"} does not name {@code C-11};
 *       {@code "C-01..C-08"} names only C-01 and C-08).
 *   <li>It is named by a <b>method name</b> that contains it written without the dash
 *       ({@code X} in either case, the digits, the suffix as written in the profile) at the start
 *       of the name or directly after an underscore, followed by the end of the name, an underscore
 *       or an upper-case letter: {@code t09EachFilter}, {@code V08_flippedBit} and
 *       {@code checks_c11aSub} name T-09, V-08 and C-11a; {@code c11Accepted} names C-11, but
 *       {@code c11aSub}, {@code c110} and {@code aT09} do not name C-11 / T-09.
 *   <li>A {@link dev.ect.core.ReasonCode} constant {@code X} is <b>referenced</b> by a source whose
 *       code (not a comment, not a string) contains the tokens {@code ReasonCode . X}.
 * </ul>
 *
 * <p>Comments ({@code //}, block and Javadoc), string literals, text blocks and character literals
 * are lexed as such, so an id in them never looks like an annotation or a name.
 */
final class TestSources {
    static final Set<String> TEST_ANNOTATIONS = Set.of("Test", "ParameterizedTest", "RepeatedTest", "TestFactory", "FuzzTest");
    private static final Set<String> TYPE_KEYWORDS = Set.of("class", "interface", "enum", "record");

    private TestSources() {}

    /** A test method found in a source. */
    record TestMethod(String className, String methodName, List<String> displayNames) {
        /** True when the method name or one of its display names names {@code ruleId}. */
        boolean names(String ruleId) {
            if (methodNameNames(methodName, ruleId)) {
                return true;
            }
            for (String d : displayNames) {
                if (displayNameNames(d, ruleId)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() { return className + "#" + methodName + (displayNames.isEmpty() ? "" : " " + displayNames); }
    }

    /** What one source declares: its test methods and the ReasonCode constants its code refers to. */
    record Scan(List<TestMethod> testMethods, Set<String> reasonCodeRefs) {}

    static boolean displayNameNames(String displayName, String ruleId) {
        return Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(ruleId) + "(?![A-Za-z0-9])").matcher(displayName).find();
    }

    static boolean methodNameNames(String methodName, String ruleId) {
        int dash = ruleId.indexOf('-');
        String letter = ruleId.substring(0, dash);
        String rest = ruleId.substring(dash + 1);
        String regex = "(?:^|_)[" + letter.toUpperCase(Locale.ROOT) + letter.toLowerCase(Locale.ROOT) + "]"
                + Pattern.quote(rest) + "(?=$|_|[A-Z])";
        return Pattern.compile(regex).matcher(methodName).find();
    }

    // ---- lexer ----

    enum Kind { IDENT, STRING, PUNCT, OTHER }

    record Token(Kind kind, String text) {
        boolean is(String s) { return kind != Kind.STRING && text.equals(s); }
    }

    static List<Token> lex(String src) {
        List<Token> out = new ArrayList<>();
        int n = src.length();
        int i = 0;
        while (i < n) {
            char c = src.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                int start = i + 3;
                int j = start;
                while (j < n && !src.startsWith("\"\"\"", j)) {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                out.add(new Token(Kind.STRING, unescape(src.substring(start, Math.min(j, n)))));
                i = Math.min(j + 3, n);
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                String body = src.substring(i + 1, Math.min(j, n));
                out.add(new Token(c == '"' ? Kind.STRING : Kind.OTHER, unescape(body)));
                i = Math.min(j + 1, n);
            } else if (Character.isJavaIdentifierStart(c)) {
                int j = i + 1;
                while (j < n && Character.isJavaIdentifierPart(src.charAt(j))) {
                    j++;
                }
                out.add(new Token(Kind.IDENT, src.substring(i, j)));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i + 1;
                while (j < n && (Character.isJavaIdentifierPart(src.charAt(j))
                        || (src.charAt(j) == '.' && j + 1 < n && Character.isDigit(src.charAt(j + 1))))) {
                    j++;
                }
                out.add(new Token(Kind.OTHER, src.substring(i, j)));
                i = j;
            } else {
                out.add(new Token(Kind.PUNCT, String.valueOf(c)));
                i++;
            }
        }
        return out;
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 's' -> b.append(' ');
                case '\n' -> { } // text block line continuation
                case 'u' -> {
                    while (i + 1 < s.length() && s.charAt(i + 1) == 'u') {
                        i++;
                    }
                    if (i + 4 < s.length()) {
                        b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                }
                default -> b.append(e);
            }
        }
        return b.toString();
    }

    // ---- scanner ----

    private record Annotation(String name, String stringValue) {}

    private record Frame(String name, String displayName, int depth) {}

    static Scan scan(String src) {
        List<Token> t = lex(src);
        List<TestMethod> methods = new ArrayList<>();
        java.util.TreeSet<String> refs = new java.util.TreeSet<>();
        List<Annotation> pending = new ArrayList<>();
        Deque<Frame> classes = new ArrayDeque<>();
        String pendingClass = null;
        String pendingClassDisplay = null;
        int depth = 0;
        for (int i = 0; i < t.size(); i++) {
            Token tok = t.get(i);
            if (tok.is("@") && i + 1 < t.size() && t.get(i + 1).kind() == Kind.IDENT && !t.get(i + 1).is("interface")) {
                int j = i + 1;
                String name = t.get(j).text();
                while (j + 2 < t.size() && t.get(j + 1).is(".") && t.get(j + 2).kind() == Kind.IDENT) {
                    j += 2;
                    name = t.get(j).text();
                }
                String value = null;
                if (j + 1 < t.size() && t.get(j + 1).is("(")) {
                    int open = 0;
                    StringBuilder strings = new StringBuilder();
                    boolean onlyStrings = true;
                    int k = j + 1;
                    for (; k < t.size(); k++) {
                        Token a = t.get(k);
                        if (a.is("(")) {
                            open++;
                        } else if (a.is(")")) {
                            if (--open == 0) {
                                break;
                            }
                        } else if (a.kind() == Kind.STRING) {
                            strings.append(a.text());
                        } else if (!a.is("+")) {
                            onlyStrings = false;
                        }
                    }
                    value = onlyStrings && strings.length() > 0 ? strings.toString() : null;
                    j = k;
                }
                pending.add(new Annotation(name, value));
                i = j;
            } else if (tok.kind() == Kind.IDENT && TYPE_KEYWORDS.contains(tok.text())
                    && (i == 0 || !t.get(i - 1).is(".")) && i + 1 < t.size() && t.get(i + 1).kind() == Kind.IDENT) {
                pendingClass = t.get(i + 1).text();
                pendingClassDisplay = displayName(pending);
                pending.clear();
                i++;
            } else if (tok.is("{")) {
                depth++;
                if (pendingClass != null) {
                    classes.push(new Frame(pendingClass, pendingClassDisplay, depth));
                    pendingClass = null;
                }
                pending.clear();
            } else if (tok.is("}")) {
                if (!classes.isEmpty() && classes.peek().depth() == depth) {
                    classes.pop();
                }
                depth--;
                pending.clear();
            } else if (tok.is(";") || tok.is("=")) {
                pending.clear();
            } else if (tok.kind() == Kind.IDENT && i + 1 < t.size() && t.get(i + 1).is("(") && !pending.isEmpty()) {
                if (pending.stream().anyMatch(a -> TEST_ANNOTATIONS.contains(a.name()))) {
                    List<String> names = new ArrayList<>();
                    String own = displayName(pending);
                    if (own != null) {
                        names.add(own);
                    }
                    List<String> enclosing = new ArrayList<>();
                    for (Frame f : classes) { // innermost first
                        if (f.displayName() != null) {
                            names.add(f.displayName());
                        }
                        enclosing.add(0, f.name());
                    }
                    methods.add(new TestMethod(String.join(".", enclosing), tok.text(), List.copyOf(names)));
                }
                pending.clear();
            } else if (tok.is("ReasonCode") && i + 2 < t.size() && t.get(i + 1).is(".") && t.get(i + 2).kind() == Kind.IDENT) {
                refs.add(t.get(i + 2).text());
            }
        }
        return new Scan(List.copyOf(methods), Set.copyOf(refs));
    }

    private static String displayName(List<Annotation> annotations) {
        for (Annotation a : annotations) {
            if (a.name().equals("DisplayName")) {
                return a.stringValue();
            }
        }
        return null;
    }
}

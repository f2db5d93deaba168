package dev.ect.hardening.coverage;

import dev.ect.hardening.coverage.TestSources.Kind;
import dev.ect.hardening.coverage.TestSources.Token;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Which source file of the main code uses which other one, read from the code itself (not from a
 * compiler), for {@link ImportCycleTest}. A file {@code A} <b>uses</b> a file {@code B} (B's top-level
 * type) when, outside comments and strings:
 *
 * <ul>
 *   <li>A imports B's type, a type nested in it, or a static member of it ({@code import p.B;},
 *       {@code import p.B.Inner;}, {@code import static p.B.m;}, {@code import p.B.*;});
 *   <li>A imports B's package with a wildcard ({@code import p.*;}) and its code names B's simple name;
 *   <li>A is in B's package and its code names B's simple name (not directly after a {@code .});
 *   <li>A's code names B by its qualified name ({@code p.B} or {@code p.B.Inner}).
 * </ul>
 *
 * A name that a variable or method happens to share with a type of the package counts too: the graph
 * errs towards an extra edge, never a missing one.
 */
final class SourceGraph {
    /** A file of the graph, by the qualified name of its top-level type. */
    record Node(String fqn, String path) {}

    private final Map<String, Node> byFqn = new TreeMap<>();
    private final Map<String, Set<String>> edges = new TreeMap<>();
    /** For each edge "a -> b", the names in a that made it. */
    private final Map<String, Set<String>> why = new HashMap<>();

    private SourceGraph() {}

    /** The graph of every {@code src/main/java} tree of every module below {@code root}. */
    static SourceGraph ofModules(Path root) {
        Map<String, String> sources = new LinkedHashMap<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path m : modules.sorted().toList()) {
                Path main = m.resolve("src/main/java");
                if (!Files.isDirectory(main) || !Files.exists(m.resolve("pom.xml"))) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(main)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                        String rel = main.relativize(f).toString().replace('\\', '/');
                        sources.put(root.relativize(f).toString().replace('\\', '/') + "|" + rel, Files.readString(f));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return of(sources);
    }

    /**
     * The graph of the given sources: keys are {@code displayPath|pathBelowSourceRoot}
     * ({@code a/src/main/java/p/B.java|p/B.java}), values the source text.
     */
    static SourceGraph of(Map<String, String> sources) {
        SourceGraph g = new SourceGraph();
        Map<String, Set<String>> typesByPackage = new HashMap<>();
        Map<String, List<Token>> lexed = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            String[] parts = e.getKey().split("\\|", 2);
            String rel = parts[1];
            if (rel.endsWith("package-info.java") || rel.endsWith("module-info.java")) {
                continue;
            }
            String fqn = rel.substring(0, rel.length() - ".java".length()).replace('/', '.');
            g.byFqn.put(fqn, new Node(fqn, parts[0]));
            typesByPackage.computeIfAbsent(packageOf(fqn), k -> new HashSet<>()).add(simpleName(fqn));
            lexed.put(fqn, TestSources.lex(e.getValue()));
        }
        for (Map.Entry<String, List<Token>> e : lexed.entrySet()) {
            g.read(e.getKey(), e.getValue(), typesByPackage);
        }
        return g;
    }

    private void read(String self, List<Token> t, Map<String, Set<String>> typesByPackage) {
        edges.computeIfAbsent(self, k -> new TreeSet<>());
        String pkg = packageOf(self);
        Set<String> wildcardPackages = new HashSet<>();
        int i = 0;
        // package and import declarations
        while (i < t.size()) {
            Token k = t.get(i);
            if (k.is("package") || k.is("import")) {
                boolean isImport = k.is("import");
                int j = i + 1;
                if (isImport && j < t.size() && t.get(j).is("static")) {
                    j++;
                }
                StringBuilder name = new StringBuilder();
                while (j < t.size() && !t.get(j).is(";")) {
                    name.append(t.get(j).text());
                    j++;
                }
                if (isImport) {
                    String n = name.toString();
                    if (n.endsWith(".*")) {
                        String target = n.substring(0, n.length() - 2);
                        if (!addLongestPrefix(self, target, "import " + n)) {
                            wildcardPackages.add(target);
                        }
                    } else {
                        addLongestPrefix(self, n, "import " + n);
                    }
                }
                i = j + 1;
            } else if (k.is("@") || k.kind() == Kind.IDENT && !k.is("package") && !k.is("import")) {
                break;
            } else {
                i++;
            }
        }
        Set<String> samePackage = typesByPackage.getOrDefault(pkg, Set.of());
        for (; i < t.size(); i++) {
            Token k = t.get(i);
            if (k.kind() != Kind.IDENT || (i > 0 && t.get(i - 1).is("."))) {
                continue;
            }
            // a dotted chain starting here: a qualified name?
            StringBuilder chain = new StringBuilder(k.text());
            int j = i;
            while (j + 2 < t.size() && t.get(j + 1).is(".") && t.get(j + 2).kind() == Kind.IDENT) {
                chain.append('.').append(t.get(j + 2).text());
                j += 2;
            }
            if (j > i && addLongestPrefix(self, chain.toString(), chain.toString())) {
                continue;
            }
            String name = k.text();
            if (samePackage.contains(name)) {
                add(self, pkg.isEmpty() ? name : pkg + "." + name, name);
            }
            for (String w : wildcardPackages) {
                if (typesByPackage.getOrDefault(w, Set.of()).contains(name)) {
                    add(self, w + "." + name, name + " (import " + w + ".*)");
                }
            }
        }
    }

    /** Adds an edge to the file of the longest prefix of {@code dotted} that names a file; true if one did. */
    private boolean addLongestPrefix(String self, String dotted, String reason) {
        String n = dotted;
        while (true) {
            if (byFqn.containsKey(n)) {
                add(self, n, reason);
                return true;
            }
            int dot = n.lastIndexOf('.');
            if (dot < 0) {
                return false;
            }
            n = n.substring(0, dot);
        }
    }

    private void add(String from, String to, String reason) {
        if (from.equals(to) || !byFqn.containsKey(to)) {
            return;
        }
        edges.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
        why.computeIfAbsent(from + " -> " + to, k -> new TreeSet<>()).add(reason);
    }

    /** The files {@code fqn} uses. */
    Set<String> uses(String fqn) { return edges.getOrDefault(fqn, Set.of()); }

    /** The number of files in the graph. */
    int size() { return byFqn.size(); }

    /**
     * Every set of files that use each other, directly or through others, and that lie in more than
     * one package: an import cycle. Files of one package that use each other (a sealed hierarchy, an
     * interface and its package-private implementation) are one unit and not reported.
     */
    List<List<String>> importCycles() {
        List<List<String>> out = new ArrayList<>();
        for (List<String> scc : stronglyConnected()) {
            if (scc.stream().map(SourceGraph::packageOf).distinct().count() > 1) {
                out.add(scc);
            }
        }
        return out;
    }

    /** Every set of two or more files that use each other, directly or through others (Tarjan). */
    List<List<String>> stronglyConnected() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : byFqn.keySet()) {
            if (!index.containsKey(v)) {
                strongConnect(v, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private void strongConnect(String root, Map<String, Integer> index, Map<String, Integer> low,
            Deque<String> stack, Set<String> onStack, List<List<String>> out, int[] counter) {
        // iterative Tarjan: a frame is (node, iterator over its successors)
        Deque<Object[]> frames = new ArrayDeque<>();
        frames.push(new Object[] {root, new ArrayList<>(uses(root)).iterator()});
        index.put(root, counter[0]);
        low.put(root, counter[0]++);
        stack.push(root);
        onStack.add(root);
        while (!frames.isEmpty()) {
            Object[] f = frames.peek();
            String v = (String) f[0];
            @SuppressWarnings("unchecked")
            java.util.Iterator<String> it = (java.util.Iterator<String>) f[1];
            if (it.hasNext()) {
                String w = it.next();
                if (!index.containsKey(w)) {
                    index.put(w, counter[0]);
                    low.put(w, counter[0]++);
                    stack.push(w);
                    onStack.add(w);
                    frames.push(new Object[] {w, new ArrayList<>(uses(w)).iterator()});
                } else if (onStack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            } else {
                frames.pop();
                if (!frames.isEmpty()) {
                    String parent = (String) frames.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(v)));
                }
                if (low.get(v).equals(index.get(v))) {
                    List<String> scc = new ArrayList<>();
                    String w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        scc.add(w);
                    } while (!w.equals(v));
                    if (scc.size() > 1) {
                        scc.sort(null);
                        out.add(scc);
                    }
                }
            }
        }
    }

    /** A cycle, written as its files and the edges between them, with the names that made each edge. */
    String describe(List<String> cycle) {
        StringBuilder sb = new StringBuilder();
        Set<String> members = new HashSet<>(cycle);
        for (String a : cycle) {
            sb.append("\n    ").append(byFqn.get(a).path());
            for (String b : uses(a)) {
                if (members.contains(b)) {
                    sb.append("\n      -> ").append(simpleName(b)).append(": ").append(String.join(", ", why.get(a + " -> " + b)));
                }
            }
        }
        return sb.toString();
    }

    private static String packageOf(String fqn) {
        int dot = fqn.lastIndexOf('.');
        return dot < 0 ? "" : fqn.substring(0, dot);
    }

    private static String simpleName(String fqn) { return fqn.substring(fqn.lastIndexOf('.') + 1); }
}

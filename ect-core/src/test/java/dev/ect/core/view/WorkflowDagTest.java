package dev.ect.core.view;

import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.ledger.TestEcts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.SignedEct;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** L-03 views: a workflow's entries as Mermaid, DOT and a topological listing. */
class WorkflowDagTest {
    static final Pattern MERMAID_NODE = Pattern.compile("  (\\w+)\\[\"([^\"\\]\\[]*)\"\\](:::unresolved)?");
    static final Pattern MERMAID_EDGE = Pattern.compile("  (\\w+) --> (\\w+)");
    static final Pattern DOT_NODE = Pattern.compile("  (\\w+) \\[label=\"((?:[^\"\\\\]|\\\\.)*)\"(, style=dashed)?\\];");
    static final Pattern DOT_EDGE = Pattern.compile("  (\\w+) -> (\\w+);");

    final String wid = TestEcts.uuid("diamond-workflow");
    InMemoryLedger ledger;
    WorkflowDag diamond;

    @TempDir
    Path dir;

    @BeforeEach
    void diamond() {
        ledger = new InMemoryLedger(TestEcts.CLOCK);
        SignedEct a = add(wid, "plan", List.of());
        add(TestEcts.uuid("other-workflow"), "elsewhere", List.of());
        SignedEct b = add(wid, "research", List.of(a.ect().jti()));
        SignedEct c = add(wid, "draft", List.of(a.ect().jti()));
        add(wid, "review", List.of(b.ect().jti(), c.ect().jti()));
        diamond = WorkflowDag.of(ledger, wid);
    }

    SignedEct add(String w, String act, List<String> pred) {
        SignedEct s = TestEcts.mint(w, act, pred);
        ledger.append(s);
        return s;
    }

    static final Set<List<String>> DIAMOND_EDGES = Set.of(List.of("plan", "research"), List.of("plan", "draft"),
            List.of("research", "review"), List.of("draft", "review"));

    @Test
    void modelHasTheWorkflowsTasksAndEdges() {
        assertThat(diamond.wid()).isEqualTo(wid);
        assertThat(diamond.nodes()).extracting(LedgerEntry::execAct).containsExactly("plan", "research", "draft", "review");
        assertThat(diamond.edges()).hasSize(4);
        assertThat(diamond.roots()).extracting(LedgerEntry::execAct).containsExactly("plan");
        assertThat(diamond.unresolved()).isEmpty();
        assertThat(diamond.topologicalOrder()).extracting(LedgerEntry::execAct).containsExactly("plan", "research", "draft", "review");
        Map<String, String> act = new HashMap<>();
        diamond.nodes().forEach(n -> act.put(n.jti(), n.execAct()));
        Set<List<String>> edges = new HashSet<>();
        diamond.edges().forEach(e -> edges.add(List.of(act.get(e.from()), act.get(e.to()))));
        assertThat(edges).isEqualTo(DIAMOND_EDGES);
        assertThat(diamond.toString()).contains("tasks=4", "edges=4");
    }

    @Test
    void mermaidOfADiamondHasFourNodesAndTheFourEdges() {
        String m = diamond.toMermaid();
        String[] lines = m.split("\n");
        assertThat(lines[0]).isEqualTo("flowchart TD");
        Map<String, String> label = new HashMap<>();
        Set<List<String>> edges = new HashSet<>();
        for (int i = 1; i < lines.length; i++) {
            Matcher n = MERMAID_NODE.matcher(lines[i]);
            Matcher e = MERMAID_EDGE.matcher(lines[i]);
            if (n.matches()) {
                assertThat(label.put(n.group(1), n.group(2))).as("node declared once").isNull();
            } else if (e.matches()) {
                edges.add(List.of(e.group(1), e.group(2)));
            } else {
                throw new AssertionError("unexpected Mermaid line: " + lines[i]);
            }
        }
        assertThat(label).hasSize(4);
        assertThat(label.values()).allMatch(l -> l.endsWith("<br/>" + TestEcts.ISS));
        Set<List<String>> named = new HashSet<>();
        for (List<String> e : edges) {
            assertThat(label).containsKeys(e.get(0), e.get(1));
            named.add(List.of(act(label.get(e.get(0)), "<br/>"), act(label.get(e.get(1)), "<br/>")));
        }
        assertThat(edges).hasSize(4);
        assertThat(named).isEqualTo(DIAMOND_EDGES);
    }

    @Test
    void dotOfADiamondHasFourNodesAndTheFourEdges() {
        Parsed p = parseDot(diamond.toDot());
        assertThat(p.labels).hasSize(4);
        assertThat(p.labels.values()).allMatch(l -> l.endsWith("\n" + TestEcts.ISS));
        Set<List<String>> named = new HashSet<>();
        for (List<String> e : p.edges) {
            named.add(List.of(act(p.labels.get(e.get(0)), "\n"), act(p.labels.get(e.get(1)), "\n")));
        }
        assertThat(p.edges).hasSize(4);
        assertThat(named).isEqualTo(DIAMOND_EDGES);
    }

    record Parsed(Map<String, String> labels, Set<String> dashed, Set<List<String>> edges) {}

    static Parsed parseDot(String dot) {
        String[] lines = dot.split("\n");
        assertThat(lines[0]).isEqualTo("digraph workflow {");
        assertThat(lines[lines.length - 1]).isEqualTo("}");
        Map<String, String> labels = new HashMap<>();
        Set<String> dashed = new HashSet<>();
        Set<List<String>> edges = new HashSet<>();
        for (int i = 1; i < lines.length - 1; i++) {
            Matcher n = DOT_NODE.matcher(lines[i]);
            Matcher e = DOT_EDGE.matcher(lines[i]);
            if (n.matches()) {
                assertThat(labels.put(n.group(1), unescapeDot(n.group(2)))).isNull();
                if (n.group(3) != null) {
                    dashed.add(n.group(1));
                }
            } else if (e.matches()) {
                assertThat(edges.add(List.of(e.group(1), e.group(2)))).as("edge listed once").isTrue();
            } else {
                assertThat(lines[i]).matches("  (label=\"(?:[^\"\\\\]|\\\\.)*\"|labelloc=t|node \\[shape=box\\]);");
            }
        }
        for (List<String> e : edges) {
            assertThat(labels).containsKeys(e.get(0), e.get(1));
        }
        return new Parsed(labels, dashed, edges);
    }

    static String unescapeDot(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                char n = s.charAt(++i);
                sb.append(n == 'n' ? '\n' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static String act(String label, String sep) { return label.substring(0, label.indexOf(sep)); }

    @Test
    void topologicalListingNumbersTasksAndTheirPredecessors() {
        String text = diamond.toText();
        String[] lines = text.split("\n");
        assertThat(lines).hasSize(5);
        assertThat(lines[0]).isEqualTo("workflow " + wid + ": 4 tasks, 4 edges");
        assertThat(lines[1]).startsWith("1. plan by " + TestEcts.ISS + " [seq 1, jti ").endsWith("] root");
        assertThat(lines[2]).startsWith("2. research by ").contains("[seq 3, ").endsWith("] after 1");
        assertThat(lines[3]).startsWith("3. draft by ").contains("[seq 4, ").endsWith("] after 1");
        assertThat(lines[4]).startsWith("4. review by ").contains("[seq 5, ").endsWith("] after 2, 3");
    }

    // labels are escaped: nothing a task name holds can break out of its node
    @Test
    void hostileNamesAreEscapedInEverySyntax() {
        String act = "x\"];\n  evil --> t1[\"<script>#1 \\ \u00e9";
        String iss = "spiffe://e.com/\"quoted\"\\back";
        LedgerEntry e = new LedgerEntry(1, "c", "jti-1", null, iss, act, List.of(), TestEcts.NOW, LedgerEntry.GENESIS_HASH, "");
        WorkflowDag dag = WorkflowDag.of(List.of(e));
        assertThat(dag.wid()).isNull();

        String m = dag.toMermaid();
        assertThat(m.split("\n")).hasSize(2);
        Matcher n = MERMAID_NODE.matcher(m.split("\n")[1]);
        assertThat(n.matches()).isTrue();
        assertThat(n.group(2)).doesNotContain("\"", "<script", "\n")
                .contains("x#34;#93;#59;#10;  evil --#62; t1#91;#34;#60;script#62;#35;1 #92; #233;");

        Parsed p = parseDot(dag.toDot());
        assertThat(p.labels).hasSize(1);
        assertThat(p.labels.get("t1")).isEqualTo("x\"];   evil --> t1[\"<script>#1 \\ \u00e9\n" + iss);
        assertThat(dag.toDot()).contains("label=\"workflow (no wid)\"");

        // T-11: the LogSafe form
        assertThat(dag.toText()).contains("x\"];\\u000a  evil").doesNotContain("\n  evil").startsWith("workflow (no wid): 1 task, 0 edges");
        assertThat(WorkflowDag.mermaid(null)).isEmpty();
        assertThat(WorkflowDag.dot(null)).isEmpty();
    }

    // G-02 ALLOW: predecessors not in the ledger are shown as dashed nodes
    @Test
    void unresolvedPredecessorsAreDashedNodes() {
        String x = TestEcts.uuid("X");
        LedgerEntry a = new LedgerEntry(1, "c", "a", wid, "i", "a", List.of(x), TestEcts.NOW, LedgerEntry.GENESIS_HASH, "");
        LedgerEntry b = new LedgerEntry(2, "c", "b", wid, "i", "b", List.of("a", x), TestEcts.NOW, LedgerEntry.GENESIS_HASH, "");
        WorkflowDag dag = WorkflowDag.of(List.of(b, a)); // any order: sorted by seq
        assertThat(dag.nodes()).extracting(LedgerEntry::jti).containsExactly("a", "b");
        assertThat(dag.unresolved()).containsExactly(x);
        assertThat(dag.roots()).isEmpty();
        assertThat(dag.topologicalOrder()).extracting(LedgerEntry::jti).containsExactly("a", "b");

        Parsed p = parseDot(dag.toDot());
        assertThat(p.labels).hasSize(3);
        assertThat(p.dashed).containsExactly("u1");
        assertThat(p.labels.get("u1")).isEqualTo("not in ledger\n" + x);
        assertThat(p.edges).containsExactlyInAnyOrder(List.of("u1", "t1"), List.of("t1", "t2"), List.of("u1", "t2"));

        String m = dag.toMermaid();
        assertThat(m).contains("  u1[\"not in ledger<br/>" + x + "\"]:::unresolved", "classDef unresolved");
        assertThat(dag.toText()).contains("1. a by i [seq 1, jti a] after " + x + " (not in ledger)")
                .contains("2. b by i [seq 2, jti b] after 1, " + x + " (not in ledger)");
    }

    @Test
    void cyclesAreReportedNotLooped() {
        LedgerEntry a = new LedgerEntry(1, "c", "a", null, "i", "a", List.of("b"), TestEcts.NOW, LedgerEntry.GENESIS_HASH, "");
        LedgerEntry b = new LedgerEntry(2, "c", "b", null, "i", "b", List.of("a"), TestEcts.NOW, LedgerEntry.GENESIS_HASH, "");
        LedgerEntry c = new LedgerEntry(3, "c", "c", null, "i", "c", List.of(), TestEcts.NOW, LedgerEntry.GENESIS_HASH, "");
        WorkflowDag dag = WorkflowDag.of(List.of(a, b, c));
        assertThatThrownBy(dag::topologicalOrder).isInstanceOf(IllegalStateException.class).hasMessageContaining("[a, b]");
        assertThat(dag.toText().split("\n")).containsExactly("workflow (no wid): 3 tasks, 2 edges",
                "1. c by i [seq 3, jti c] root", "in a cycle (no topological order):",
                "2. a by i [seq 1, jti a] after 3", "3. b by i [seq 2, jti b] after 2");
    }

    @Test
    void refusesEntriesOfSeveralWorkflowsOrRepeatedJtis() {
        LedgerEntry a = new LedgerEntry(1, "c", "a", wid, "i", "a", List.of(), TestEcts.NOW, LedgerEntry.GENESIS_HASH, "");
        LedgerEntry b = new LedgerEntry(2, "c", "b", null, "i", "b", List.of(), TestEcts.NOW, LedgerEntry.GENESIS_HASH, "");
        LedgerEntry a2 = new LedgerEntry(3, "c", "a", wid, "i", "a", List.of(), TestEcts.NOW, LedgerEntry.GENESIS_HASH, "");
        assertThatThrownBy(() -> WorkflowDag.of(List.of(a, b))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkflowDag.of(List.of(a, a2))).isInstanceOf(IllegalArgumentException.class);
        WorkflowDag empty = WorkflowDag.of(List.of());
        assertThat(empty.toText()).isEqualTo("workflow (no wid): 0 tasks, 0 edges\n");
        assertThat(empty.toMermaid()).isEqualTo("flowchart TD\n");
        assertThat(WorkflowDag.of(ledger, TestEcts.uuid("none")).nodes()).isEmpty();
    }

    // the DOT text is valid Graphviz input: dot renders the diamond and the hostile labels
    @Test
    void graphvizRendersTheDot() throws Exception {
        Assumptions.assumeTrue(onPath("dot"), "Graphviz dot is not on the PATH");
        String svg = render(diamond.toDot());
        assertThat(count(svg, "class=\"node\"")).isEqualTo(4);
        assertThat(count(svg, "class=\"edge\"")).isEqualTo(4);
        assertThat(svg).contains(">plan</text>", ">research</text>", ">draft</text>", ">review</text>");

        LedgerEntry hostile = new LedgerEntry(1, "c", "j", null, "spiffe://\"x\"\\", "a\"];\n b -> c [label=\"<x>",
                List.of("p"), TestEcts.NOW, LedgerEntry.GENESIS_HASH, "");
        String svg2 = render(WorkflowDag.of(List.of(hostile)).toDot());
        assertThat(count(svg2, "class=\"node\"")).isEqualTo(2);
        assertThat(count(svg2, "class=\"edge\"")).isEqualTo(1);
    }

    private String render(String dot) throws Exception {
        Path in = dir.resolve("g.dot");
        Path out = dir.resolve("g.svg");
        Files.writeString(in, dot, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("dot", "-Tsvg", in.toString(), "-o", out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dot.log").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("dot: %s", Files.readString(dir.resolve("dot.log"))).isZero();
        return Files.readString(out);
    }

    static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }

    @Test
    @org.junit.jupiter.api.DisplayName("G-07: a workflow where two issuers hold one task id renders both, with edges from each, instead of failing")
    void squattedTaskIdIsShownNotFatal() {
        InMemoryLedger l = new InMemoryLedger(TestEcts.CLOCK);
        String w = TestEcts.uuid("squatted-workflow");
        SignedEct genuine = TestEcts.mint(w, "plan", List.of());
        l.append(genuine);
        dev.ect.core.EctSigner squatter = dev.ect.core.EctSigner.builder(dev.ect.core.keys.EctKeys.generate("b-1"))
                .clock(TestEcts.CLOCK).build();
        SignedEct squat = squatter.mint(genuine.ect().toBuilder().iss("spiffe://example.com/agent/squatter")
                .kid("b-1").execAct("squat").build());
        l.append(squat); // L-06 is per issuer: both are recorded
        SignedEct child = TestEcts.mint(w, "review", List.of(genuine.ect().jti()));
        l.append(child); // e.g. accepted before the squat arrived

        WorkflowDag dag = WorkflowDag.of(l, w);

        assertThat(dag.nodes()).hasSize(3);
        assertThat(dag.unresolved()).isEmpty();
        assertThat(dag.topologicalOrder()).extracting(LedgerEntry::execAct).containsExactly("plan", "squat", "review");
        assertThat(dag.toMermaid()).contains("  t1 --> t3").contains("  t2 --> t3");
        assertThat(dag.toDot()).contains("  t1 -> t3;").contains("  t2 -> t3;");
        assertThat(dag.toText()).contains("3. review by " + TestEcts.ISS).contains("after 1 or 2 (task id claimed by 2 issuers)");
        // one issuer's (iss, jti) twice is still not a workflow (impossible in a ledger, L-06)
        assertThatThrownBy(() -> WorkflowDag.of(List.of(l.entries().get(0), l.entries().get(0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appears twice");
    }
}

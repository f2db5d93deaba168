package dev.ect.core.ledger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * The tasks of one workflow as a graph, for people: the ledger entries of a {@code wid} as nodes,
 * an edge from each predecessor to its child, rendered as Mermaid, Graphviz DOT or a plain
 * topological listing. Immutable.
 *
 * <pre>{@code
 * WorkflowDag dag = WorkflowDag.of(ledger, wid);
 * Files.writeString(Path.of("workflow.dot"), dag.toDot());   // dot -Tsvg workflow.dot > workflow.svg
 * }</pre>
 *
 * <p>Nodes are labelled with the task's {@code exec_act} and issuer. Node ids in the rendered text
 * are {@code t1}, {@code t2}, ... in sequence order (valid identifiers in both syntaxes, whatever the
 * {@code jti}); a predecessor that is not among the entries (accepted under the ALLOW policy of
 * G-02) becomes a dashed node {@code u1}, {@code u2}, ... labelled with its {@code jti}. Labels are
 * escaped for their syntax, so no label can break out of its node.
 */
public final class WorkflowDag {
    /**
     * An edge from a predecessor task to the task that names it in {@code pred}.
     *
     * @param from the predecessor's {@code jti}
     * @param to the child's {@code jti}
     */
    public record Edge(String from, String to) {
        public Edge {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }

    private final String wid;
    private final List<LedgerEntry> nodes;
    private final List<Edge> edges;
    private final List<String> unresolved;
    private final Map<String, String> ids;

    private WorkflowDag(String wid, List<LedgerEntry> nodes) {
        this.wid = wid;
        this.nodes = List.copyOf(nodes);
        Map<String, String> idMap = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (idMap.put(nodes.get(i).jti(), "t" + (i + 1)) != null) {
                throw new IllegalArgumentException("jti " + nodes.get(i).jti() + " appears twice");
            }
        }
        List<Edge> es = new ArrayList<>();
        List<String> unres = new ArrayList<>();
        for (LedgerEntry n : nodes) {
            for (String p : n.pred()) {
                es.add(new Edge(p, n.jti()));
                if (!idMap.containsKey(p)) {
                    unres.add(p);
                    idMap.put(p, "u" + unres.size());
                }
            }
        }
        this.edges = List.copyOf(es);
        this.unresolved = List.copyOf(unres);
        this.ids = Map.copyOf(idMap);
    }

    /**
     * The graph of these entries, which must all belong to one workflow (same {@code wid}, or all
     * without one) and have distinct {@code jti}s.
     *
     * @throws IllegalArgumentException when they do not
     */
    public static WorkflowDag of(Collection<LedgerEntry> entries) {
        List<LedgerEntry> sorted = new ArrayList<>(entries);
        sorted.forEach(e -> Objects.requireNonNull(e, "entry"));
        sorted.sort(Comparator.comparingLong(LedgerEntry::seq));
        String wid = sorted.isEmpty() ? null : sorted.get(0).wid();
        for (LedgerEntry e : sorted) {
            if (!Objects.equals(e.wid(), wid)) {
                throw new IllegalArgumentException("entries of several workflows: " + wid + " and " + e.wid());
            }
        }
        return new WorkflowDag(wid, sorted);
    }

    /** The graph of the workflow {@code wid} in the ledger ({@link AuditLedger#entriesOfWorkflow(String)}). */
    public static WorkflowDag of(AuditLedger ledger, String wid) {
        return new WorkflowDag(wid, Objects.requireNonNull(ledger, "ledger").entriesOfWorkflow(wid));
    }

    /** The workflow id, or null. */
    public String wid() { return wid; }

    /** The tasks, in sequence order. */
    public List<LedgerEntry> nodes() { return nodes; }

    /** Every predecessor-to-child edge, in node order then {@code pred} order. */
    public List<Edge> edges() { return edges; }

    /** Predecessors named in {@code pred} that are not among the nodes, in first-seen order. */
    public List<String> unresolved() { return unresolved; }

    /** The tasks without predecessors. */
    public List<LedgerEntry> roots() {
        return nodes.stream().filter(n -> n.pred().isEmpty()).toList();
    }

    /**
     * The tasks in a topological order (every task after its predecessors); among tasks that are
     * ready at the same time, the lower sequence number first.
     *
     * @throws IllegalStateException when the entries form a cycle (impossible for ECTs accepted
     *     under G-05, possible for a ledger assembled by hand)
     */
    public List<LedgerEntry> topologicalOrder() {
        List<LedgerEntry> order = sort();
        if (order.size() < nodes.size()) {
            List<String> left = nodes.stream().filter(n -> !order.contains(n)).map(LedgerEntry::jti).toList();
            throw new IllegalStateException("the tasks " + left + " form a cycle");
        }
        return order;
    }

    private List<LedgerEntry> sort() {
        Map<String, Integer> indegree = new HashMap<>();
        Map<String, List<LedgerEntry>> children = new HashMap<>();
        Map<String, LedgerEntry> byJti = new HashMap<>();
        nodes.forEach(n -> byJti.put(n.jti(), n));
        for (LedgerEntry n : nodes) {
            int d = 0;
            for (String p : n.pred()) {
                if (byJti.containsKey(p)) {
                    d++;
                    children.computeIfAbsent(p, k -> new ArrayList<>()).add(n);
                }
            }
            indegree.put(n.jti(), d);
        }
        PriorityQueue<LedgerEntry> ready = new PriorityQueue<>(Comparator.comparingLong(LedgerEntry::seq));
        nodes.stream().filter(n -> indegree.get(n.jti()) == 0).forEach(ready::add);
        List<LedgerEntry> order = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            LedgerEntry n = ready.poll();
            order.add(n);
            for (LedgerEntry c : children.getOrDefault(n.jti(), List.of())) {
                if (indegree.merge(c.jti(), -1, Integer::sum) == 0) {
                    ready.add(c);
                }
            }
        }
        return order;
    }

    /**
     * Mermaid flowchart text ({@code flowchart TD}): one {@code tN["exec_act<br/>iss"]} line per
     * task, then one {@code tA --> tB} line per edge. In labels every character other than ASCII
     * letters, digits, space and {@code _-.:/@+,=} is written as a Mermaid entity
     * {@code #<decimal code point>;}.
     */
    public String toMermaid() {
        StringBuilder sb = new StringBuilder("flowchart TD\n");
        for (LedgerEntry n : nodes) {
            sb.append("  ").append(ids.get(n.jti())).append("[\"").append(mermaid(n.execAct())).append("<br/>")
                    .append(mermaid(n.iss())).append("\"]\n");
        }
        for (String u : unresolved) {
            sb.append("  ").append(ids.get(u)).append("[\"not in ledger<br/>").append(mermaid(u)).append("\"]:::unresolved\n");
        }
        for (Edge e : edges) {
            sb.append("  ").append(ids.get(e.from())).append(" --> ").append(ids.get(e.to())).append('\n');
        }
        if (!unresolved.isEmpty()) {
            sb.append("  classDef unresolved stroke-dasharray: 5 5\n");
        }
        return sb.toString();
    }

    /**
     * Graphviz DOT text ({@code digraph workflow}): one {@code tN [label="exec_act\niss"];} line per
     * task, then one {@code tA -> tB;} line per edge. Labels are DOT strings with {@code \} and
     * {@code "} escaped and control and format characters (T-11: C0, DEL, C1, U+2028/U+2029, bidi
     * and zero-width characters) replaced by spaces.
     */
    public String toDot() {
        StringBuilder sb = new StringBuilder("digraph workflow {\n");
        sb.append("  label=\"workflow ").append(dot(wid == null ? "(no wid)" : wid)).append("\";\n");
        sb.append("  labelloc=t;\n  node [shape=box];\n");
        for (LedgerEntry n : nodes) {
            sb.append("  ").append(ids.get(n.jti())).append(" [label=\"").append(dot(n.execAct())).append("\\n")
                    .append(dot(n.iss())).append("\"];\n");
        }
        for (String u : unresolved) {
            sb.append("  ").append(ids.get(u)).append(" [label=\"not in ledger\\n").append(dot(u)).append("\", style=dashed];\n");
        }
        for (Edge e : edges) {
            sb.append("  ").append(ids.get(e.from())).append(" -> ").append(ids.get(e.to())).append(";\n");
        }
        return sb.append("}\n").toString();
    }

    /**
     * A plain-text listing in {@link #topologicalOrder()}: a heading line, then one line per task
     * ({@code N. exec_act by iss [seq S, jti J]} followed by {@code root} or the list numbers of its
     * predecessors, {@code after 1, 3}). Control and format characters in names are escaped
     * ({@link dev.ect.core.LogSafe}, T-11). Tasks in
     * a cycle, if any, follow under their own heading instead of failing.
     */
    public String toText() {
        List<LedgerEntry> order = sort();
        StringBuilder sb = new StringBuilder();
        sb.append("workflow ").append(wid == null ? "(no wid)" : text(wid)).append(": ").append(nodes.size())
                .append(nodes.size() == 1 ? " task, " : " tasks, ").append(edges.size())
                .append(edges.size() == 1 ? " edge\n" : " edges\n");
        Map<String, Integer> number = new HashMap<>();
        for (LedgerEntry n : order) {
            number.put(n.jti(), number.size() + 1);
        }
        List<LedgerEntry> cyclic = nodes.stream().filter(n -> !number.containsKey(n.jti())).toList();
        for (LedgerEntry n : cyclic) {
            number.put(n.jti(), number.size() + 1);
        }
        int i = 0;
        for (LedgerEntry n : order) {
            line(sb, ++i, n, number);
        }
        if (!cyclic.isEmpty()) {
            sb.append("in a cycle (no topological order):\n");
            for (LedgerEntry n : cyclic) {
                line(sb, ++i, n, number);
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, int i, LedgerEntry n, Map<String, Integer> number) {
        sb.append(i).append(". ").append(text(n.execAct())).append(" by ").append(text(n.iss()))
                .append(" [seq ").append(n.seq()).append(", jti ").append(text(n.jti())).append("] ");
        if (n.pred().isEmpty()) {
            sb.append("root");
        } else {
            sb.append("after ");
            for (int k = 0; k < n.pred().size(); k++) {
                String p = n.pred().get(k);
                if (k > 0) {
                    sb.append(", ");
                }
                Integer num = number.get(p);
                sb.append(num != null ? num.toString() : text(p) + " (not in ledger)");
            }
        }
        sb.append('\n');
    }

    static String mermaid(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || " _-.:/@+,=".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('#').append(c).append(';');
            }
        });
        return sb.toString();
    }

    static String dot(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == '"') {
                sb.append('\\').append(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                boolean ok = dev.ect.core.LogSafe.isPrintable(Character.toCodePoint(c, s.charAt(i + 1)));
                sb.append(ok ? String.valueOf(c) + s.charAt(i + 1) : "  ");
                i++;
            } else if (!dev.ect.core.LogSafe.isPrintable(c)) { // T-11: C0, DEL, C1, U+2028/9, format chars, lone surrogates
                sb.append(' ');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String text(String s) {
        if (s == null) {
            return "(none)";
        }
        return dev.ect.core.LogSafe.escape(s, Integer.MAX_VALUE); // T-11: the listing goes to a terminal
    }

    @Override
    public String toString() {
        return "WorkflowDag{wid=" + wid + ", tasks=" + nodes.size() + ", edges=" + edges.size() + "}";
    }
}

package dev.ect.core.view;

import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.internal.Uuids;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
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

    /** A pred link: from a task id to the node (by index) that names it. */
    private record Link(String from, int to) {}

    private final String wid;
    private final List<LedgerEntry> nodes;
    private final List<Edge> edges;
    private final List<Link> links;
    private final List<String> unresolved;
    /** Canonical jti -> the indexes of the nodes carrying it (two when two issuers claim one id, G-07). */
    private final Map<String, List<Integer>> byJti;
    /** Canonical jti of an unresolved predecessor -> its node id u1, u2, ... */
    private final Map<String, String> unresolvedIds;

    private WorkflowDag(String wid, List<LedgerEntry> nodes) {
        this.wid = wid;
        this.nodes = List.copyOf(nodes);
        Map<String, List<Integer>> jtis = new HashMap<>();
        Map<String, Integer> keys = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            LedgerEntry n = nodes.get(i);
            if (keys.put(nodeKey(n.iss(), n.jti()), i) != null) {
                throw new IllegalArgumentException("jti " + n.jti() + " of " + n.iss() + " appears twice");
            }
            jtis.computeIfAbsent(Uuids.canonical(n.jti()), k -> new ArrayList<>(1)).add(i);
        }
        List<Edge> es = new ArrayList<>();
        List<Link> ls = new ArrayList<>();
        List<String> unres = new ArrayList<>();
        Map<String, String> unresIds = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            LedgerEntry n = nodes.get(i);
            for (String p : n.pred()) {
                es.add(new Edge(p, n.jti()));
                ls.add(new Link(p, i));
                String c = Uuids.canonical(p);
                if (!jtis.containsKey(c) && !unresIds.containsKey(c)) {
                    unres.add(p);
                    unresIds.put(c, "u" + unres.size());
                }
            }
        }
        this.edges = List.copyOf(es);
        this.links = List.copyOf(ls);
        this.unresolved = List.copyOf(unres);
        this.byJti = Map.copyOf(jtis);
        this.unresolvedIds = Map.copyOf(unresIds);
    }

    private static String id(int index) { return "t" + (index + 1); }

    /** The rendered ids a pred entry points from: every node carrying it, or its unresolved node. */
    private List<String> fromIds(String pred) {
        List<Integer> found = byJti.get(Uuids.canonical(pred));
        if (found == null) {
            return List.of(unresolvedIds.get(Uuids.canonical(pred)));
        }
        List<String> out = new ArrayList<>(found.size());
        found.forEach(i -> out.add(id(i)));
        return out;
    }

    /**
     * The graph of these entries, which must all belong to one workflow (same {@code wid}, or all
     * without one) and have distinct ({@code iss}, {@code jti}). Two issuers' entries with one
     * {@code jti} (task-id squatting, G-07) are both shown, and a child naming that id gets an edge
     * from each.
     *
     * @throws IllegalArgumentException when they do not
     */
    public static WorkflowDag of(Collection<LedgerEntry> entries) {
        List<LedgerEntry> sorted = new ArrayList<>(entries);
        sorted.forEach(e -> Objects.requireNonNull(e, "entry"));
        sorted.sort(Comparator.comparingLong(LedgerEntry::seq));
        String wid = sorted.isEmpty() ? null : sorted.get(0).wid();
        for (LedgerEntry e : sorted) {
            if (!Uuids.same(e.wid(), wid)) {
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
        int[] indegree = new int[nodes.size()];
        Map<String, List<Integer>> children = new HashMap<>();
        for (Link l : links) {
            List<Integer> parents = byJti.get(Uuids.canonical(l.from()));
            if (parents != null) {
                indegree[l.to()] += parents.size();
                children.computeIfAbsent(Uuids.canonical(l.from()), k -> new ArrayList<>()).add(l.to());
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>(Comparator.comparingLong(i -> nodes.get(i).seq()));
        for (int i = 0; i < nodes.size(); i++) {
            if (indegree[i] == 0) {
                ready.add(i);
            }
        }
        List<LedgerEntry> order = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            int n = ready.poll();
            order.add(nodes.get(n));
            for (int c : children.getOrDefault(Uuids.canonical(nodes.get(n).jti()), List.of())) {
                if (--indegree[c] == 0) {
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
        for (int i = 0; i < nodes.size(); i++) {
            LedgerEntry n = nodes.get(i);
            sb.append("  ").append(id(i)).append("[\"").append(mermaid(n.execAct())).append("<br/>")
                    .append(mermaid(n.iss())).append("\"]\n");
        }
        for (String u : unresolved) {
            sb.append("  ").append(fromIds(u).get(0)).append("[\"not in ledger<br/>").append(mermaid(u)).append("\"]:::unresolved\n");
        }
        for (Link l : links) {
            for (String from : fromIds(l.from())) {
                sb.append("  ").append(from).append(" --> ").append(id(l.to())).append('\n');
            }
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
        for (int i = 0; i < nodes.size(); i++) {
            LedgerEntry n = nodes.get(i);
            sb.append("  ").append(id(i)).append(" [label=\"").append(dot(n.execAct())).append("\\n")
                    .append(dot(n.iss())).append("\"];\n");
        }
        for (String u : unresolved) {
            sb.append("  ").append(fromIds(u).get(0)).append(" [label=\"not in ledger\\n").append(dot(u)).append("\", style=dashed];\n");
        }
        for (Link l : links) {
            for (String from : fromIds(l.from())) {
                sb.append("  ").append(from).append(" -> ").append(id(l.to())).append(";\n");
            }
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
        Map<LedgerEntry, Integer> number = new IdentityHashMap<>();
        for (LedgerEntry n : order) {
            number.put(n, number.size() + 1);
        }
        List<LedgerEntry> cyclic = nodes.stream().filter(n -> !number.containsKey(n)).toList();
        for (LedgerEntry n : cyclic) {
            number.put(n, number.size() + 1);
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

    private void line(StringBuilder sb, int i, LedgerEntry n, Map<LedgerEntry, Integer> number) {
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
                List<Integer> found = byJti.get(Uuids.canonical(p));
                if (found == null) {
                    sb.append(text(p)).append(" (not in ledger)");
                } else {
                    for (int f = 0; f < found.size(); f++) {
                        sb.append(f > 0 ? " or " : "").append(number.get(nodes.get(found.get(f))));
                    }
                    if (found.size() > 1) {
                        sb.append(" (task id claimed by ").append(found.size()).append(" issuers)");
                    }
                }
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

    /** A node's identity, (iss, jti) as the ledgers key it (L-06): iss length-prefixed, jti canonical. */
    private static String nodeKey(String iss, String jti) {
        String i = iss == null ? "" : iss;
        return i.length() + ":" + i + '\n' + Uuids.canonical(jti);
    }
}

package dev.ect.cli;

import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.view.WorkflowDag;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ect dag}: a workflow of a ledger as text, Mermaid or Graphviz DOT. */
@Command(name = "dag", mixinStandardHelpOptions = true,
        description = {"Show a workflow's task graph from a ledger file.",
            "text: the tasks in topological order with their predecessors; mermaid: a flowchart for Markdown; "
                + "dot: Graphviz (ect dag ... --format dot | dot -Tsvg > workflow.svg). Without --wid the ledger must "
                + "hold one workflow, except for text, which lists every workflow."})
final class DagCommand extends BaseCommand {
    enum Format { text, mermaid, dot }

    @Option(names = "--ledger", required = true, paramLabel = "LEDGER_FILE", description = "the ledger file")
    Path ledgerFile;

    @Option(names = "--wid", paramLabel = "UUID", description = "the workflow to show (default: the only one)")
    String wid;

    @Option(names = "--format", paramLabel = "text|mermaid|dot", defaultValue = "text",
            description = "output format (default ${DEFAULT-VALUE})")
    String format;

    @Override
    public Integer call() {
        Format f;
        try {
            f = Format.valueOf(format.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException("--format must be text, mermaid or dot, not '" + format + "'", e);
        }
        try (FileLedger ledger = FileLedgers.open(ledgerFile, false)) {
            List<WorkflowDag> dags = new ArrayList<>();
            if (wid != null) {
                List<LedgerEntry> entries = ledger.entriesOfWorkflow(wid);
                if (entries.isEmpty()) {
                    throw new CliException("ledger " + ledgerFile + " has no workflow " + wid + workflows(ledger));
                }
                dags.add(WorkflowDag.of(entries));
            } else {
                Map<String, List<LedgerEntry>> byWid = byWorkflow(ledger.entries());
                if (byWid.isEmpty()) {
                    throw new CliException("ledger " + ledgerFile + " is empty");
                }
                if (byWid.size() > 1 && f != Format.text) {
                    throw new CliException("ledger " + ledgerFile + " holds " + byWid.size() + " workflows: choose one with --wid"
                            + workflows(ledger));
                }
                byWid.values().forEach(es -> dags.add(WorkflowDag.of(es)));
            }
            for (WorkflowDag d : dags) {
                out().print(switch (f) {
                    case text -> d.toText();
                    case mermaid -> d.toMermaid();
                    case dot -> d.toDot();
                });
            }
            return EctCli.OK;
        }
    }

    private static Map<String, List<LedgerEntry>> byWorkflow(List<LedgerEntry> entries) {
        Map<String, List<LedgerEntry>> m = new LinkedHashMap<>();
        for (LedgerEntry e : entries) {
            m.computeIfAbsent(e.wid() == null ? "" : e.wid(), k -> new ArrayList<>()).add(e);
        }
        return m;
    }

    private static String workflows(FileLedger ledger) {
        StringBuilder b = new StringBuilder();
        byWorkflow(ledger.entries()).forEach((w, es) -> b.append("\n  ").append(w.isEmpty() ? "(no wid)" : w)
                .append(": ").append(es.size()).append(es.size() == 1 ? " task" : " tasks"));
        return b.length() == 0 ? "" : "; workflows:" + b;
    }
}

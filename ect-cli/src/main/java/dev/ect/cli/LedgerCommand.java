package dev.ect.cli;

import dev.ect.core.LogSafe;

import dev.ect.core.ledger.ChainVerification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ect ledger}: audit ledger tools. */
@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = {"Audit ledger tools.", "For the hash-chained file ledger of ect verify --ledger and ect serve --ledger."},
        subcommands = LedgerCommand.Verify.class)
final class LedgerCommand implements Runnable {
    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (verify)");
    }

    /** {@code ect ledger verify FILE}: the chain check of profile L-04. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check a ledger file's hash chain (L-04).",
                "Exit 0 when every entry is intact; exit 1 naming the first broken entry (its sequence number, its "
                    + "line and what is wrong). Reads the file byte for byte: any changed, removed or inserted "
                    + "byte is found, unless every later hash was recomputed too (anchor the printed last hash "
                    + "elsewhere to catch that)."})
    static final class Verify extends BaseCommand {
        @Option(names = "--json", description = "print one JSON object instead of a sentence")
        boolean json;

        @Parameters(index = "0", paramLabel = "LEDGER_FILE", description = "the ledger file")
        Path file;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file)) {
                throw new CliException("ledger file " + file + " does not exist");
            }
            ChainVerification v;
            try {
                v = ChainVerification.ofFile(file);
            } catch (IOException e) {
                throw new CliException("cannot read ledger file " + file + ": " + e.getMessage(), e);
            }
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ok", v.ok());
                m.put("file", file.toString());
                m.put("entries_intact", v.entriesChecked());
                v.brokenSeq().ifPresent(s -> m.put("broken_seq", s));
                v.brokenLine().ifPresent(l -> m.put("broken_line", l));
                v.problem().ifPresent(p -> m.put("problem", p));
                m.put("last_hash", v.lastHash());
                out().println(JsonText.compact(m));
            } else if (v.ok()) {
                out().println(file + ": " + v.entriesChecked() + (v.entriesChecked() == 1 ? " entry" : " entries")
                        + ", hash chain intact (last hash " + v.lastHash() + ")");
            } else {
                long intact = v.entriesChecked();
                out().println(file + ": BROKEN at entry " + v.brokenSeq().orElse(-1) + " (line " + v.brokenLine().orElse(-1)
                        + "): " + LogSafe.escape(v.problem().orElse("?"), Integer.MAX_VALUE) + (intact == 0 ? "" : "; the " + intact
                        + (intact == 1 ? " entry" : " entries") + " before it " + (intact == 1 ? "is" : "are") + " intact"));
            }
            return v.ok() ? EctCli.OK : EctCli.REJECTED;
        }
    }
}

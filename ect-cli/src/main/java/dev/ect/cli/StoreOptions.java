package dev.ect.cli;

import dev.ect.core.config.EctOption;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where {@code verify} and {@code serve} keep state: the file ledger of {@code --ledger} (DAG
 * lookups and L3 appends), else the ledger and shared stores of the environment
 * ({@code ECT_LEDGER_FILE}, {@code ECT_JDBC_URL}, {@code ECT_REDIS_URL}); {@code --ledger} wins
 * over {@code ECT_JDBC_URL}. Opened by {@link dev.ect.core.config.EctConfig}.
 */
final class StoreOptions {
    @Option(names = "--ledger", paramLabel = "LEDGER_FILE",
            description = "file ledger: DAG rules run against it and every accepted ECT is appended (L3). "
                + "Without it, ECT_LEDGER_FILE or ECT_JDBC_URL (a shared PostgreSQL ledger) when set; ECT_REDIS_URL "
                + "names a shared replay store.")
    Path ledgerFile;

    /** Adds the options given on the command line to {@code values}, with their names for messages. */
    void addTo(Map<EctOption, String> values, Map<EctOption, String> names) {
        if (ledgerFile != null) {
            values.put(EctOption.LEDGER_FILE, ledgerFile.toString());
        }
        names.put(EctOption.LEDGER_FILE, "--ledger");
    }
}

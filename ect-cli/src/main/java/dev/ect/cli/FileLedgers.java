package dev.ect.cli;

import dev.ect.core.ledger.AuditLedger;
import java.nio.file.Path;
import java.util.List;

/** Opens file ledgers (the implementation comes from the ledger work). */
final class FileLedgers {
    private FileLedgers() {}

    static AuditLedger open(Path file, List<AutoCloseable> closeables) {
        throw new CliException("--ledger is not available in this build yet");
    }
}

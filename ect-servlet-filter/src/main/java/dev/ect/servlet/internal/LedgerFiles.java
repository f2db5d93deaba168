package dev.ect.servlet.internal;

import dev.ect.core.ledger.AuditLedger;
import java.nio.file.Path;

/** Opens the file ledger of {@code ect.ledger-file} / {@code ECT_LEDGER_FILE}. */
public final class LedgerFiles {
    private LedgerFiles() {}

    /** Opens (or creates) the ledger file. */
    public static AuditLedger open(Path file) {
        throw new IllegalArgumentException("the file ledger is not available in this build (" + file + ")");
    }
}

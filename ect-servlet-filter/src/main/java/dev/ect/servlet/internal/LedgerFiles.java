package dev.ect.servlet.internal;

import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.FileLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Opens the file ledger of {@code ect.ledger-file} / {@code ECT_LEDGER_FILE}. */
public final class LedgerFiles {
    private LedgerFiles() {}

    /**
     * Opens (or creates) the ledger file; its chain is checked on open (a broken chain fails).
     *
     * @throws UncheckedIOException when the file cannot be opened or read
     */
    public static AuditLedger open(Path file) {
        try {
            return FileLedger.open(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the ledger file " + file + ": " + e.getMessage(), e);
        }
    }
}

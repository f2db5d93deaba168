package dev.ect.cli;

import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.LedgerCorruptedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens file ledgers for the CLI, turning every failure into a message that names the file. */
final class FileLedgers {
    private FileLedgers() {}

    /**
     * Opens (or, when {@code create}, creates) a ledger file; its chain is checked on the way in.
     *
     * @throws CliException naming the file and, for a broken chain, the line (use {@code ect ledger
     *     verify} for details)
     */
    static FileLedger open(Path file, boolean create) {
        if (!create && !Files.exists(file)) {
            throw new CliException("ledger file " + file + " does not exist");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new CliException("the directory of ledger file " + file + " does not exist");
        }
        try {
            return FileLedger.open(file);
        } catch (LedgerCorruptedException e) {
            throw new CliException("ledger file " + file + " is broken at line " + e.line() + " (entry " + e.seq() + "): "
                    + e.problem() + " (see: ect ledger verify " + file + ")", e);
        } catch (IOException e) {
            throw new CliException("cannot open ledger file " + file + ": " + e.getMessage(), e);
        }
    }
}

package dev.ect.cli;

import dev.ect.core.EctVerifier;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.replay.ReplayStore;
import dev.ect.core.spi.EctStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where {@code verify} and {@code serve} keep state: the file ledger of {@code --ledger} (DAG
 * lookups and L3 appends), and the shared stores named by {@code ECT_REDIS_URL} /
 * {@code ECT_JDBC_URL} when set.
 */
final class StoreOptions {
    @Option(names = "--ledger", paramLabel = "LEDGER_FILE",
            description = "file ledger: DAG rules run against it and every accepted ECT is appended (L3). "
                + "Without it, ECT_JDBC_URL (when set) names a shared PostgreSQL ledger; ECT_REDIS_URL a shared replay store.")
    Path ledgerFile;

    boolean hasLedger(Map<String, String> env) { return ledgerFile != null || isSet(env.get(EctStores.JDBC_URL_ENV)); }

    private static boolean isSet(String v) { return v != null && !v.isBlank(); }

    /**
     * Opens the configured stores; close the result to release them. {@code --ledger} wins over
     * {@code ECT_JDBC_URL}; {@code ECT_REDIS_URL} replaces the in-process replay store.
     *
     * @throws CliException when a file or URL is unusable (naming it, never showing credentials)
     */
    Opened open(Map<String, String> env) {
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            AuditLedger ledger = null;
            Map<String, String> storeEnv = new HashMap<>();
            for (String k : List.of(EctStores.REDIS_URL_ENV, EctStores.JDBC_URL_ENV)) {
                if (env.containsKey(k)) {
                    storeEnv.put(k, env.get(k));
                }
            }
            if (ledgerFile != null) {
                FileLedger f = FileLedgers.open(ledgerFile, true);
                closeables.add(f);
                ledger = f;
                storeEnv.remove(EctStores.JDBC_URL_ENV);
            }
            EctStores stores;
            try {
                stores = EctStores.fromEnvironment(storeEnv);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), e);
            }
            closeables.add(stores);
            if (ledger == null) {
                ledger = stores.ledger().orElse(null);
            }
            return new Opened(ledger, stores.replayStore().orElse(null), closeables);
        } catch (RuntimeException e) {
            new Opened(null, null, closeables).close();
            throw e;
        }
    }

    /** The opened stores. */
    static final class Opened implements AutoCloseable {
        final AuditLedger ledger;
        final ReplayStore replayStore;
        private final List<AutoCloseable> closeables;

        Opened(AuditLedger ledger, ReplayStore replayStore, List<AutoCloseable> closeables) {
            this.ledger = ledger;
            this.replayStore = replayStore;
            this.closeables = closeables;
        }

        /** Sets the stores on a verifier builder. */
        void apply(EctVerifier.Builder b) {
            if (ledger != null) {
                b.ledger(ledger);
            }
            if (replayStore != null) {
                b.replayStore(replayStore);
            }
        }

        java.util.Optional<AuditLedger> ledger() { return java.util.Optional.ofNullable(ledger); }

        String describe() {
            List<String> parts = new ArrayList<>();
            parts.add(ledger == null ? "no ledger" : "ledger " + ledger);
            parts.add(replayStore == null ? "in-process replay store" : "shared replay store " + replayStore.getClass().getSimpleName());
            return String.join(", ", parts);
        }

        @Override
        public void close() {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                try {
                    closeables.get(i).close();
                } catch (Exception e) {
                    // closing is best effort; every append was already durable (L-05)
                }
            }
        }
    }
}

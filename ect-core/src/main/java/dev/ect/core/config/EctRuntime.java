package dev.ect.core.config;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.keys.KeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.replay.ReplayStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link EctConfig#open(java.time.Clock)} made from a configuration: the verifier, the response
 * signer when a key is configured, and the stores and key sources it opened, closed together by
 * {@link #close()}. Thread-safe; share one per deployment. Objects a caller handed to the verifier
 * builder (through {@code open}'s adjustment) are not closed here.
 */
public final class EctRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EctRuntime.class);

    private final EctConfig config;
    private final EctVerifier verifier;
    private final EctSigner signer;
    private final ReplayStore replayStore;
    private final AuditLedger ledger;
    private final List<KeySource> keySources;
    private final List<AutoCloseable> owned;
    private boolean closed;

    EctRuntime(EctConfig config, EctVerifier verifier, EctSigner signer, ReplayStore replayStore, AuditLedger ledger,
            List<KeySource> keySources, List<AutoCloseable> owned) {
        this.config = Objects.requireNonNull(config);
        this.verifier = Objects.requireNonNull(verifier);
        this.signer = signer;
        this.replayStore = replayStore;
        this.ledger = ledger;
        this.keySources = List.copyOf(keySources);
        this.owned = List.copyOf(owned);
    }

    /** The configuration this runtime was opened from. */
    public EctConfig config() { return config; }

    /** The verifier (its {@link EctVerifier#settings()} are the effective ones, algorithms included). */
    public EctVerifier verifier() { return verifier; }

    /** The signer of {@link EctOption#RESPONSE_KEY_FILE} (same settings, clock and crypto); empty when unset. */
    public Optional<EctSigner> signer() { return Optional.ofNullable(signer); }

    /** The shared replay store of {@link EctOption#REDIS_URL}; empty when the verifier keeps its in-process one. */
    public Optional<ReplayStore> replayStore() { return Optional.ofNullable(replayStore); }

    /** The ledger of {@link EctOption#LEDGER_FILE} or {@link EctOption#JDBC_URL}; empty when none is configured. */
    public Optional<AuditLedger> ledger() { return Optional.ofNullable(ledger); }

    /** The key sources of the trust list: the JWKS files' keys, then the JWKS URLs' (either may be absent). */
    public List<KeySource> keySources() { return keySources; }

    /** Closes the stores this runtime opened, last opened first; errors are logged, never thrown. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeAll(owned);
    }

    static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            AutoCloseable c = resources.get(i);
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "EctRuntime{verifierId=" + verifier.verifierId()
                + ", ledger=" + (ledger == null ? "none" : ledger.getClass().getSimpleName())
                + ", replayStore=" + (replayStore == null ? "in-process" : replayStore.getClass().getSimpleName())
                + ", responseSigner=" + (signer != null) + "}";
    }
}

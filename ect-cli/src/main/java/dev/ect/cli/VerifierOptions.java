package dev.ect.cli;

import dev.ect.core.CryptoProvider;
import dev.ect.core.EctLevel;
import dev.ect.core.EctSettings;
import dev.ect.core.EctVerifier;
import dev.ect.core.VerificationListener;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Everything {@code verify} and {@code serve} share to build a verifier: trust, stores, policy. */
final class VerifierOptions {
    @Mixin
    TrustOptions trust = new TrustOptions();

    @Mixin
    StoreOptions stores = new StoreOptions();

    @Option(names = "--allow-unresolved", description = "accept predecessors that are not in the store (G-02 ALLOW policy)")
    boolean allowUnresolved;

    @Option(names = "--min-level", paramLabel = "L1|L2|L3",
            description = "minimum assurance level (default L2, or ECT_MIN_LEVEL); L3 needs --ledger (or ECT_JDBC_URL)")
    String minLevel;

    /** A verifier and the stores it uses; close it to release them. */
    record Built(EctVerifier verifier, StoreOptions.Opened stores) implements AutoCloseable {
        @Override
        public void close() { stores.close(); }
    }

    Built build(String verifierId, Map<String, String> env, VerificationListener listener) {
        return build(verifierId, env, listener, null);
    }

    /** As {@link #build(String, Map, VerificationListener)}, verifying with {@code crypto} (null: the default, auto). */
    Built build(String verifierId, Map<String, String> env, VerificationListener listener, CryptoProvider crypto) {
        EctSettings.Builder s;
        try {
            s = EctSettings.fromEnvironment(env).toBuilder();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
        if (allowUnresolved) {
            s.allowUnresolvedPredecessors(true);
        }
        if (minLevel != null) {
            try {
                s.minLevel(EctLevel.parse(minLevel));
            } catch (IllegalArgumentException e) {
                throw new CliException("--min-level: " + e.getMessage(), e);
            }
        }
        EctSettings base = s.build();
        String envAlgs = env.get("ECT_ALGORITHMS");
        TrustOptions.Trust t = trust.build(base.algorithms(), envAlgs != null && !envAlgs.isBlank(), env);
        EctSettings settings = base.toBuilder().algorithms(t.algorithms()).build();
        if (settings.minLevel() == EctLevel.L3 && !stores.hasLedger(env)) {
            throw new CliException("--min-level L3 requires --ledger (or ECT_JDBC_URL)");
        }
        StoreOptions.Opened opened = stores.open(env);
        try {
            EctVerifier.Builder b = EctVerifier.builder().verifierId(verifierId).keySource(t.keySource())
                    .settings(settings).listener(listener);
            opened.apply(b);
            if (crypto != null) {
                b.crypto(crypto);
            }
            return new Built(b.build(), opened);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }
}

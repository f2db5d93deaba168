package dev.ect.core;

import dev.ect.core.dag.DagRule;
import dev.ect.core.dag.EctStore;
import dev.ect.core.internal.DefaultEctVerifier;
import dev.ect.core.keys.KeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a compact ECT with the procedure of profile section 4 (V-01 .. V-15, in order; the
 * first failing step decides the reason code). Thread-safe; build one per deployment and share it.
 *
 * <pre>{@code
 * EctVerifier verifier = EctVerifier.builder()
 *     .verifierId("spiffe://example.com/agent/b")
 *     .keySource(StaticKeySource.builder().jwks("spiffe://example.com/agent/a", jwks).build())
 *     .build();
 * VerifiedEct v = verifier.verify(token); // throws EctRejectedException (403) / EctUnavailableException (503)
 * }</pre>
 */
public interface EctVerifier {
    /**
     * Runs the whole procedure: size, level, header, key, signature, claims, time, audience, DAG,
     * replay (atomic record) and, with a ledger, the append (L3).
     *
     * @param token the compact token (the {@code Execution-Context} header value)
     * @return the verified ECT, with the level reached
     * @throws EctRejectedException when the token is at fault (403), with its reason code
     * @throws EctUnavailableException when a dependency failed (503); the token is not accepted
     */
    VerifiedEct verify(String token);

    /**
     * {@link #verify(String)} with {@code scope}'s additions for this call: its validator runs
     * after this verifier's own (after the DAG check, before the replay record and the ledger
     * append), and its own ECTs are visible to the DAG check through a store that resolves them
     * ({@link dev.ect.core.dag.EctStore#including(List)}). The library's verifier checks the token
     * once. HTTP clients use it to check a response ECT (T-08, F-03).
     *
     * <p>The default, for verifiers of your own: {@link #check(String)}, then the scope's validator
     * over a {@link dev.ect.core.dag.DagView#direct} view (descent through direct {@code pred}
     * entries only), then {@link #verify(String)}: the token is checked twice, and the own ECTs
     * reach the DAG check only if this verifier's store holds them. Rejections carry the token's
     * unverified {@code jti}/{@code iss} ({@link EctException#initUnverifiedIdsFrom(String)}).
     *
     * @throws EctRejectedException when the token is at fault (403), also when the scope's validator refuses it
     * @throws EctUnavailableException when a dependency failed (503)
     */
    default VerifiedEct verify(String token, VerificationScope scope) {
        java.util.Objects.requireNonNull(scope, "scope cannot be null");
        try {
            VerifiedEct checked = check(token);
            ValidationResult r = scope.validator().validate(checked.ect(), dev.ect.core.dag.DagView.direct(checked.ect()));
            if (r == null) {
                throw new IllegalStateException("an EctValidator returned null");
            }
            if (!r.isValid()) {
                throw new EctRejectedException(r.error().orElseThrow());
            }
            return verify(token);
        } catch (EctException e) {
            e.initUnverifiedIdsFrom(token);
            throw e;
        }
    }

    /**
     * Verifies, with this verifier's own policy, a token that another verifier of the same process
     * has already accepted for the same request (T-09: several servlet filters on one request, each
     * enforcing its own verifier id, trust, settings and DAG rules).
     *
     * <p>Every check of {@link #verify(String)} runs again with this verifier's configuration. The
     * side effects run once per store: a replay store (V-14) or ledger (V-15) that
     * {@code accepted} was already recorded in ({@link VerifiedEct#recordedIn(Object)}, by identity)
     * is not written again, so a store the two verifiers share does not refuse the token as
     * {@code replay} because of the first verifier's own record, and the DAG check (G-01) does not
     * count the entry the first verifier appended to a shared ledger; a store of this verifier's own
     * records the token once, as {@code verify} would. The result notes the stores of both.
     *
     * <p>Default: {@link #verify(String)}. A verifier that cannot tell which stores it shares thus
     * records again, and a shared store then answers {@code replay}: it fails closed.
     *
     * @param token the compact token, the one {@code accepted} was verified from
     * @param accepted the earlier verifier's result for this token
     * @throws IllegalArgumentException when {@code accepted} is not the verification of {@code token}
     * @throws EctRejectedException when this verifier refuses the token (403)
     * @throws EctUnavailableException when one of this verifier's dependencies failed (503)
     */
    default VerifiedEct verifyAgain(String token, VerifiedEct accepted) {
        if (!accepted.compact().equals(token)) {
            throw new IllegalArgumentException("accepted is the verification of another token");
        }
        return verify(token);
    }

    /**
     * Runs the pure checks only (V-01..V-13): no replay record, no ledger append. For tools such
     * as {@code ect inspect --verify}; a receiver must use {@link #verify(String)}.
     */
    VerifiedEct check(String token);

    /** This verifier's own id, matched against {@code aud} (V-12). */
    String verifierId();

    /** The settings in force. */
    EctSettings settings();

    /**
     * The JCA provider that checks signatures (V-08), when this verifier checks them itself (the
     * default verifier does; see {@link Builder#crypto(CryptoProvider)}); empty otherwise.
     */
    default Optional<CryptoProvider> cryptoProvider() { return Optional.empty(); }

    static Builder builder() { return new Builder(); }

    /**
     * Builder for the default verifier. Required: {@link #verifierId(String)} and (unless only L1
     * is accepted) {@link #keySource(KeySource)}. Every other option has a safe default. Each option
     * may be set once; setting one twice throws {@link IllegalStateException}
     * (builders fail fast rather than let a later call silently win).
     */
    final class Builder {
        private String verifierId;
        private KeySource keySource;
        private EctSettings.Builder settings = EctSettings.builder();
        private boolean settingsSet;
        private final Set<String> optionsSet = new java.util.HashSet<>();
        private Clock clock;
        private ReplayStore replayStore;
        private EctStore ectStore;
        private AuditLedger ledger;
        private final List<DagRule> dagRules = new ArrayList<>();
        private VerificationListener listener;
        private CryptoProvider crypto;
        private final List<EctValidator> validators = new ArrayList<>();

        private Builder() {}

        /** Required. This verifier's workload id; {@code aud} must contain it (V-12). */
        public Builder verifierId(String id) {
            Objects.requireNonNull(id, "verifierId cannot be null");
            if (id.isEmpty()) {
                throw new IllegalArgumentException("verifierId must not be empty");
            }
            if (verifierId != null) {
                throw new IllegalStateException("verifierId was already set");
            }
            verifierId = id;
            return this;
        }

        /** Required for L2/L3: where (iss, kid) resolve to keys (V-07). */
        public Builder keySource(KeySource ks) {
            Objects.requireNonNull(ks, "keySource cannot be null");
            if (keySource != null) {
                throw new IllegalStateException("keySource was already set");
            }
            keySource = ks;
            return this;
        }

        /**
         * All limits and windows at once; default {@link EctSettings#defaults()}. May be called once,
         * and before the single-setting options below (which then adjust it): calling it again, or
         * after one of them, would silently discard settings, so it throws
         * {@link IllegalStateException}.
         */
        public Builder settings(EctSettings s) {
            Objects.requireNonNull(s, "settings cannot be null");
            if (settingsSet) {
                throw new IllegalStateException("settings was already set");
            }
            if (!optionsSet.isEmpty()) {
                throw new IllegalStateException("settings(...) must come before " + optionsSet
                        + ", which it would replace");
            }
            settingsSet = true;
            settings = s.toBuilder();
            return this;
        }

        private EctSettings.Builder option(String name) {
            if (!optionsSet.add(name)) {
                throw new IllegalStateException(name + " was already set");
            }
            return settings;
        }

        /** H-03 allowlist; default {ES256}. */
        public Builder algorithms(Set<EctAlgorithm> algs) { option("algorithms").algorithms(algs); return this; }
        /** H-03 allowlist; default {ES256}. */
        public Builder algorithms(EctAlgorithm first, EctAlgorithm... more) { option("algorithms").algorithms(first, more); return this; }
        /** V-03 minimum level; default L2. L1 must be opted into here; L3 requires a ledger. */
        public Builder minLevel(EctLevel level) { option("minLevel").minLevel(level); return this; }
        /** V-01 size gate; default 8192 bytes. */
        public Builder maxTokenBytes(int n) { option("maxTokenBytes").maxTokenBytes(n); return this; }
        /** C-08 limit; default 100. */
        public Builder maxPred(int n) { option("maxPred").maxPred(n); return this; }
        /** V-11 clock skew and max future iat; default 30 s. */
        public Builder clockSkew(Duration d) { option("clockSkew").maxFuture(d); return this; }
        /** V-11 max iat age; default 15 min. */
        public Builder maxAge(Duration d) { option("maxAge").maxAge(d); return this; }
        /** G-02 ALLOW policy (partial DAG); default REJECT. */
        public Builder allowUnresolvedPredecessors(boolean allow) { option("allowUnresolvedPredecessors").allowUnresolvedPredecessors(allow); return this; }
        /** C-11 legacy mapping of -00 claims; default off (legacy names rejected). */
        public Builder legacyClaims(boolean on) { option("legacyClaims").legacyClaims(on); return this; }
        /** G-05 bound of the ancestor walk; default 10,000. */
        public Builder maxAncestors(int n) { option("maxAncestors").maxAncestors(n); return this; }
        /** V-13 deadline of the whole DAG check (store lookups and the G-05 walk); past it 503 {@code ledger_unavailable}; default 2 s. */
        public Builder dagTimeout(Duration d) { option("dagTimeout").dagTimeout(d); return this; }

        /** The clock of the time checks and of the default replay store; default system UTC. */
        public Builder clock(Clock c) {
            Objects.requireNonNull(c, "clock cannot be null");
            if (clock != null) {
                throw new IllegalStateException("clock was already set");
            }
            clock = c;
            return this;
        }

        /** V-14 replay store; default a {@link CaffeineReplayStore} of the settings' size on this clock. */
        public Builder replayStore(ReplayStore rs) {
            Objects.requireNonNull(rs, "replayStore cannot be null");
            if (replayStore != null) {
                throw new IllegalStateException("replayStore was already set");
            }
            replayStore = rs;
            return this;
        }

        /** V-13 where predecessors are looked up; default the ledger when set, else an empty store. */
        public Builder ectStore(EctStore store) {
            Objects.requireNonNull(store, "ectStore cannot be null");
            if (ectStore != null) {
                throw new IllegalStateException("ectStore was already set");
            }
            ectStore = store;
            return this;
        }

        /** V-15 ledger: every accepted ECT is appended first (level L3). Default none (L2). */
        public Builder ledger(AuditLedger l) {
            Objects.requireNonNull(l, "ledger cannot be null");
            if (ledger != null) {
                throw new IllegalStateException("ledger was already set");
            }
            ledger = l;
            return this;
        }

        /** Adds a G-06 policy rule over predecessors. */
        public Builder dagRule(DagRule rule) {
            dagRules.add(Objects.requireNonNull(rule, "dagRule cannot be null"));
            return this;
        }

        /**
         * Adds a check of your own ({@link EctValidator}): run after every profile rule including the
         * DAG check (G-01..G-07) and before the replay record (V-14) and the ledger append (V-15), so
         * a refused token leaves neither; validators run in the order added and the first refusal
         * decides. Default none.
         */
        public Builder validator(EctValidator v) {
            validators.add(Objects.requireNonNull(v, "validator cannot be null"));
            return this;
        }

        /** Called once per verification; default {@link VerificationListener#logging()}. */
        public Builder listener(VerificationListener l) {
            Objects.requireNonNull(l, "listener cannot be null");
            if (listener != null) {
                throw new IllegalStateException("listener was already set (combine several with andThen)");
            }
            listener = l;
            return this;
        }

        /**
         * The JCA provider that checks signatures (V-08); default {@link CryptoProvider#auto()}
         * (ACCP when it is on the class path and healthy, else the JDK's). The pre-checks (key
         * fits alg, exact length, ECDSA 0 &lt; r, s &lt; n) run whichever provider is used.
         */
        public Builder crypto(CryptoProvider c) {
            Objects.requireNonNull(c, "crypto cannot be null");
            if (crypto != null) {
                throw new IllegalStateException("crypto provider was already set");
            }
            crypto = c;
            return this;
        }

        /** Shorthand for {@code crypto(CryptoProvider.of(p))}: verify with exactly this provider object. */
        public Builder provider(Provider p) {
            return crypto(CryptoProvider.of(Objects.requireNonNull(p, "provider cannot be null")));
        }

        public EctVerifier build() {
            if (verifierId == null) {
                throw new IllegalStateException("verifierId is required");
            }
            EctSettings s = settings.build();
            if (keySource == null && s.minLevel() != EctLevel.L1) {
                throw new IllegalStateException("keySource is required unless minLevel is L1");
            }
            if (s.minLevel() == EctLevel.L3 && ledger == null) {
                throw new IllegalStateException("minLevel L3 requires a ledger");
            }
            Clock c = clock != null ? clock : Clock.systemUTC();
            ReplayStore rs = replayStore != null ? replayStore : new CaffeineReplayStore(s.replayCacheSize(), c);
            EctStore store = ectStore != null ? ectStore : ledger != null ? ledger : EctStore.empty();
            // an L1-only verifier has no keys: a signed token then resolves to unknown_key (403)
            KeySource ks = keySource != null ? keySource : (iss, kid) -> java.util.Optional.empty();
            return new DefaultEctVerifier(verifierId, ks, s, c, rs, store, ledger, dagRules,
                    listener != null ? listener : VerificationListener.logging(),
                    crypto != null ? crypto : CryptoProvider.auto(), validators);
        }
    }
}

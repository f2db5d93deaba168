package dev.ect.core;

import dev.ect.core.dag.DagRule;
import dev.ect.core.dag.EctStore;
import dev.ect.core.internal.SetOnce;
import dev.ect.core.keys.KeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import java.security.Provider;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
            checkScope(token, scope);
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
     * {@link #verifyAgain(String, VerifiedEct)} with {@code scope}'s additions for this call, as
     * {@link #verify(String, VerificationScope)} adds them to {@link #verify(String)}: the servlet
     * filter's per-request scope (an {@code EctFilterConfig} request scope) runs on a request that
     * another filter instance accepted first (T-09), inside this verifier's one verification.
     *
     * <p>The default, for verifiers of your own: {@link #check(String)}, then the scope's validator
     * over a {@link dev.ect.core.dag.DagView#direct} view, then {@link #verifyAgain(String, VerifiedEct)}.
     *
     * @throws IllegalArgumentException when {@code accepted} is not the verification of {@code token}
     * @throws EctRejectedException when this verifier refuses the token (403), also when the scope's validator refuses it
     * @throws EctUnavailableException when one of this verifier's dependencies failed (503)
     */
    default VerifiedEct verifyAgain(String token, VerifiedEct accepted, VerificationScope scope) {
        java.util.Objects.requireNonNull(scope, "scope cannot be null");
        if (!accepted.compact().equals(token)) {
            throw new IllegalArgumentException("accepted is the verification of another token");
        }
        try {
            checkScope(token, scope);
            return verifyAgain(token, accepted);
        } catch (EctException e) {
            e.initUnverifiedIdsFrom(token);
            throw e;
        }
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
     * is accepted) {@link #keySource(KeySource)}. The limits and windows are one value,
     * {@link #settings(EctSettings)}; the builder takes the things that are not settings. Every
     * option has a safe default and may be set once: setting one twice throws
     * {@link IllegalStateException} (builders fail fast rather than let a later call silently win).
     * To read the whole configuration from the environment, init-params or properties, see
     * {@link dev.ect.core.config.EctConfig}.
     */
    final class Builder {
        private String verifierId;
        private KeySource keySource;
        private EctSettings settings;
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
            verifierId = SetOnce.set(verifierId, id, "verifierId");
            return this;
        }

        /** Required for L2/L3: where (iss, kid) resolve to keys (V-07). */
        public Builder keySource(KeySource ks) {
            keySource = SetOnce.set(keySource, ks, "keySource");
            return this;
        }

        /**
         * All limits and windows (profile section 9: V-01, V-03, V-11, H-03, C-08, C-11, G-02, G-05,
         * V-13, P-01, P-03); default {@link EctSettings#defaults()}. Build one with
         * {@code EctSettings.builder()...build()}, adjust one with {@code settings.toBuilder()}.
         */
        public Builder settings(EctSettings s) {
            settings = SetOnce.set(settings, s, "settings");
            return this;
        }

        /** The clock of the time checks and of the default replay store; default system UTC. */
        public Builder clock(Clock c) {
            clock = SetOnce.set(clock, c, "clock");
            return this;
        }

        /** V-14 replay store; default a {@link CaffeineReplayStore} of the settings' size on this clock. */
        public Builder replayStore(ReplayStore rs) {
            replayStore = SetOnce.set(replayStore, rs, "replayStore");
            return this;
        }

        /** V-13 where predecessors are looked up; default the ledger when set, else an empty store. */
        public Builder ectStore(EctStore store) {
            ectStore = SetOnce.set(ectStore, store, "ectStore");
            return this;
        }

        /** V-15 ledger: every accepted ECT is appended first (level L3). Default none (L2). */
        public Builder ledger(AuditLedger l) {
            ledger = SetOnce.set(ledger, l, "ledger");
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
            listener = SetOnce.set(listener, l, "listener"); // combine several with andThen
            return this;
        }

        /**
         * The JCA provider that checks signatures (V-08); default {@link CryptoProvider#auto()}
         * (ACCP when it is on the class path and healthy, else the JDK's). The pre-checks (key
         * fits alg, exact length, ECDSA 0 &lt; r, s &lt; n) run whichever provider is used.
         */
        public Builder crypto(CryptoProvider c) {
            Objects.requireNonNull(c, "crypto cannot be null");
            crypto = SetOnce.set(crypto, c, "crypto provider");
            return this;
        }

        /** Shorthand for {@code crypto(CryptoProvider.of(p))}: verify with exactly this provider object. */
        public Builder provider(Provider p) {
            return crypto(CryptoProvider.of(Objects.requireNonNull(p, "provider cannot be null")));
        }

        public EctVerifier build() {
            if (verifierId == null) {
                throw new MissingOptionException("verifierId", "verifierId is required");
            }
            EctSettings s = settings != null ? settings : EctSettings.defaults();
            if (keySource == null && s.minLevel() != EctLevel.L1) {
                throw new MissingOptionException("keySource", "keySource is required unless minLevel is L1");
            }
            if (s.minLevel() == EctLevel.L3 && ledger == null) {
                throw new MissingOptionException("ledger", "minLevel L3 requires a ledger");
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

    /**
     * The defaults' scope step: {@link #check(String)}, then the scope's validator over a
     * {@link dev.ect.core.dag.DagView#direct} view; a refusal is the validator's error (403).
     */
    private void checkScope(String token, VerificationScope scope) {
        VerifiedEct checked = check(token);
        ValidationResult r = scope.validator().validate(checked.ect(), dev.ect.core.dag.DagView.direct(checked.ect()));
        if (r == null) {
            throw new IllegalStateException("an EctValidator returned null");
        }
        if (!r.isValid()) {
            throw new EctRejectedException(r.error().orElseThrow());
        }
    }
}

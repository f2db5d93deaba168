package dev.ect.core;

import dev.ect.core.internal.EctCodec;
import dev.ect.core.internal.HeaderCache;
import dev.ect.core.internal.JwsCrypto;
import dev.ect.core.internal.Uuids;
import dev.ect.core.dag.DagRule;
import dev.ect.core.dag.DagValidator;
import dev.ect.core.dag.DagView;
import dev.ect.core.dag.EctStore;
import dev.ect.core.keys.KeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.replay.ReplayStore;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The verification procedure of profile section 4. Built by {@link EctVerifier#builder()}. */
final class DefaultEctVerifier implements EctVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultEctVerifier.class);

    private final String verifierId;
    private final KeySource keySource;
    private final EctSettings settings;
    private final Clock clock;
    private final ReplayStore replayStore;
    private final AuditLedger ledger;
    private final EctStore store;
    private final List<DagRule> dagRules;
    private final DagValidator dag;
    private final VerificationListener listener;
    private final JwsCrypto crypto;
    private final EctValidator validator; // null: none configured
    /** This verifier's parsed JOSE headers (an issuer's header is the same on every token). */
    private final HeaderCache headers = new HeaderCache();

    public DefaultEctVerifier(String verifierId, KeySource keySource, EctSettings settings, Clock clock,
            ReplayStore replayStore, EctStore store, AuditLedger ledger, List<DagRule> dagRules,
            VerificationListener listener, CryptoProvider cryptoProvider) {
        this(verifierId, keySource, settings, clock, replayStore, store, ledger, dagRules, listener, cryptoProvider, List.of());
    }

    /** With the {@link EctValidator}s run after the DAG check and before the side effects, in order. */
    public DefaultEctVerifier(String verifierId, KeySource keySource, EctSettings settings, Clock clock,
            ReplayStore replayStore, EctStore store, AuditLedger ledger, List<DagRule> dagRules,
            VerificationListener listener, CryptoProvider cryptoProvider, List<EctValidator> validators) {
        this.validator = validators.isEmpty() ? null : EctValidator.allOf(validators);
        this.verifierId = verifierId;
        this.keySource = keySource;
        this.settings = settings;
        this.clock = clock;
        this.replayStore = replayStore;
        this.ledger = ledger;
        this.store = store;
        this.dagRules = List.copyOf(dagRules);
        this.dag = new DagValidator(store, settings, dagRules, listener); // G-07 security events go to the same listener
        this.listener = listener;
        this.crypto = new JwsCrypto(cryptoProvider);
    }


    @Override
    public String verifierId() { return verifierId; }

    @Override
    public EctSettings settings() { return settings; }

    @Override
    public Optional<CryptoProvider> cryptoProvider() { return Optional.of(crypto.cryptoProvider()); }

    @Override
    public VerifiedEct verify(String token) { return run(token, true, null, null); }

    @Override
    public VerifiedEct verify(String token, VerificationScope scope) {
        return run(token, true, null, java.util.Objects.requireNonNull(scope, "scope cannot be null"));
    }

    @Override
    public VerifiedEct check(String token) { return run(token, false, null, null); }

    @Override
    public VerifiedEct verifyAgain(String token, VerifiedEct accepted) {
        if (!accepted.compact().equals(token)) {
            throw new IllegalArgumentException("accepted is the verification of another token");
        }
        return run(token, true, accepted, null);
    }

    @Override
    public VerifiedEct verifyAgain(String token, VerifiedEct accepted, VerificationScope scope) {
        java.util.Objects.requireNonNull(scope, "scope cannot be null");
        if (!accepted.compact().equals(token)) {
            throw new IllegalArgumentException("accepted is the verification of another token");
        }
        return run(token, true, accepted, scope);
    }

    private VerifiedEct run(String token, boolean sideEffects, VerifiedEct prior, VerificationScope scope) {
        long start = System.nanoTime();
        EctCodec.Parts p = null;
        try {
            p = parse(token);
            VerifiedEct v = verifyParsed(p, sideEffects, prior, scope);
            if (listener != LoggingListener.INSTANCE || !LoggingListener.INSTANCE.ignoresAccepted()) {
                notify(new VerificationEvent(true, null, v.ect().jti(), v.ect().iss(), v.level(), since(start)));
            }
            return v;
        } catch (EctException e) {
            String jti = p == null ? null : p.jti();
            String iss = p == null ? null : p.iss();
            e.initUnverifiedIds(jti, iss); // item 12: the rejection carries what a log line needs
            notify(new VerificationEvent(false, e.reason(), jti, iss, null, since(start)));
            throw e;
        }
    }

    private static Duration since(long start) { return Duration.ofNanos(System.nanoTime() - start); }

    private void notify(VerificationEvent e) {
        try {
            listener.onVerification(e);
        } catch (RuntimeException ex) {
            LOG.warn("verification listener failed: {}", ex.toString());
        }
    }

    /** V-01, then the codec's split and decode (V-02). */
    private EctCodec.Parts parse(String token) {
        if (token != null && token.length() > settings.maxTokenBytes()) {
            // V-01: before any parsing. chars <= UTF-8 bytes; non-ASCII is malformed below anyway.
            throw reject(ReasonCode.TOKEN_TOO_LARGE, "V-01",
                    "token is " + token.length() + " bytes, more than " + settings.maxTokenBytes());
        }
        // V-02/V-03: an L1 ECT (base64url JSON claims object) is always *recognized*; whether it is
        // *accepted* is the minLevel L1 opt-in, checked by V-03. Reading of the profile: this
        // implementation has no "L1 enabled" switch apart from minLevel, and recognizing L1 is what
        // makes V-03 reachable at all, so a signature-stripped (downgraded) token is reported as
        // level_below_minimum, an alertable downgrade attempt, not as malformed.
        return EctCodec.parse(token, headers);
    }

    private VerifiedEct verifyParsed(EctCodec.Parts p, boolean sideEffects, VerifiedEct prior, VerificationScope scope) {
        // V-03
        // (L2 against a minimum of L3 is no shortfall: L3 is reached by the ledger append, V-15,
        // and the builder refuses minLevel L3 without a ledger.)
        if (p.format() == EctLevel.L1 && settings.minLevel() != EctLevel.L1) {
            throw reject(ReasonCode.LEVEL_BELOW_MINIMUM, "V-03", "L1 (unsigned) ECTs are not accepted");
        }
        String typ = null;
        String alg = null;
        String kid = null;
        if (p.format() == EctLevel.L2) {
            // V-04 (H-01, H-02)
            Object t = p.header().get("typ");
            if (!(t instanceof String ts) || !typOk(ts)) {
                throw reject(ReasonCode.INVALID_TYP, "H-01", "typ must be exec+jwt");
            }
            typ = ts;
            // V-05 (H-03)
            Object a = p.header().get("alg");
            EctAlgorithm algorithm = a instanceof String as ? EctAlgorithm.fromJwaName(as) : null;
            if (algorithm == null || !settings.algorithms().contains(algorithm)) {
                throw reject(ReasonCode.UNSUPPORTED_ALG, "H-03", "alg " + (a instanceof String ? LogSafe.escapeField((String) a) : "(missing)")
                        + " is not allowed (allowed: " + settings.algorithms() + ")");
            }
            alg = algorithm.jwaName();
            // V-06 (H-04, H-05)
            Object k = p.header().get("kid");
            if (!(k instanceof String ks) || ks.isEmpty()) {
                throw reject(ReasonCode.MISSING_KID, "H-04", "kid must be a non-empty string");
            }
            kid = ks;
            if (p.header().containsKey("crit")) {
                throw reject(ReasonCode.UNSUPPORTED_HEADER, "H-05", "crit is not supported");
            }
            if (p.header().containsKey("b64") && !Boolean.TRUE.equals(p.header().get("b64"))) {
                throw reject(ReasonCode.UNSUPPORTED_HEADER, "H-05", "b64 other than true is not supported");
            }
            // V-07: the key comes only from the configured source, for this issuer (H-06)
            String iss = p.iss();
            if (iss == null || iss.isEmpty()) {
                throw reject(ReasonCode.UNKNOWN_KEY, "V-07", "no iss claim to resolve the key with");
            }
            Optional<PublicKey> key;
            try {
                key = keySource.resolve(iss, kid, algorithm); // K-02: only a key usable for this alg
            } catch (EctUnavailableException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new EctUnavailableException(ReasonCode.KEY_SOURCE_UNAVAILABLE, "key source failed: " + e.getMessage(), e);
            }
            if (key == null || key.isEmpty()) {
                throw reject(ReasonCode.UNKNOWN_KEY, "V-07", "no key '" + LogSafe.escapeField(kid) + "' usable with " + alg
                        + " for issuer " + LogSafe.escapeField(iss) + " (V-07, K-02)");
            }
            // V-08
            if (!crypto.verify(algorithm, key.get(), p.signingInputBuffer(), p.signingInputLength(), p.signature())) {
                throw reject(ReasonCode.INVALID_SIGNATURE, "V-08", "the signature does not verify");
            }
        }
        // V-09, V-10
        SignedEct signed = EctCodec.signed(p, typ, alg, kid, settings);
        Ect ect = signed.ect();
        // V-11
        Instant now = clock.instant();
        Duration skew = settings.clockSkew();
        if (!ect.exp().isAfter(now.minus(skew))) {
            throw reject(ReasonCode.EXPIRED, "V-11", "expired at " + ect.exp());
        }
        if (ect.iat().isAfter(now.plus(settings.maxFuture()))) {
            throw reject(ReasonCode.IAT_IN_FUTURE, "V-11", "iat " + ect.iat() + " is more than " + settings.maxFuture().toSeconds() + " s ahead");
        }
        if (ect.iat().isBefore(now.minus(settings.maxAge()))) {
            throw reject(ReasonCode.IAT_TOO_OLD, "V-11", "iat " + ect.iat() + " is older than " + settings.maxAge().toMinutes() + " min");
        }
        Long nbf = p.nbf(); // C-12
        if (nbf != null && Instant.ofEpochSecond(nbf).isAfter(now.plus(skew))) {
            throw reject(ReasonCode.INVALID_CLAIM, "C-12", "nbf is in the future");
        }
        // V-12
        if (!ect.aud().contains(verifierId)) {
            throw reject(ReasonCode.AUDIENCE_MISMATCH, "V-12", "aud does not contain " + verifierId);
        }
        // V-13
        DagView dagView;
        try {
            dagView = dagFor(prior, scope).check(ect);
        } catch (EctException e) {
            throw e;
        } catch (RuntimeException e) {
            // T-06: a store that cannot be read is infrastructure's fault: 503, never a 500 or an accept
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ECT store lookup failed: " + e.getMessage(), e);
        }
        // validators: after the DAG rules, before the side effects (a refused token consumes nothing)
        validate(validator, ect, dagView);
        if (scope != null) {
            validate(scope.validator(), ect, dagView);
        }
        List<String> unresolved = dagView.unresolvedPredecessors();
        if (!sideEffects) {
            return new VerifiedEct(signed, p.format(), unresolved, List.of());
        }
        // T-09: a store the earlier verification of this request already wrote is not written again
        boolean recordReplay = prior == null || !prior.recordedIn(replayStore);
        boolean append = ledger != null && (prior == null || !prior.recordedIn(ledger));
        // V-14: side effects only after every pure check
        if (recordReplay) {
            Instant keepUntil = replayKeepUntil(ect, now, settings);
            boolean fresh;
            try {
                // P-01: (iss, wid, jti), ids in canonical lower case
                fresh = replayStore.checkAndRecord(ect.iss(), Uuids.canonical(ect.wid()), Uuids.canonical(ect.jti()), keepUntil);
            } catch (EctException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new EctUnavailableException(ReasonCode.REPLAY_STORE_UNAVAILABLE, "replay store failed: " + e.getMessage(), e);
            }
            if (!fresh) {
                throw reject(ReasonCode.REPLAY, "V-14", "jti " + ect.jti() + " was already used");
            }
        }
        // V-15: accepted only once the append succeeded (T-09: or the earlier verification of this
        // request appended it to this very ledger)
        if (append) {
            try {
                ledger.append(signed);
            } catch (EctRejectedException e) {
                throw e; // L-06: the (iss, wid, jti) is taken, so its replay record stays
            } catch (EctUnavailableException e) {
                if (recordReplay) {
                    forget(ect, e);
                }
                throw e;
            } catch (RuntimeException e) {
                EctUnavailableException u = new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE,
                        "ledger append failed: " + e.getMessage(), e);
                if (recordReplay) {
                    forget(ect, u);
                }
                throw u;
            }
        }
        // L3 is L2 plus the ledger: an unsigned (L1) token stays L1 even when recorded
        EctLevel level = ledger != null && p.format() == EctLevel.L2 ? EctLevel.L3 : p.format();
        if (prior == null) { // the usual case: the result made once, noting the stores written
            Object replayed = recordReplay ? replayStore : null;
            Object appended = append ? ledger : null;
            List<Object> recorded = replayed == null ? (appended == null ? List.of() : List.of(appended))
                    : appended == null || appended == replayed ? List.of(replayed) : List.of(replayed, appended);
            return new VerifiedEct(signed, level, unresolved, recorded);
        }
        VerifiedEct verified = new VerifiedEct(signed, level, unresolved, List.of()).withRecorded(prior); // the stores of both
        if (recordReplay) {
            verified = verified.withRecorded(replayStore);
        }
        return append ? verified.withRecorded(ledger) : verified;
    }

    /**
     * The DAG check of a verification. For {@link #verifyAgain} whose earlier verification appended
     * the token to this verifier's ECT store (a ledger the two share), that one entry (the same
     * issuer, workflow, jti and claims) is the earlier verifier's own record of this very request,
     * not an earlier use: G-01 must not count it as a replay. Every other entry counts as usual.
     */
    private DagValidator dagFor(VerifiedEct prior, VerificationScope scope) {
        EctStore s = store;
        if (scope != null && !scope.ownEcts().isEmpty()) {
            s = store.including(scope.ownEcts()); // F-03: the caller's own tokens, this call only
        }
        boolean again = prior != null && prior.recordedIn(store);
        if (s == store && !again) {
            return dag;
        }
        if (again) {
            s = new WithoutSelf(s, prior.ect());
        }
        return new DagValidator(s, settings, dagRules, again ? VerificationListener.noop() : listener);
    }

    /**
     * The store without one entry: the earlier verifier's record of this very request. The G-05
     * walk goes to the store itself (its one-query walk, if it has one): the walk never needs the
     * child's own entry, since an ancestor naming the child's jti is a cycle before any lookup.
     */
    private record WithoutSelf(EctStore store, Ect self) implements EctStore {
        @Override
        public List<SignedEct> findByJti(String jti) { return withoutSelf(jti, store.findByJti(jti)); }

        @Override
        public List<SignedEct> findByJti(String jti, Duration timeout) { return withoutSelf(jti, store.findByJti(jti, timeout)); }

        @Override
        public List<List<SignedEct>> findByJtis(List<String> jtis, Duration timeout) {
            return withoutSelf(jtis, store.findByJtis(jtis, timeout));
        }

        @Override
        public dev.ect.core.dag.AncestorWalk walkAncestors(List<SignedEct> parents, String jti, int limit, Duration timeout) {
            return store.walkAncestors(parents, jti, limit, timeout);
        }

        /** The store's lookups without the earlier record of this request; its G-05 answer as it is (see the class). */
        @Override
        public dev.ect.core.dag.DagLookups lookupForCheck(Ect child, List<String> ids, int limit, Duration timeout) {
            dev.ect.core.dag.DagLookups l = store.lookupForCheck(child, ids, limit, timeout);
            if (l == null) {
                return null; // the DagValidator reports it
            }
            List<List<SignedEct>> out = withoutSelf(ids, l.found());
            return l.walk().map(w -> dev.ect.core.dag.DagLookups.of(out, w)).orElseGet(() -> dev.ect.core.dag.DagLookups.of(out));
        }

        /** Each id's lookup without the earlier record; a malformed answer as it is (the DagValidator reports it). */
        private List<List<SignedEct>> withoutSelf(List<String> ids, List<List<SignedEct>> found) {
            if (found == null || found.size() != ids.size()) {
                return found;
            }
            List<List<SignedEct>> out = new java.util.ArrayList<>(found.size());
            for (int i = 0; i < found.size(); i++) {
                out.add(withoutSelf(ids.get(i), found.get(i)));
            }
            return out;
        }

        private List<SignedEct> withoutSelf(String jti, List<SignedEct> found) {
            if (found == null || !Uuids.same(jti, self.jti())) {
                return found;
            }
            List<SignedEct> out = new java.util.ArrayList<>(found.size());
            for (SignedEct s : found) {
                Ect e = s.ect();
                boolean same = java.util.Objects.equals(e.iss(), self.iss()) && java.util.Objects.equals(e.wid(), self.wid())
                        && e.sameClaims(self);
                if (!same) {
                    out.add(s);
                }
            }
            return out;
        }
    }

    /** Runs one (composed) validator; its refusal is a 403 with its own reason code and rule id. */
    private static void validate(EctValidator v, Ect ect, DagView view) {
        if (v == null) {
            return;
        }
        ValidationResult r = v.validate(ect, view);
        if (r == null) {
            throw new IllegalStateException("an EctValidator returned null");
        }
        if (!r.isValid()) {
            throw new EctRejectedException(r.error().orElseThrow());
        }
    }

    /** V-15 failed: release the replay key so the client can retry the token that was not accepted. */
    private void forget(Ect ect, EctUnavailableException failure) {
        try {
            replayStore.forget(ect.iss(), Uuids.canonical(ect.wid()), Uuids.canonical(ect.jti()));
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            LOG.warn("replay store could not forget jti={} after a failed ledger append: {}", ect.jti(), e.toString());
        }
    }

    /**
     * How long the replay key of an ECT accepted at {@code now} is kept (P-01, item 12): until the
     * last moment the token could still pass V-11, {@code min(exp, iat + maxAge) + skew}, but at
     * least {@code now + replayTtl} (the floor of {@code ECT_JTI_REPLAY_TTL_MIN}). A far-future
     * {@code exp} therefore cannot keep an entry alive beyond {@code iat + maxAge + skew} (or the
     * floor), so a trusted issuer cannot fill the store with entries that never expire.
     */
    static Instant replayKeepUntil(Ect ect, Instant now, EctSettings settings) {
        Instant lastAcceptable = ect.exp();
        Instant tooOld = ect.iat().plus(settings.maxAge());
        if (tooOld.isBefore(lastAcceptable)) {
            lastAcceptable = tooOld;
        }
        Instant keepUntil = lastAcceptable.plus(settings.clockSkew());
        Instant floor = now.plus(settings.replayTtl());
        return keepUntil.isBefore(floor) ? floor : keepUntil;
    }

    /** H-01/H-02: exec+jwt or wimse-exec+jwt, ASCII case-insensitive, optional application/ prefix. */
    static boolean typOk(String typ) {
        String t = typ.toLowerCase(Locale.ROOT);
        if (t.startsWith("application/")) {
            t = t.substring("application/".length());
        }
        return t.equals("exec+jwt") || t.equals("wimse-exec+jwt");
    }

    private static EctRejectedException reject(ReasonCode code, String rule, String detail) {
        return new EctRejectedException(EctError.of(code, rule, detail));
    }
}

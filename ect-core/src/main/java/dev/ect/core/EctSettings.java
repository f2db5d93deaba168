package dev.ect.core;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The tunable limits and time windows of verification and minting, with the defaults of profile
 * section 9. One immutable value shared by every module; read it from the environment with
 * {@code EctConfig.fromEnvironment().settings()} or build it with {@link #builder()}.
 *
 * <table>
 * <caption>Settings, their environment variables and defaults</caption>
 * <tr><th>setting</th><th>variable</th><th>default</th></tr>
 * <tr><td>{@link #maxAge()}</td><td>{@code ECT_IAT_MAX_AGE_MINUTES}</td><td>15 min</td></tr>
 * <tr><td>{@link #maxFuture()} (also the clock skew for exp and G-04)</td><td>{@code ECT_IAT_MAX_FUTURE_SEC}</td><td>30 s</td></tr>
 * <tr><td>{@link #defaultExpiry()}</td><td>{@code ECT_DEFAULT_EXPIRY_MIN}</td><td>10 min</td></tr>
 * <tr><td>{@link #replayCacheSize()}</td><td>{@code ECT_JTI_REPLAY_CACHE_SIZE}</td><td>0 = 100,000</td></tr>
 * <tr><td>{@link #replayTtl()}</td><td>{@code ECT_JTI_REPLAY_TTL_MIN}</td><td>60 min</td></tr>
 * <tr><td>{@link #maxPred()}</td><td>{@code ECT_MAX_PRED}</td><td>100</td></tr>
 * <tr><td>{@link #maxTokenBytes()}</td><td>{@code ECT_MAX_TOKEN_BYTES}</td><td>8192</td></tr>
 * <tr><td>{@link #minLevel()}</td><td>{@code ECT_MIN_LEVEL}</td><td>L2</td></tr>
 * <tr><td>{@link #algorithms()}</td><td>{@code ECT_ALGORITHMS} (comma-separated)</td><td>ES256</td></tr>
 * <tr><td>{@link #maxAncestors()}</td><td>{@code ECT_MAX_ANCESTORS}</td><td>10,000</td></tr>
 * <tr><td>{@link #dagTimeout()} (deadline of the whole DAG check, V-13)</td><td>{@code ECT_DAG_TIMEOUT_MS}</td><td>2000 ms</td></tr>
 * <tr><td>{@link #allowUnresolvedPredecessors()}</td><td>{@code ECT_ALLOW_UNRESOLVED} (true/false)</td><td>false</td></tr>
 * <tr><td>{@link #legacyClaims()}</td><td>{@code ECT_LEGACY_CLAIMS} (true/false)</td><td>false</td></tr>
 * </table>
 */
public final class EctSettings {
    /** Default size of the in-process replay store (also when {@code ect.replay-cache-size} is 0). */
    public static final int DEFAULT_REPLAY_CACHE_SIZE = 100_000;

    /**
     * Default deadline of the whole DAG check (V-13, G-01..G-07): 2 s. A walk of 10,000 ancestors
     * in one database query takes tens of milliseconds; 2 s leaves room for a loaded database and
     * the default walk of stores without one (about 0.1 ms per lookup in memory), and stays below
     * the usual 5 s statement and client timeouts, so a slow ledger answers 503 before the
     * caller gives up.
     */
    public static final Duration DEFAULT_DAG_TIMEOUT = Duration.ofSeconds(2);

    private static final EctSettings DEFAULTS = builder().build();

    private final Duration maxAge;
    private final Duration maxFuture;
    private final Duration defaultExpiry;
    private final int replayCacheSize;
    private final Duration replayTtl;
    private final int maxPred;
    private final int maxTokenBytes;
    private final EctLevel minLevel;
    private final Set<EctAlgorithm> algorithms;
    private final int maxAncestors;
    private final Duration dagTimeout;
    private final boolean allowUnresolvedPredecessors;
    private final boolean legacyClaims;

    private EctSettings(Builder b) {
        maxAge = b.maxAge;
        maxFuture = b.maxFuture;
        defaultExpiry = b.defaultExpiry;
        replayCacheSize = b.replayCacheSize;
        replayTtl = b.replayTtl;
        maxPred = b.maxPred;
        maxTokenBytes = b.maxTokenBytes;
        minLevel = b.minLevel;
        algorithms = Set.copyOf(b.algorithms);
        maxAncestors = b.maxAncestors;
        dagTimeout = b.dagTimeout;
        allowUnresolvedPredecessors = b.allowUnresolved;
        legacyClaims = b.legacyClaims;
    }

    /** The profile defaults. */
    public static EctSettings defaults() { return DEFAULTS; }

    public static Builder builder() { return new Builder(); }

    public Builder toBuilder() { return new Builder(this); }

    /** Maximum age of {@code iat} (V-11); default 15 minutes. */
    public Duration maxAge() { return maxAge; }
    /** Maximum {@code iat} in the future; also the clock skew for {@code exp} and G-04; default 30 s. */
    public Duration maxFuture() { return maxFuture; }
    /** Same as {@link #maxFuture()}: the clock skew. */
    public Duration clockSkew() { return maxFuture; }
    /** Lifetime of a minted ECT whose {@code exp} is not set (C-04, M-02); default 10 minutes. */
    public Duration defaultExpiry() { return defaultExpiry; }
    /** Maximum entries of the in-process replay store (P-03); default 100,000. */
    public int replayCacheSize() { return replayCacheSize; }
    /** Minimum time a replay entry is kept (P-01 keeps it at least until exp + skew); default 60 min. */
    public Duration replayTtl() { return replayTtl; }
    /** Maximum {@code pred} entries (C-08); default 100. */
    public int maxPred() { return maxPred; }
    /** Maximum token length in bytes, checked before parsing (T-03, V-01); default 8192. */
    public int maxTokenBytes() { return maxTokenBytes; }
    /** Minimum accepted level (V-03); default L2. */
    public EctLevel minLevel() { return minLevel; }
    /** The {@code alg} allowlist (H-03); default {ES256}. */
    public Set<EctAlgorithm> algorithms() { return algorithms; }
    /** Bound of the ancestor walk (G-05); default 10,000 nodes. */
    public int maxAncestors() { return maxAncestors; }
    /**
     * Deadline of the whole DAG check of one ECT (V-13: G-01..G-07, every store lookup and the G-05
     * walk included); past it the ECT is refused with 503 {@code ledger_unavailable}. Default 2 s
     * ({@link #DEFAULT_DAG_TIMEOUT}).
     */
    public Duration dagTimeout() { return dagTimeout; }
    /** G-02 policy: accept unresolved predecessors as a partial DAG; default false (REJECT). */
    public boolean allowUnresolvedPredecessors() { return allowUnresolvedPredecessors; }
    /** C-11: map {@code par}→{@code pred}, {@code ext}→{@code ect_ext} for -00 senders; default false. */
    public boolean legacyClaims() { return legacyClaims; }

    @Override
    public boolean equals(Object o) {
        return o instanceof EctSettings s && maxAge.equals(s.maxAge) && maxFuture.equals(s.maxFuture)
                && defaultExpiry.equals(s.defaultExpiry) && replayCacheSize == s.replayCacheSize
                && replayTtl.equals(s.replayTtl) && maxPred == s.maxPred && maxTokenBytes == s.maxTokenBytes
                && minLevel == s.minLevel && algorithms.equals(s.algorithms) && maxAncestors == s.maxAncestors
                && dagTimeout.equals(s.dagTimeout)
                && allowUnresolvedPredecessors == s.allowUnresolvedPredecessors && legacyClaims == s.legacyClaims;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxAge, maxFuture, defaultExpiry, replayCacheSize, replayTtl, maxPred, maxTokenBytes,
                minLevel, algorithms, maxAncestors, dagTimeout, allowUnresolvedPredecessors, legacyClaims);
    }

    @Override
    public String toString() {
        return "EctSettings{maxAge=" + maxAge + ", maxFuture=" + maxFuture + ", defaultExpiry=" + defaultExpiry
                + ", replayCacheSize=" + replayCacheSize + ", replayTtl=" + replayTtl + ", maxPred=" + maxPred
                + ", maxTokenBytes=" + maxTokenBytes + ", minLevel=" + minLevel + ", algorithms=" + algorithms
                + ", maxAncestors=" + maxAncestors + ", dagTimeout=" + dagTimeout + ", allowUnresolved=" + allowUnresolvedPredecessors
                + ", legacyClaims=" + legacyClaims + "}";
    }

    /** Builder for {@link EctSettings}; every option fails fast on an invalid value. */
    public static final class Builder {
        private Duration maxAge = Duration.ofMinutes(15);
        private Duration maxFuture = Duration.ofSeconds(30);
        private Duration defaultExpiry = Duration.ofMinutes(10);
        private int replayCacheSize = DEFAULT_REPLAY_CACHE_SIZE;
        private Duration replayTtl = Duration.ofMinutes(60);
        private int maxPred = 100;
        private int maxTokenBytes = 8192;
        private EctLevel minLevel = EctLevel.L2;
        private Set<EctAlgorithm> algorithms = EnumSet.of(EctAlgorithm.ES256);
        private int maxAncestors = 10_000;
        private Duration dagTimeout = DEFAULT_DAG_TIMEOUT;
        private boolean allowUnresolved;
        private boolean legacyClaims;

        private Builder() {}

        private Builder(EctSettings s) {
            maxAge = s.maxAge;
            maxFuture = s.maxFuture;
            defaultExpiry = s.defaultExpiry;
            replayCacheSize = s.replayCacheSize;
            replayTtl = s.replayTtl;
            maxPred = s.maxPred;
            maxTokenBytes = s.maxTokenBytes;
            minLevel = s.minLevel;
            algorithms = EnumSet.copyOf(s.algorithms);
            maxAncestors = s.maxAncestors;
            dagTimeout = s.dagTimeout;
            allowUnresolved = s.allowUnresolvedPredecessors;
            legacyClaims = s.legacyClaims;
        }

        public Builder maxAge(Duration d) { maxAge = positive(d, "maxAge"); return this; }
        public Builder maxFuture(Duration d) { maxFuture = nonNegative(d, "maxFuture"); return this; }
        /** Alias of {@link #maxFuture(Duration)}. */
        public Builder clockSkew(Duration d) { return maxFuture(d); }
        public Builder defaultExpiry(Duration d) { defaultExpiry = positive(d, "defaultExpiry"); return this; }
        public Builder replayCacheSize(int n) { replayCacheSize = atLeast(n, 1, "replayCacheSize"); return this; }
        public Builder replayTtl(Duration d) { replayTtl = nonNegative(d, "replayTtl"); return this; }
        public Builder maxPred(int n) { maxPred = atLeast(n, 0, "maxPred"); return this; }
        public Builder maxTokenBytes(int n) { maxTokenBytes = atLeast(n, 64, "maxTokenBytes"); return this; }
        public Builder minLevel(EctLevel l) { minLevel = Objects.requireNonNull(l, "minLevel cannot be null"); return this; }
        public Builder maxAncestors(int n) { maxAncestors = atLeast(n, 1, "maxAncestors"); return this; }
        /** Deadline of the whole DAG check (V-13); default 2 s; must be &gt; 0. */
        public Builder dagTimeout(Duration d) { dagTimeout = positive(d, "dagTimeout"); return this; }
        public Builder allowUnresolvedPredecessors(boolean b) { allowUnresolved = b; return this; }
        public Builder legacyClaims(boolean b) { legacyClaims = b; return this; }

        public Builder algorithms(Set<EctAlgorithm> algs) {
            Objects.requireNonNull(algs, "algorithms cannot be null");
            if (algs.isEmpty()) {
                throw new IllegalArgumentException("algorithms must not be empty");
            }
            algorithms = EnumSet.copyOf(algs);
            return this;
        }

        public Builder algorithms(EctAlgorithm first, EctAlgorithm... more) {
            return algorithms(EnumSet.of(first, more));
        }

        public EctSettings build() { return new EctSettings(this); }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name + " cannot be null");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0");
            }
            return d;
        }

        private static Duration nonNegative(Duration d, String name) {
            Objects.requireNonNull(d, name + " cannot be null");
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must be >= 0");
            }
            return d;
        }

        private static int atLeast(int n, int min, String name) {
            if (n < min) {
                throw new IllegalArgumentException(name + " must be >= " + min);
            }
            return n;
        }
    }
}

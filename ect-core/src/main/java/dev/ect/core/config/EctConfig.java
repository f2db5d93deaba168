package dev.ect.core.config;

import dev.ect.core.CryptoProvider;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctLevel;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.MissingOptionException;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.JwksUrlKeySource;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.replay.ReplayStore;
import dev.ect.core.spi.EctStores;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole configuration of a deployment, parsed and validated once from an
 * {@link EctConfigSource}: every {@link EctOption}, with one syntax per kind of value (integers,
 * booleans {@code true/false/yes/no/1/0}, lists separated by commas or whitespace, one trust-list
 * syntax). Immutable; {@link #open(Clock)} opens what it names (key files, JWKS URLs, ledger,
 * shared stores) and builds the verifier (and the response signer when a key is configured).
 *
 * <pre>{@code
 * EctConfig config = EctConfig.from(EctConfigSource.environment(System.getenv()));
 * try (EctRuntime rt = config.open(Clock.systemUTC())) {
 *     VerifiedEct v = rt.verifier().verify(token);
 * }
 * }</pre>
 *
 * <p><b>Trust list</b> ({@link EctOption#TRUST}): {@code ISS=JWKS} entries separated by commas or
 * whitespace (or given as a repeated command-line option), where {@code JWKS} is a JWKS file path or
 * an {@code https://} JWKS URL ({@code http://} only with {@link EctOption#JWKS_ALLOW_INSECURE_HTTP},
 * K-03). The issuer ends at the first {@code '='}. The earlier {@code ISS=file:PATH} form is still
 * read, with a WARN. A key only ever verifies tokens of the issuer it is listed for (V-07).
 *
 * <p><b>Errors</b> are {@link EctConfigException}s whose message names where the value came from
 * ({@link EctConfigSource#describe(EctOption)}); a store URL is never shown (it may hold a password).
 */
public final class EctConfig {
    private static final Logger LOG = LoggerFactory.getLogger(EctConfig.class);
    private static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    /** One entry of the trust list: an issuer and where its keys are (a JWKS file or URL). */
    public record TrustedIssuer(String issuer, String jwks) {
        public TrustedIssuer {
            Objects.requireNonNull(issuer, "issuer cannot be null");
            Objects.requireNonNull(jwks, "jwks cannot be null");
        }

        /** True when the keys are fetched from a JWKS URL ({@code https://}, or {@code http://} when allowed). */
        public boolean isUrl() { return isUrl(jwks); }

        static boolean isUrl(String s) {
            String l = s.toLowerCase(Locale.ROOT);
            return l.startsWith("https://") || l.startsWith("http://");
        }

        @Override
        public String toString() { return issuer + "=" + jwks; }
    }

    private final EctConfigSource source;
    private final EctSettings settings;
    private final boolean algorithmsSet;
    private final String verifierId;
    private final List<TrustedIssuer> trust;
    private final Duration jwksMaxStale;
    private final boolean jwksAllowInsecureHttp;
    private final Path ledgerFile;
    private final String jdbcUrl;
    private final String redisUrl;
    private final String crypto;
    private final Path responseKeyFile;
    private final String responseIssuer;
    private final boolean recordResponseEcts;
    private final List<String> requiredPaths;
    private final List<String> optionalPaths;
    private final List<String> excludePaths;
    private final String logLevel;

    private EctConfig(EctConfigSource src) {
        this.source = src;
        Parser p = new Parser(src);
        settings = settings(p);
        algorithmsSet = src.get(EctOption.ALGORITHMS).isPresent();
        verifierId = src.get(EctOption.VERIFIER_ID).orElse(null);
        jwksAllowInsecureHttp = p.bool(EctOption.JWKS_ALLOW_INSECURE_HTTP, false);
        jwksMaxStale = p.get(EctOption.JWKS_MAX_STALE_SECONDS).isPresent()
                ? Duration.ofSeconds(p.longValue(EctOption.JWKS_MAX_STALE_SECONDS, 0)) : JwksUrlKeySource.DEFAULT_MAX_STALE;
        trust = trust(p, jwksAllowInsecureHttp);
        Path file = p.path(EctOption.LEDGER_FILE);
        String jdbc = src.get(EctOption.JDBC_URL).orElse(null);
        if (file != null && jdbc != null) {
            int fl = src.layerOf(EctOption.LEDGER_FILE);
            int jl = src.layerOf(EctOption.JDBC_URL);
            if (fl == jl) {
                throw new EctConfigException(EctOption.LEDGER_FILE, "both " + src.describe(EctOption.LEDGER_FILE) + " and "
                        + src.describe(EctOption.JDBC_URL) + " configure a ledger; set only one");
            }
            LOG.info("{} wins over {}", src.describe(fl < jl ? EctOption.LEDGER_FILE : EctOption.JDBC_URL),
                    src.describe(fl < jl ? EctOption.JDBC_URL : EctOption.LEDGER_FILE));
            if (fl < jl) {
                jdbc = null;
            } else {
                file = null;
            }
        }
        ledgerFile = file;
        jdbcUrl = jdbc;
        redisUrl = src.get(EctOption.REDIS_URL).orElse(null);
        crypto = p.oneOf(EctOption.CRYPTO, List.of("auto", "jdk", "accp"), "auto");
        responseKeyFile = p.path(EctOption.RESPONSE_KEY_FILE);
        responseIssuer = src.get(EctOption.RESPONSE_ISSUER).orElse(null);
        recordResponseEcts = p.bool(EctOption.RECORD_RESPONSE_ECTS, false);
        requiredPaths = p.list(EctOption.REQUIRED_PATHS);
        optionalPaths = p.list(EctOption.OPTIONAL_PATHS);
        excludePaths = p.list(EctOption.EXCLUDE_PATHS);
        logLevel = src.get(EctOption.LOG_LEVEL).isPresent()
                ? p.oneOf(EctOption.LOG_LEVEL, LOG_LEVELS, null) : null;
    }

    /**
     * The configuration of the process environment ({@link System#getenv()}):
     * {@code from(EctConfigSource.environment(System.getenv()))}. {@code EctConfig.fromEnvironment().settings()}
     * gives the {@link EctSettings} of the {@code ECT_*} variables (unset or blank ones keep their defaults).
     *
     * @throws EctConfigException naming the variable, for any invalid value (never a silent fallback, profile section 9)
     */
    public static EctConfig fromEnvironment() { return fromEnvironment(System.getenv()); }

    /**
     * The configuration of an environment map: {@code from(EctConfigSource.environment(env))}.
     *
     * @throws EctConfigException naming the variable, for any invalid value
     */
    public static EctConfig fromEnvironment(Map<String, String> env) {
        return from(EctConfigSource.environment(java.util.Objects.requireNonNull(env, "env cannot be null")));
    }

    /**
     * Parses and validates every option of the source.
     *
     * @throws EctConfigException for the first invalid value, naming where it came from
     */
    public static EctConfig from(EctConfigSource source) {
        return new EctConfig(Objects.requireNonNull(source, "source cannot be null"));
    }

    /** The source this configuration was read from. */
    public EctConfigSource source() { return source; }

    /**
     * Where an option's value came from (or would come from), for messages of the modules that
     * read their own options from here: {@link EctConfigSource#describe(EctOption)}.
     */
    public String describe(EctOption option) { return source.describe(option); }

    /** True when the source sets the option (non-blank). */
    public boolean isSet(EctOption option) { return source.get(option).isPresent(); }

    /**
     * An {@link EctConfigException} for an option whose value a module found invalid, in the
     * format of this class's own errors ({@code <source>=<value> is invalid: <why>}).
     */
    public EctConfigException invalid(EctOption option, String why, Throwable cause) {
        return new Parser(source).invalid(option, why, cause);
    }

    /**
     * The limits and windows (profile section 9). When {@link EctOption#ALGORITHMS} is unset the
     * verifier of {@link #open(Clock)} allows the algorithms the trusted JWKS files declare (their
     * keys' {@code alg} members) instead, if any do; see {@link EctRuntime#verifier()}.
     */
    public EctSettings settings() { return settings; }

    /** {@link EctOption#VERIFIER_ID}; empty when unset ({@link #open(Clock)} then fails). */
    public Optional<String> verifierId() { return Optional.ofNullable(verifierId); }

    /** {@link EctOption#TRUST}, in order; empty when unset. */
    public List<TrustedIssuer> trust() { return trust; }

    /** {@link EctOption#JWKS_MAX_STALE_SECONDS}; default {@link JwksUrlKeySource#DEFAULT_MAX_STALE}. */
    public Duration jwksMaxStale() { return jwksMaxStale; }

    /** {@link EctOption#JWKS_ALLOW_INSECURE_HTTP}; default false. */
    public boolean jwksAllowInsecureHttp() { return jwksAllowInsecureHttp; }

    /** {@link EctOption#LEDGER_FILE}; empty when unset, or when a higher source names a {@link #jdbcUrl()}. */
    public Optional<Path> ledgerFile() { return Optional.ofNullable(ledgerFile); }

    /** {@link EctOption#JDBC_URL}; empty when unset, or when a higher source names a {@link #ledgerFile()}. */
    public Optional<String> jdbcUrl() { return Optional.ofNullable(jdbcUrl); }

    /** True when a ledger is configured (a file or a URL). */
    public boolean hasLedger() { return ledgerFile != null || jdbcUrl != null; }

    /** {@link EctOption#REDIS_URL}; empty when unset. */
    public Optional<String> redisUrl() { return Optional.ofNullable(redisUrl); }

    /** {@link EctOption#CRYPTO}: {@code auto} (default), {@code jdk} or {@code accp}. */
    public String crypto() { return crypto; }

    /**
     * The provider of {@link #crypto()}.
     *
     * @throws EctConfigException for {@code accp} where ACCP does not load
     */
    public CryptoProvider cryptoProvider() {
        return switch (crypto) {
            case "jdk" -> CryptoProvider.jdk();
            case "accp" -> CryptoProvider.accp().orElseThrow(() -> new EctConfigException(EctOption.CRYPTO,
                    describe(EctOption.CRYPTO) + "=accp: the Amazon Corretto Crypto Provider did not load on this platform ("
                            + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "); use auto or jdk"));
            default -> CryptoProvider.auto();
        };
    }

    /** {@link EctOption#RESPONSE_KEY_FILE}; empty when unset (no response ECTs). */
    public Optional<Path> responseKeyFile() { return Optional.ofNullable(responseKeyFile); }

    /** {@link EctOption#RESPONSE_ISSUER}; empty when unset (the filter then uses the verifier id). */
    public Optional<String> responseIssuer() { return Optional.ofNullable(responseIssuer); }

    /** {@link EctOption#RECORD_RESPONSE_ECTS}; default false. */
    public boolean recordResponseEcts() { return recordResponseEcts; }

    /** {@link EctOption#REQUIRED_PATHS} as listed; empty when unset (the filter's default {@code /*}). */
    public Optional<List<String>> requiredPaths() { return Optional.ofNullable(requiredPaths); }

    /** {@link EctOption#OPTIONAL_PATHS} as listed; empty when unset. */
    public Optional<List<String>> optionalPaths() { return Optional.ofNullable(optionalPaths); }

    /** {@link EctOption#EXCLUDE_PATHS} as listed; empty when unset. */
    public Optional<List<String>> excludePaths() { return Optional.ofNullable(excludePaths); }

    /** {@link EctOption#LOG_LEVEL} in lower case; empty when unset. */
    public Optional<String> logLevel() { return Optional.ofNullable(logLevel); }

    /**
     * The key source of the trust list alone, e.g. for a ledger audit that checks signatures
     * without verifying tokens as a receiver. Reads the JWKS files now.
     *
     * @return empty when no issuer is trusted
     * @throws EctConfigException naming {@link EctOption#TRUST} when a file cannot be read or holds no usable key
     */
    public Optional<KeySource> keySource(Clock clock) {
        Objects.requireNonNull(clock, "clock cannot be null");
        return Optional.ofNullable(keys(clock).keySource);
    }

    /** {@link #open(Clock, Consumer)} without adjustments. */
    public EctRuntime open(Clock clock) { return open(clock, b -> { }); }

    /**
     * Opens what the configuration names and builds the verifier: the trusted keys (JWKS files read
     * now, JWKS URLs fetched on first use), the ledger ({@link EctOption#LEDGER_FILE} or
     * {@link EctOption#JDBC_URL}), the shared replay store ({@link EctOption#REDIS_URL}), the response
     * signer ({@link EctOption#RESPONSE_KEY_FILE}, signing with the same settings, clock and crypto).
     * What it opened is closed by {@link EctRuntime#close()}, or here when anything fails.
     *
     * @param clock the clock of the verifier, the signer, the stores and the JWKS caches
     * @param verifier adjusts the verifier builder after the configuration has set its options
     *     (a listener, DAG rules, a key source or ledger of your own where the configuration names
     *     none); each builder option may be set once
     * @throws EctConfigException naming the option at fault: no verifier id, no trusted issuer below
     *     L1, L3 without a ledger, an unreadable file, a store URL no plug-in supports
     */
    public EctRuntime open(Clock clock, Consumer<? super EctVerifier.Builder> verifier) {
        Objects.requireNonNull(clock, "clock cannot be null");
        Objects.requireNonNull(verifier, "verifier cannot be null");
        if (verifierId == null) {
            throw new EctConfigException(EctOption.VERIFIER_ID, "the verifier id is required: set "
                    + describe(EctOption.VERIFIER_ID));
        }
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            CryptoProvider cp = cryptoProvider();
            Keys keys = keys(clock);
            EctSettings s = settings;
            if (!algorithmsSet && !keys.declared.isEmpty()) {
                s = settings.toBuilder().algorithms(keys.declared).build();
            }
            AuditLedger ledger = openLedger(clock, owned);
            ReplayStore replay = null;
            if (redisUrl != null) {
                replay = own(openStore(EctOption.REDIS_URL, () -> EctStores.replayStore(redisUrl, clock)), owned);
            }
            EctVerifier.Builder b = EctVerifier.builder().verifierId(verifierId).settings(s).clock(clock).crypto(cp);
            if (keys.keySource != null) {
                b.keySource(keys.keySource);
            }
            if (ledger != null) {
                b.ledger(ledger);
            }
            if (replay != null) {
                b.replayStore(replay);
            }
            verifier.accept(b);
            EctVerifier v;
            try {
                v = b.build();
            } catch (MissingOptionException e) {
                throw explain(e, s);
            }
            EctSigner signer = signer(clock, s, cp);
            return new EctRuntime(this, v, signer, replay, ledger, keys.parts, owned);
        } catch (RuntimeException e) {
            EctRuntime.closeAll(owned);
            throw e;
        }
    }

    /**
     * What the verifier builder found missing, said in terms of the options that would provide it
     * and where they are read from. By the option the builder names (typed), never by its message.
     */
    private RuntimeException explain(MissingOptionException e, EctSettings s) {
        switch (e.option()) {
            case "keySource":
                return new EctConfigException(EctOption.TRUST, "no trusted issuers: set " + describe(EctOption.TRUST)
                        + " (or " + describe(EctOption.MIN_LEVEL) + "=L1)", e);
            case "ledger":
                return new EctConfigException(EctOption.MIN_LEVEL, "minimum level " + s.minLevel() + " ("
                        + describe(EctOption.MIN_LEVEL) + ") needs a ledger: set " + describe(EctOption.LEDGER_FILE)
                        + " or " + describe(EctOption.JDBC_URL), e);
            default:
                return e; // verifierId: checked above, before anything is opened
        }
    }

    private AuditLedger openLedger(Clock clock, List<AutoCloseable> owned) {
        if (ledgerFile != null) {
            try {
                return own(FileLedger.open(ledgerFile), owned);
            } catch (IOException | RuntimeException e) {
                throw invalid(EctOption.LEDGER_FILE, "cannot open the ledger file: " + e.getMessage(), e);
            }
        }
        if (jdbcUrl != null) {
            return own(openStore(EctOption.JDBC_URL, () -> EctStores.ledger(jdbcUrl, clock)), owned);
        }
        return null;
    }

    private <T> T openStore(EctOption o, java.util.function.Supplier<T> open) {
        try {
            return open.get();
        } catch (IllegalArgumentException e) {
            throw new EctConfigException(o, describe(o) + " is invalid: " + e.getMessage(), e);
        }
    }

    /**
     * The response signer of {@link EctOption#RESPONSE_KEY_FILE} alone, for a verifier of your own:
     * it signs with these settings (default expiry, limits), this clock and {@link #cryptoProvider()}.
     * {@link #open(Clock)} makes the same signer with the verifier's settings.
     *
     * @return empty when no key file is configured
     * @throws EctConfigException naming the option when the file cannot be read or holds no private JWK
     */
    public Optional<EctSigner> signer(Clock clock, EctSettings settings) {
        Objects.requireNonNull(clock, "clock cannot be null");
        Objects.requireNonNull(settings, "settings cannot be null");
        return Optional.ofNullable(signer(clock, settings, cryptoProvider()));
    }

    private EctSigner signer(Clock clock, EctSettings s, CryptoProvider cp) {
        if (responseKeyFile == null) {
            return null;
        }
        String json;
        try {
            json = Files.readString(responseKeyFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw invalid(EctOption.RESPONSE_KEY_FILE, "cannot read the private JWK: " + e, e);
        }
        try {
            EctKeyPair kp = EctKeys.fromPrivateJwk(json);
            return EctSigner.builder(kp).clock(clock).settings(s).crypto(cp).build();
        } catch (RuntimeException e) {
            throw invalid(EctOption.RESPONSE_KEY_FILE, e.getMessage(), e);
        }
    }

    private static <T> T own(T resource, List<AutoCloseable> owned) {
        if (resource instanceof AutoCloseable c) {
            owned.add(c);
        }
        return resource;
    }

    /** The key source of the trust list, its parts, and the algorithms its files declare. */
    private record Keys(KeySource keySource, List<KeySource> parts, Set<EctAlgorithm> declared) {}

    private Keys keys(Clock clock) {
        if (trust.isEmpty()) {
            return new Keys(null, List.of(), Set.of());
        }
        StaticKeySource.Builder files = StaticKeySource.builder();
        JwksUrlKeySource.Builder urls = JwksUrlKeySource.builder().clock(clock).maxStale(jwksMaxStale)
                .allowInsecureHttp(jwksAllowInsecureHttp);
        boolean anyFile = false;
        boolean anyUrl = false;
        Set<EctAlgorithm> declared = new LinkedHashSet<>();
        for (TrustedIssuer t : trust) {
            if (t.isUrl()) {
                try {
                    urls.issuer(t.issuer(), URI.create(t.jwks()));
                } catch (RuntimeException e) {
                    throw invalid(EctOption.TRUST, t.issuer() + ": " + e.getMessage(), e);
                }
                anyUrl = true;
                continue;
            }
            String json;
            try {
                json = Files.readString(Path.of(t.jwks()), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw invalid(EctOption.TRUST, "JWKS file " + t.jwks() + " does not exist (issuer " + t.issuer() + ")", e);
            } catch (IOException | InvalidPathException e) {
                throw invalid(EctOption.TRUST, "cannot read JWKS file " + t.jwks() + " (issuer " + t.issuer() + "): " + e, e);
            }
            try {
                if (EctKeys.parseJwks(json).isEmpty()) {
                    throw new IllegalArgumentException("no usable public key (expected a JWKS document {\"keys\":[...]} "
                            + "with a kid on each key, as written by ect keygen --public)");
                }
                files.jwks(t.issuer(), json);
                declared.addAll(EctKeys.declaredAlgorithms(json));
            } catch (RuntimeException e) {
                throw invalid(EctOption.TRUST, "JWKS file " + t.jwks() + " (issuer " + t.issuer() + "): " + e.getMessage(), e);
            }
            anyFile = true;
        }
        List<KeySource> parts = new ArrayList<>();
        if (anyFile) {
            parts.add(files.build());
        }
        if (anyUrl) {
            try {
                parts.add(urls.build());
            } catch (RuntimeException e) {
                throw invalid(EctOption.TRUST, e.getMessage(), e);
            }
        }
        KeySource ks = parts.size() == 1 ? parts.get(0) : KeySource.firstOf(parts.toArray(KeySource[]::new));
        return new Keys(ks, List.copyOf(parts), declared);
    }

    private static List<TrustedIssuer> trust(Parser p, boolean allowHttp) {
        Optional<String> v = p.get(EctOption.TRUST);
        if (v.isEmpty()) {
            return List.of();
        }
        List<TrustedIssuer> out = new ArrayList<>();
        Set<String> urlIssuers = new java.util.HashSet<>();
        for (String entry : split(v.get())) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw p.invalid(EctOption.TRUST, "entry '" + entry + "' is not ISS=JWKS (an issuer, '=', a JWKS file path or an https URL)", null);
            }
            String iss = entry.substring(0, eq);
            String where = entry.substring(eq + 1);
            if (where.regionMatches(true, 0, "file:", 0, 5)) {
                LOG.warn("{}: the entry form ISS=file:PATH is deprecated; write ISS=PATH", p.src.describe(EctOption.TRUST));
                try {
                    where = where.startsWith("file://") ? Path.of(URI.create(where)).toString() : where.substring(5);
                } catch (RuntimeException e) {
                    throw p.invalid(EctOption.TRUST, "entry '" + entry + "': " + e.getMessage(), e);
                }
                if (where.isEmpty()) {
                    throw p.invalid(EctOption.TRUST, "entry '" + entry + "' names no file", null);
                }
            }
            if (TrustedIssuer.isUrl(where)) {
                URI uri;
                try {
                    uri = URI.create(where);
                } catch (IllegalArgumentException e) {
                    throw p.invalid(EctOption.TRUST, "bad JWKS URL of " + iss + ": " + e.getMessage(), e);
                }
                if ("http".equalsIgnoreCase(uri.getScheme()) && !allowHttp) {
                    throw p.invalid(EctOption.TRUST, "JWKS URL " + uri + " of issuer " + iss + " is not https (K-03); plain "
                            + "http is for development only: allow it with " + p.src.describe(EctOption.JWKS_ALLOW_INSECURE_HTTP)
                            + "=true", null);
                }
                if (uri.getHost() == null) {
                    throw p.invalid(EctOption.TRUST, "JWKS URL " + uri + " of issuer " + iss + " has no host", null);
                }
                if (!urlIssuers.add(iss)) {
                    throw p.invalid(EctOption.TRUST, "issuer " + iss + " has two JWKS URLs", null);
                }
            }
            out.add(new TrustedIssuer(iss, where));
        }
        return List.copyOf(out);
    }

    private static EctSettings settings(Parser p) {
        EctSettings.Builder b = EctSettings.builder();
        p.ifInt(EctOption.IAT_MAX_AGE_MINUTES, 1, v -> b.maxAge(Duration.ofMinutes(v)));
        p.ifInt(EctOption.IAT_MAX_FUTURE_SECONDS, 0, v -> b.maxFuture(Duration.ofSeconds(v)));
        p.ifInt(EctOption.DEFAULT_EXPIRY_MINUTES, 1, v -> b.defaultExpiry(Duration.ofMinutes(v)));
        p.ifInt(EctOption.REPLAY_CACHE_SIZE, 0, v -> b.replayCacheSize(v == 0 ? EctSettings.DEFAULT_REPLAY_CACHE_SIZE : v));
        p.ifInt(EctOption.REPLAY_TTL_MINUTES, 0, v -> b.replayTtl(Duration.ofMinutes(v)));
        p.ifInt(EctOption.MAX_PRED, 0, b::maxPred);
        p.ifInt(EctOption.MAX_TOKEN_BYTES, 64, b::maxTokenBytes);
        p.ifInt(EctOption.MAX_ANCESTORS, 1, b::maxAncestors);
        p.ifInt(EctOption.DAG_TIMEOUT_MS, 1, v -> b.dagTimeout(Duration.ofMillis(v)));
        p.ifPresent(EctOption.MIN_LEVEL, v -> b.minLevel(EctLevel.parse(v)));
        p.ifPresent(EctOption.ALGORITHMS, v -> {
            Set<EctAlgorithm> algs = EnumSet.noneOf(EctAlgorithm.class);
            for (String a : split(v)) {
                algs.add(EctAlgorithm.parse(a));
            }
            b.algorithms(algs);
        });
        b.allowUnresolvedPredecessors(p.bool(EctOption.ALLOW_UNRESOLVED, false));
        b.legacyClaims(p.bool(EctOption.LEGACY_CLAIMS, false));
        return b.build();
    }

    /** A list value: entries separated by commas and/or whitespace, empty entries dropped. */
    static List<String> split(String v) {
        List<String> out = new ArrayList<>();
        for (String part : v.split("[,\\s]+")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "EctConfig{verifierId=" + verifierId + ", trust=" + trust + ", settings=" + settings
                + ", ledger=" + (ledgerFile != null ? ledgerFile : jdbcUrl != null ? "(jdbc url)" : "none")
                + ", replayStore=" + (redisUrl != null ? "(url)" : "in-process")
                + ", crypto=" + crypto + ", responseKeyFile=" + responseKeyFile + "}";
    }

    /** The one place values are turned into types, with errors naming their source. */
    private static final class Parser {
        final EctConfigSource src;

        Parser(EctConfigSource src) { this.src = src; }

        Optional<String> get(EctOption o) { return src.get(o); }

        EctConfigException invalid(EctOption o, String why, Throwable cause) {
            boolean secret = o == EctOption.JDBC_URL || o == EctOption.REDIS_URL;
            String value = secret ? "" : get(o).map(v -> "=" + v).orElse("");
            return new EctConfigException(o, src.describe(o) + value + " is invalid: " + why, cause);
        }

        void ifPresent(EctOption o, Consumer<String> apply) {
            Optional<String> v = get(o);
            if (v.isEmpty()) {
                return;
            }
            try {
                apply.accept(v.get());
            } catch (EctConfigException e) {
                throw e;
            } catch (RuntimeException e) {
                throw invalid(o, e.getMessage(), e);
            }
        }

        void ifInt(EctOption o, int min, java.util.function.IntConsumer apply) {
            if (get(o).isPresent()) {
                long n = longValue(o, min);
                if (n > Integer.MAX_VALUE) {
                    throw invalid(o, "must be <= " + Integer.MAX_VALUE, null);
                }
                ifPresent(o, v -> apply.accept((int) n));
            }
        }

        long longValue(EctOption o, long min) {
            String v = get(o).orElseThrow();
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw invalid(o, "not an integer", e);
            }
            if (n < min) {
                throw invalid(o, "must be >= " + min, null);
            }
            return n;
        }

        boolean bool(EctOption o, boolean dflt) {
            Optional<String> v = get(o);
            if (v.isEmpty()) {
                return dflt;
            }
            return switch (v.get().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw invalid(o, "expected true or false", null);
            };
        }

        String oneOf(EctOption o, List<String> allowed, String dflt) {
            Optional<String> v = get(o);
            if (v.isEmpty()) {
                return dflt;
            }
            String l = v.get().toLowerCase(Locale.ROOT);
            if (!allowed.contains(l)) {
                throw invalid(o, "expected " + String.join(", ", allowed.subList(0, allowed.size() - 1)) + " or "
                        + allowed.get(allowed.size() - 1), null);
            }
            return l;
        }

        Path path(EctOption o) {
            Optional<String> v = get(o);
            if (v.isEmpty()) {
                return null;
            }
            try {
                return Path.of(v.get());
            } catch (InvalidPathException e) {
                throw invalid(o, e.getMessage(), e);
            }
        }

        List<String> list(EctOption o) {
            Optional<String> v = get(o);
            return v.isEmpty() ? null : List.copyOf(split(v.get()));
        }
    }
}

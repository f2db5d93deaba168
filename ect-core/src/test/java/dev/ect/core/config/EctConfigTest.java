package dev.ect.core.config;

import dev.ect.core.config.EctConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.CryptoProvider;
import dev.ect.core.Ect;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctLevel;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.VerificationListener;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.support.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The one configuration assembler: every option from every kind of source (profile section 9). */
class EctConfigTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";

    @TempDir
    static Path dir;

    /** The four kinds of source, each holding exactly the given values. */
    enum Kind {
        ENVIRONMENT(m -> {
            Map<String, String> env = new HashMap<>();
            m.forEach((o, v) -> env.put(o.env(), v));
            return EctConfigSource.environment(env);
        }, o -> "environment variable " + o.env()),
        INIT_PARAM(m -> EctConfigSource.properties("init-param", byProperty(m)), o -> "init-param " + o.property()),
        PROPERTY(m -> EctConfigSource.properties("property", byProperty(m)), o -> "property " + o.property()),
        CLI(m -> EctConfigSource.of(m, o -> "option --" + o.property().substring(4)), o -> "option --" + o.property().substring(4));

        final Function<Map<EctOption, String>, EctConfigSource> make;
        final Function<EctOption, String> describe;

        Kind(Function<Map<EctOption, String>, EctConfigSource> make, Function<EctOption, String> describe) {
            this.make = make;
            this.describe = describe;
        }

        EctConfigSource of(EctOption o, String v) {
            Map<EctOption, String> m = new EnumMap<>(EctOption.class);
            m.put(o, v);
            return make.apply(m);
        }

        private static Map<String, String> byProperty(Map<EctOption, String> m) {
            Map<String, String> p = new HashMap<>();
            m.forEach((o, v) -> p.put(o.property(), v));
            return p;
        }
    }

    /** A valid, non-default value of each option, and how to read it back from a config. */
    static final Map<EctOption, Object[]> SAMPLES = new EnumMap<>(EctOption.class);

    static void sample(EctOption o, String value, Function<EctConfig, Object> read, Object expected) {
        SAMPLES.put(o, new Object[] {value, read, expected});
    }

    static {
        sample(EctOption.VERIFIER_ID, B, c -> c.verifierId().orElseThrow(), B);
        sample(EctOption.TRUST, A + "=/keys/a.jwks", EctConfig::trust, List.of(new EctConfig.TrustedIssuer(A, "/keys/a.jwks")));
        sample(EctOption.JWKS_MAX_STALE_SECONDS, "42", EctConfig::jwksMaxStale, Duration.ofSeconds(42));
        sample(EctOption.JWKS_ALLOW_INSECURE_HTTP, "yes", EctConfig::jwksAllowInsecureHttp, true);
        sample(EctOption.LEDGER_FILE, "/var/ect/ledger.jsonl", c -> c.ledgerFile().orElseThrow(), Path.of("/var/ect/ledger.jsonl"));
        sample(EctOption.JDBC_URL, "test-ledger://db", c -> c.jdbcUrl().orElseThrow(), "test-ledger://db");
        sample(EctOption.REDIS_URL, "test-replay://h:1", c -> c.redisUrl().orElseThrow(), "test-replay://h:1");
        sample(EctOption.CRYPTO, "JDK", EctConfig::crypto, "jdk");
        sample(EctOption.MIN_LEVEL, "l1", c -> c.settings().minLevel(), EctLevel.L1);
        sample(EctOption.ALGORITHMS, "ES384, EdDSA", c -> c.settings().algorithms(),
                java.util.EnumSet.of(EctAlgorithm.ES384, EctAlgorithm.EDDSA));
        sample(EctOption.REPLAY_CACHE_SIZE, "500", c -> c.settings().replayCacheSize(), 500);
        sample(EctOption.REPLAY_TTL_MINUTES, "5", c -> c.settings().replayTtl(), Duration.ofMinutes(5));
        sample(EctOption.MAX_TOKEN_BYTES, "4096", c -> c.settings().maxTokenBytes(), 4096);
        sample(EctOption.MAX_PRED, "7", c -> c.settings().maxPred(), 7);
        sample(EctOption.IAT_MAX_AGE_MINUTES, "3", c -> c.settings().maxAge(), Duration.ofMinutes(3));
        sample(EctOption.IAT_MAX_FUTURE_SECONDS, "0", c -> c.settings().maxFuture(), Duration.ZERO);
        sample(EctOption.DEFAULT_EXPIRY_MINUTES, "2", c -> c.settings().defaultExpiry(), Duration.ofMinutes(2));
        sample(EctOption.MAX_ANCESTORS, "50", c -> c.settings().maxAncestors(), 50);
        sample(EctOption.DAG_TIMEOUT_MS, "250", c -> c.settings().dagTimeout(), Duration.ofMillis(250));
        sample(EctOption.ALLOW_UNRESOLVED, "1", c -> c.settings().allowUnresolvedPredecessors(), true);
        sample(EctOption.LEGACY_CLAIMS, "TRUE", c -> c.settings().legacyClaims(), true);
        sample(EctOption.REQUIRED_PATHS, "/api/*, /v2/*", c -> c.requiredPaths().orElseThrow(), List.of("/api/*", "/v2/*"));
        sample(EctOption.OPTIONAL_PATHS, "/public/*\n/errorpage", c -> c.optionalPaths().orElseThrow(), List.of("/public/*", "/errorpage"));
        sample(EctOption.EXCLUDE_PATHS, "/health *.css", c -> c.excludePaths().orElseThrow(), List.of("/health", "*.css"));
        sample(EctOption.RESPONSE_KEY_FILE, "/keys/b.jwk", c -> c.responseKeyFile().orElseThrow(), Path.of("/keys/b.jwk"));
        sample(EctOption.RESPONSE_ISSUER, "spiffe://example.com/b-resp", c -> c.responseIssuer().orElseThrow(), "spiffe://example.com/b-resp");
        sample(EctOption.RECORD_RESPONSE_ECTS, "yes", EctConfig::recordResponseEcts, true);
        sample(EctOption.LOG_LEVEL, "DEBUG", c -> c.logLevel().orElseThrow(), "debug");
    }

    /** An invalid value of each option that has a syntax (free text such as ids and URLs has none). */
    static final Map<EctOption, String> INVALID = new EnumMap<>(Map.ofEntries(
            Map.entry(EctOption.TRUST, "no-equals-sign"),
            Map.entry(EctOption.JWKS_MAX_STALE_SECONDS, "-1"),
            Map.entry(EctOption.JWKS_ALLOW_INSECURE_HTTP, "maybe"),
            Map.entry(EctOption.CRYPTO, "bouncycastle"),
            Map.entry(EctOption.MIN_LEVEL, "L4"),
            Map.entry(EctOption.ALGORITHMS, "HS256"),
            Map.entry(EctOption.REPLAY_CACHE_SIZE, "-1"),
            Map.entry(EctOption.REPLAY_TTL_MINUTES, "x"),
            Map.entry(EctOption.MAX_TOKEN_BYTES, "63"),
            Map.entry(EctOption.MAX_PRED, "1.5"),
            Map.entry(EctOption.IAT_MAX_AGE_MINUTES, "0"),
            Map.entry(EctOption.IAT_MAX_FUTURE_SECONDS, "-1"),
            Map.entry(EctOption.DEFAULT_EXPIRY_MINUTES, "0"),
            Map.entry(EctOption.MAX_ANCESTORS, "99999999999"),
            Map.entry(EctOption.DAG_TIMEOUT_MS, "0"),
            Map.entry(EctOption.ALLOW_UNRESOLVED, "2"),
            Map.entry(EctOption.LEGACY_CLAIMS, "on"),
            Map.entry(EctOption.RECORD_RESPONSE_ECTS, "sometimes"),
            Map.entry(EctOption.LOG_LEVEL, "loud")));

    @Test
    void everyOptionHasASample() {
        assertThat(SAMPLES.keySet()).containsExactlyInAnyOrder(EctOption.values());
    }

    static Stream<Arguments> optionsTimesKinds() {
        List<Arguments> out = new ArrayList<>();
        for (EctOption o : EctOption.values()) {
            for (Kind k : Kind.values()) {
                out.add(Arguments.of(o, k));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("optionsTimesKinds")
    @DisplayName("section 9: each option is parsed from each kind of source")
    void parsesEachOptionFromEachKindOfSource(EctOption o, Kind kind) {
        Object[] s = SAMPLES.get(o);
        @SuppressWarnings("unchecked")
        Function<EctConfig, Object> read = (Function<EctConfig, Object>) s[1];
        EctConfig c = EctConfig.from(kind.of(o, (String) s[0]));
        assertThat(read.apply(c)).isEqualTo(s[2]);
        assertThat(c.isSet(o)).isTrue();
        assertThat(c.describe(o)).isEqualTo(kind.describe.apply(o));
    }

    static Stream<Arguments> invalidTimesKinds() {
        List<Arguments> out = new ArrayList<>();
        INVALID.forEach((o, v) -> {
            for (Kind k : Kind.values()) {
                out.add(Arguments.of(o, v, k));
            }
        });
        return out.stream();
    }

    @ParameterizedTest(name = "{0}={1} from {2}")
    @MethodSource("invalidTimesKinds")
    @DisplayName("section 9: an invalid value fails, naming the option and where it came from")
    void invalidValueNamesItsSource(EctOption o, String value, Kind kind) {
        assertThatThrownBy(() -> EctConfig.from(kind.of(o, value)))
                .isInstanceOfSatisfying(EctConfigException.class, e -> assertThat(e.option()).isEqualTo(o))
                .hasMessageStartingWith(kind.describe.apply(o) + "=" + value + " is invalid: ");
    }

    @Test
    void defaultsAreTheProfileDefaults() { // section 9
        EctConfig c = EctConfig.from(EctConfigSource.environment(Map.of()));
        assertThat(c.settings()).isEqualTo(EctSettings.defaults());
        assertThat(c.verifierId()).isEmpty();
        assertThat(c.trust()).isEmpty();
        assertThat(c.jwksMaxStale()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.jwksAllowInsecureHttp()).isFalse();
        assertThat(c.hasLedger()).isFalse();
        assertThat(c.redisUrl()).isEmpty();
        assertThat(c.crypto()).isEqualTo("auto");
        assertThat(c.recordResponseEcts()).isFalse();
        assertThat(c.requiredPaths()).isEmpty();
        assertThat(c.logLevel()).isEmpty();
        assertThat(EctConfig.fromEnvironment(Map.of()).settings()).isEqualTo(EctSettings.defaults());
    }

    @Test
    void theReplayCacheSizeZeroMeansTheDefaultSize() { // section 9: this project reads 0 as the default size
        assertThat(EctConfig.from(Kind.ENVIRONMENT.of(EctOption.REPLAY_CACHE_SIZE, "0")).settings().replayCacheSize())
                .isEqualTo(EctSettings.DEFAULT_REPLAY_CACHE_SIZE);
    }

    @Test
    @DisplayName("section 9: the first source with a non-blank value wins")
    void precedenceIsTheOrderOfTheLayers() {
        EctConfigSource cli = EctConfigSource.of(Map.of(EctOption.MAX_PRED, "3", EctOption.MIN_LEVEL, " "), o -> "option --x");
        EctConfigSource init = EctConfigSource.properties("init-param", Map.of("ect.max-pred", "4", "ect.min-level", "L1",
                "ect.max-ancestors", "", "other.param", "ignored"));
        EctConfigSource env = EctConfigSource.environment(Map.of("ECT_MAX_PRED", "5", "ECT_MIN_LEVEL", "L3",
                "ECT_MAX_ANCESTORS", "60", "ECT_MAX_TOKEN_BYTES", "1000"));
        EctConfigSource all = cli.or(init).or(env);
        EctConfig c = EctConfig.from(all);
        assertThat(c.settings().maxPred()).isEqualTo(3); // cli
        assertThat(c.settings().minLevel()).isEqualTo(EctLevel.L1); // blank cli value falls through to init
        assertThat(c.settings().maxAncestors()).isEqualTo(60); // blank init-param falls through to env
        assertThat(c.settings().maxTokenBytes()).isEqualTo(1000);
        assertThat(c.describe(EctOption.MAX_PRED)).isEqualTo("option --x");
        assertThat(c.describe(EctOption.MIN_LEVEL)).isEqualTo("init-param ect.min-level");
        assertThat(c.describe(EctOption.MAX_ANCESTORS)).isEqualTo("environment variable ECT_MAX_ANCESTORS");
        assertThat(c.describe(EctOption.VERIFIER_ID))
                .isEqualTo("option --x or init-param ect.verifier-id or environment variable ECT_VERIFIER_ID");
        assertThat(all.layerOf(EctOption.MAX_ANCESTORS)).isEqualTo(2);
        assertThat(all.layerOf(EctOption.VERIFIER_ID)).isEqualTo(-1);
        // the same layering, grouped the other way
        assertThat(EctConfig.from(cli.or(init.or(env))).settings()).isEqualTo(c.settings());
    }

    @Test
    @DisplayName("section 9: an error names the layer the bad value came from")
    void errorNamesTheLayerTheValueCameFrom() {
        EctConfigSource src = EctConfigSource.properties("init-param", Map.of("ect.max-pred", "")).or(
                EctConfigSource.environment(Map.of("ECT_MAX_PRED", "many")));
        assertThatThrownBy(() -> EctConfig.from(src)).isInstanceOf(EctConfigException.class)
                .hasMessage("environment variable ECT_MAX_PRED=many is invalid: not an integer");
    }

    @ParameterizedTest
    @EnumSource(names = {"INIT_PARAM", "PROPERTY"})
    @DisplayName("section 9: an unknown ect. init-param or property is refused (a typo), naming the known ones")
    void unknownEctNameIsRefused(Kind kind) {
        String k = kind == Kind.INIT_PARAM ? "init-param" : "property";
        assertThatThrownBy(() -> EctConfigSource.properties(k, Map.of("ect.verifierid", B)))
                .isInstanceOfSatisfying(EctConfigException.class, e -> assertThat(e.option()).isNull())
                .hasMessageStartingWith("unknown " + k + " ect.verifierid (known: ")
                .hasMessageContaining("ect.verifier-id");
        assertThat(EctConfigSource.properties(k, Map.of("spring.x", "y", "ectx", "z")).get(EctOption.VERIFIER_ID)).isEmpty();
    }

    @Test
    void theEnvironmentIgnoresOtherVariables() {
        assertThat(EctConfig.from(EctConfigSource.environment(Map.of("ECT_UNKNOWN", "1", "PATH", "/bin"))).settings())
                .isEqualTo(EctSettings.defaults());
    }

    @Test
    void optionNamesAreUniqueAndFollowTheConventions() {
        for (EctOption o : EctOption.values()) {
            assertThat(o.property()).startsWith("ect.").matches("ect\\.[a-z0-9-]+");
            assertThat(o.env()).startsWith("ECT_").matches("ECT_[A-Z0-9_]+");
            assertThat(EctOption.byProperty(o.property())).contains(o);
            assertThat(EctOption.byEnv(o.env())).contains(o);
            assertThat(o.description()).contains(o.ruleId()).contains("default: ");
        }
        // the refimpl's and the earlier releases' names, kept
        assertThat(EctOption.REPLAY_TTL_MINUTES.env()).isEqualTo("ECT_JTI_REPLAY_TTL_MIN");
        assertThat(EctOption.JWKS_MAX_STALE_SECONDS.env()).isEqualTo("ECT_JWKS_MAX_STALE_SEC");
        assertThat(EctOption.VERIFIER_ID.property()).isEqualTo("ect.verifier-id");
    }

    // --- the one trust syntax

    static Path jwks(String name, EctKeyPair... keys) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, EctKeys.toJwks(List.of(keys)));
        return p;
    }

    static EctKeyPair key(EctAlgorithm alg, String kid) { return EctKeys.generate(alg, kid); }

    @Test
    @DisplayName("V-07 the trust list: ISS=JWKS entries, a file path or an https URL, separated by commas or whitespace")
    void oneTrustSyntax() {
        EctConfig c = EctConfig.from(Kind.ENVIRONMENT.of(EctOption.TRUST,
                A + "=/k/a.jwks, spiffe://x/c=https://keys.example.com/c.jwks\n spiffe://x/d=relative/d.jwks"));
        assertThat(c.trust()).containsExactly(new EctConfig.TrustedIssuer(A, "/k/a.jwks"),
                new EctConfig.TrustedIssuer("spiffe://x/c", "https://keys.example.com/c.jwks"),
                new EctConfig.TrustedIssuer("spiffe://x/d", "relative/d.jwks"));
        assertThat(c.trust().get(1).isUrl()).isTrue();
        assertThat(c.trust().get(0).isUrl()).isFalse();
    }

    @Test
    @DisplayName("V-07 the old ISS=file:PATH form is still read, with a deprecation WARN")
    void oldFileFormIsReadWithAWarning() {
        EctConfig[] c = new EctConfig[1];
        String log = LogCapture.during(() -> c[0] = EctConfig.from(Kind.ENVIRONMENT.of(EctOption.TRUST,
                A + "=file:/k/a.jwks spiffe://x/c=file:///k/c.jwks")));
        assertThat(c[0].trust()).containsExactly(new EctConfig.TrustedIssuer(A, "/k/a.jwks"),
                new EctConfig.TrustedIssuer("spiffe://x/c", "/k/c.jwks"));
        assertThat(log).contains("deprecated").contains("environment variable ECT_TRUST");
    }

    @Test
    @DisplayName("K-03 an http JWKS URL is refused unless jwks-allow-insecure-http, and the message says how")
    void httpJwksUrlNeedsTheOptIn() {
        EctConfigSource src = Kind.INIT_PARAM.of(EctOption.TRUST, A + "=http://keys.example.com/a.jwks");
        assertThatThrownBy(() -> EctConfig.from(src)).isInstanceOf(EctConfigException.class)
                .hasMessageContaining("init-param ect.trust=").hasMessageContaining("is not https (K-03)")
                .hasMessageContaining("init-param ect.jwks-allow-insecure-http=true");
        EctConfig ok = EctConfig.from(EctConfigSource.properties("init-param",
                Map.of("ect.trust", A + "=http://keys.example.com/a.jwks", "ect.jwks-allow-insecure-http", "true")));
        assertThat(ok.trust().get(0).isUrl()).isTrue();
    }

    @Test
    void trustEntriesThatAreNotIssEqualsJwksAreRefused() { // V-07
        for (String bad : List.of("=/k/a.jwks", A + "=", A + "=file:", "spiffe://x/c=https://a/1 spiffe://x/c=https://a/2")) {
            assertThatThrownBy(() -> EctConfig.from(Kind.ENVIRONMENT.of(EctOption.TRUST, bad)), bad)
                    .isInstanceOf(EctConfigException.class).hasMessageStartingWith("environment variable ECT_TRUST=");
        }
    }

    // --- open(): the runtime

    @Test
    @DisplayName("V-07 open() reads the trusted JWKS files and builds a verifier that accepts their issuers' tokens")
    void openBuildsAWorkingVerifier() throws Exception {
        EctKeyPair ka = key(EctAlgorithm.ES256, "a-1");
        Path file = jwks("open-a.jwks", ka);
        EctConfig c = EctConfig.from(EctConfigSource.environment(Map.of("ECT_VERIFIER_ID", B, "ECT_TRUST", A + "=" + file,
                "ECT_CRYPTO", "jdk", "ECT_ALLOW_UNRESOLVED", "true")));
        try (EctRuntime rt = c.open(CLOCK, b -> b.listener(VerificationListener.noop()))) {
            String token = EctSigner.builder(ka).clock(CLOCK).build().sign(Ect.builder().iss(A).aud(B).execAct("x").build());
            assertThat(rt.verifier().verify(token).ect().iss()).isEqualTo(A);
            assertThat(rt.verifier().verifierId()).isEqualTo(B);
            assertThat(rt.verifier().cryptoProvider()).contains(CryptoProvider.jdk());
            assertThat(rt.verifier().settings().allowUnresolvedPredecessors()).isTrue();
            assertThat(rt.keySources()).hasSize(1);
            assertThat(rt.signer()).isEmpty();
            assertThat(rt.ledger()).isEmpty();
            assertThat(rt.replayStore()).isEmpty();
            assertThat(rt.config()).isSameAs(c);
            assertThat(c.keySource(CLOCK)).isPresent();
        }
    }

    @Test
    @DisplayName("H-03 with ALGORITHMS unset, the verifier allows the algorithms the trusted JWKS files declare")
    void algorithmsDefaultToThoseTheTrustedFilesDeclare() throws Exception {
        Path file = jwks("declared.jwks", key(EctAlgorithm.EDDSA, "a-ed"));
        Map<String, String> env = new HashMap<>(Map.of("ECT_VERIFIER_ID", B, "ECT_TRUST", A + "=" + file));
        try (EctRuntime rt = EctConfig.from(EctConfigSource.environment(env)).open(CLOCK)) {
            assertThat(rt.verifier().settings().algorithms()).containsExactly(EctAlgorithm.EDDSA);
        }
        env.put("ECT_ALGORITHMS", "ES256");
        try (EctRuntime rt = EctConfig.from(EctConfigSource.environment(env)).open(CLOCK)) {
            assertThat(rt.verifier().settings().algorithms()).containsExactly(EctAlgorithm.ES256);
        }
    }

    @Test
    void openOpensTheLedgerAndTheStoresAndClosesThem() throws Exception {
        Path ledger = dir.resolve("open.jsonl");
        Path keyFile = dir.resolve("b.jwk");
        EctKeyPair kb = key(EctAlgorithm.ES256, "b-1");
        Files.writeString(keyFile, kb.privateJwk());
        EctConfig c = EctConfig.from(EctConfigSource.environment(Map.of("ECT_VERIFIER_ID", B, "ECT_MIN_LEVEL", "L1",
                "ECT_LEDGER_FILE", ledger.toString(), "ECT_REDIS_URL", "test-replay://h:1",
                "ECT_RESPONSE_KEY_FILE", keyFile.toString(), "ECT_DEFAULT_EXPIRY_MIN", "3")));
        EctRuntime rt = c.open(CLOCK);
        assertThat(rt.ledger()).containsInstanceOf(FileLedger.class);
        assertThat(rt.replayStore().orElseThrow().getClass().getSimpleName()).isEqualTo("TestReplayStore");
        EctSigner signer = rt.signer().orElseThrow();
        Ect minted = signer.mint(Ect.builder().iss(B).aud(A).execAct("answer").build()).ect();
        assertThat(Duration.between(minted.iat(), minted.exp())).isEqualTo(Duration.ofMinutes(3)); // the configured settings
        rt.close();
        rt.close(); // idempotent
        // the ledger file was closed: it can be opened again (it holds a process lock while open)
        try (FileLedger again = FileLedger.open(ledger)) {
            assertThat(again.size()).isZero();
        }
    }

    @Test
    void aStoreUrlNoPluginSupportsNamesTheOptionWithoutTheUrl() {
        EctConfig c = EctConfig.from(EctConfigSource.properties("property", Map.of("ect.verifier-id", B,
                "ect.min-level", "L1", "ect.redis-url", "nosuch://user:secret@h")));
        assertThatThrownBy(() -> c.open(CLOCK)).isInstanceOfSatisfying(EctConfigException.class,
                        e -> assertThat(e.option()).isEqualTo(EctOption.REDIS_URL))
                .hasMessageStartingWith("property ect.redis-url is invalid: ").hasMessageNotContaining("secret");
    }

    @Test
    @DisplayName("V-12 V-07 V-15 what open() needs is asked for by the options that provide it")
    void missingPiecesAreNamedByTheirOptions() throws Exception {
        EctConfigSource none = EctConfigSource.properties("init-param", Map.of()).or(EctConfigSource.environment(Map.of()));
        assertThatThrownBy(() -> EctConfig.from(none).open(CLOCK)).isInstanceOf(EctConfigException.class)
                .hasMessage("the verifier id is required: set init-param ect.verifier-id or environment variable ECT_VERIFIER_ID");
        EctConfigSource idOnly = EctConfigSource.environment(Map.of("ECT_VERIFIER_ID", B));
        assertThatThrownBy(() -> EctConfig.from(idOnly).open(CLOCK))
                .isInstanceOfSatisfying(EctConfigException.class, e -> assertThat(e.option()).isEqualTo(EctOption.TRUST))
                .hasMessageContaining("no trusted issuers: set environment variable ECT_TRUST");
        // a key source of the caller's own satisfies it
        try (EctRuntime rt = EctConfig.from(idOnly).open(CLOCK, b -> b.keySource((iss, kid) -> java.util.Optional.empty()))) {
            assertThat(rt.verifier().verifierId()).isEqualTo(B);
        }
        Path file = jwks("l3.jwks", key(EctAlgorithm.ES256, "a-1"));
        EctConfigSource l3 = EctConfigSource.environment(Map.of("ECT_VERIFIER_ID", B, "ECT_TRUST", A + "=" + file, "ECT_MIN_LEVEL", "L3"));
        assertThatThrownBy(() -> EctConfig.from(l3).open(CLOCK))
                .isInstanceOfSatisfying(EctConfigException.class, e -> assertThat(e.option()).isEqualTo(EctOption.MIN_LEVEL))
                .hasMessage("minimum level L3 (environment variable ECT_MIN_LEVEL) needs a ledger: set environment variable "
                        + "ECT_LEDGER_FILE or environment variable ECT_JDBC_URL");
        EctConfigSource missingFile = EctConfigSource.environment(Map.of("ECT_VERIFIER_ID", B, "ECT_TRUST", A + "=" + dir.resolve("nope.jwks")));
        assertThatThrownBy(() -> EctConfig.from(missingFile).open(CLOCK)).isInstanceOf(EctConfigException.class)
                .hasMessageStartingWith("environment variable ECT_TRUST=").hasMessageContaining("does not exist");
    }

    @Test
    @DisplayName("V-07 no trusted issuer: the verifier builder's typed MissingOptionException(keySource) becomes TRUST, named as its source spells it")
    void missingKeySourceIsNamedByTrustAndItsSource() {
        EctConfigSource cli = EctConfigSource.of(Map.of(EctOption.VERIFIER_ID, B), o -> "option --" + o.property().substring("ect.".length()))
                .or(EctConfigSource.properties("init-param", Map.of()));
        assertThatThrownBy(() -> EctConfig.from(cli).open(CLOCK))
                .isInstanceOfSatisfying(EctConfigException.class, e -> {
                    assertThat(e.option()).isEqualTo(EctOption.TRUST);
                    assertThat(e.getCause()).isInstanceOfSatisfying(dev.ect.core.MissingOptionException.class,
                            m -> assertThat(m.option()).isEqualTo("keySource"));
                })
                .hasMessage("no trusted issuers: set option --trust or init-param ect.trust "
                        + "(or option --min-level or init-param ect.min-level=L1)");
    }

    @Test
    @DisplayName("V-15 L3 without a ledger: MissingOptionException(ledger) becomes MIN_LEVEL, naming where L3 came from and the options that give a ledger")
    void l3WithoutALedgerIsNamedByMinLevelAndItsSource() throws Exception {
        Path file = jwks("l3-typed.jwks", key(EctAlgorithm.ES256, "a-1"));
        EctConfigSource params = EctConfigSource.properties("init-param", Map.of("ect.verifier-id", B,
                "ect.trust", A + "=" + file, "ect.min-level", "L3")).or(EctConfigSource.environment(Map.of()));
        assertThatThrownBy(() -> EctConfig.from(params).open(CLOCK))
                .isInstanceOfSatisfying(EctConfigException.class, e -> {
                    assertThat(e.option()).isEqualTo(EctOption.MIN_LEVEL);
                    assertThat(e.getCause()).isInstanceOfSatisfying(dev.ect.core.MissingOptionException.class,
                            m -> assertThat(m.option()).isEqualTo("ledger"));
                })
                .hasMessage("minimum level L3 (init-param ect.min-level) needs a ledger: set init-param ect.ledger-file "
                        + "or environment variable ECT_LEDGER_FILE or init-param ect.jdbc-url or environment variable ECT_JDBC_URL");
        // a ledger of the caller's own satisfies it: only the typed error is mapped, nothing is guessed from text
        try (EctRuntime rt = EctConfig.from(params).open(CLOCK, b -> b.ledger(new dev.ect.core.ledger.InMemoryLedger()))) {
            assertThat(rt.verifier().settings().minLevel()).isEqualTo(EctLevel.L3);
        }
    }

    @Test
    @DisplayName("V-15 a ledger file and a ledger URL are one choice: the higher source wins, both in one source fail")
    void ledgerFileAndUrlAreOneChoice() {
        EctConfigSource cli = EctConfigSource.of(Map.of(EctOption.LEDGER_FILE, "/l.jsonl"), o -> "option --ledger");
        EctConfigSource env = EctConfigSource.environment(Map.of("ECT_JDBC_URL", "test-ledger://db"));
        EctConfig c = EctConfig.from(cli.or(env));
        assertThat(c.ledgerFile()).contains(Path.of("/l.jsonl"));
        assertThat(c.jdbcUrl()).isEmpty();
        EctConfig d = EctConfig.from(env.or(cli));
        assertThat(d.ledgerFile()).isEmpty();
        assertThat(d.jdbcUrl()).contains("test-ledger://db");
        assertThatThrownBy(() -> EctConfig.from(EctConfigSource.environment(Map.of("ECT_JDBC_URL", "test-ledger://db",
                "ECT_LEDGER_FILE", "/l.jsonl")))).isInstanceOf(EctConfigException.class)
                .hasMessage("both environment variable ECT_LEDGER_FILE and environment variable ECT_JDBC_URL configure a ledger; set only one");
    }

    @Test
    void accpThatDoesNotLoadIsNamed() { // V-08
        EctConfig c = EctConfig.from(Kind.CLI.of(EctOption.CRYPTO, "accp"));
        if (CryptoProvider.accp().isEmpty()) {
            assertThatThrownBy(c::cryptoProvider).isInstanceOf(EctConfigException.class)
                    .hasMessageStartingWith("option --crypto=accp: the Amazon Corretto Crypto Provider did not load");
        } else {
            assertThat(c.cryptoProvider().isJdk()).isFalse();
        }
        assertThat(EctConfig.from(Kind.CLI.of(EctOption.CRYPTO, "jdk")).cryptoProvider()).isEqualTo(CryptoProvider.jdk());
    }

    @Test
    void toStringNeverShowsAStoreUrl() {
        EctConfig c = EctConfig.from(EctConfigSource.environment(Map.of("ECT_JDBC_URL", "jdbc:postgresql://h/db?password=secret",
                "ECT_REDIS_URL", "redis://:secret@h")));
        assertThat(c.toString()).doesNotContain("secret");
    }
}

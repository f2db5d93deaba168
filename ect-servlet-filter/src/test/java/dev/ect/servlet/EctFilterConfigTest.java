package dev.ect.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.ect.core.Ect;
import dev.ect.core.EctLevel;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.config.EctConfig;
import dev.ect.core.config.EctConfigSource;
import dev.ect.core.config.EctRuntime;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.servlet.EctFilterConfig.PathPolicy;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three configuration sources, their precedence, and errors that name the parameter. */
class EctFilterConfigTest {
    static final String A = "spiffe://example.com/a";
    static final String B = "spiffe://example.com/b";

    @TempDir
    Path dir;

    final EctKeyPair key = EctKeys.generate("a-1");

    private Path jwksFile() throws Exception {
        Path f = dir.resolve("a.jwks.json");
        Files.writeString(f, key.publicJwks());
        return f;
    }

    private String token(String aud) {
        return EctSigner.builder(key).build().sign(Ect.builder().iss(A).aud(aud).execAct("t").build());
    }

    private Map<String, String> initWithTrust() throws Exception {
        Map<String, String> init = new HashMap<>();
        init.put("ect.trust", A + "=file:" + jwksFile());
        return init;
    }

    @Test
    void builderWinsOverInitParamWhichWinsOverEnvironment() throws Exception {
        Map<String, String> init = initWithTrust();
        init.put("ect.verifier-id", "spiffe://example.com/from-init");
        Map<String, String> env = Map.of("ECT_VERIFIER_ID", "spiffe://example.com/from-env");

        assertThat(EctFilterConfig.builder().initParameters(init).environment(env).build().verifierId())
                .isEqualTo("spiffe://example.com/from-init");
        init.remove("ect.verifier-id");
        assertThat(EctFilterConfig.builder().initParameters(init).environment(env).build().verifierId())
                .isEqualTo("spiffe://example.com/from-env");
        // the filter's own options: builder over init-param over environment
        Map<String, String> paths = with(with(init, "ect.verifier-id", B), "ect.required-paths", "/init/*");
        Map<String, String> envPaths = Map.of("ECT_REQUIRED_PATHS", "/env/*", "ECT_OPTIONAL_PATHS", "/env-opt/*");
        EctFilterConfig c = EctFilterConfig.builder().initParameters(paths).environment(envPaths).build();
        assertThat(c.requiredPaths()).containsExactly("/init/*");
        assertThat(c.optionalPaths()).containsExactly("/env-opt/*");
        assertThat(EctFilterConfig.builder().initParameters(paths).environment(envPaths).requiredPaths("/builder/*").build()
                .requiredPaths()).containsExactly("/builder/*");
    }

    @Test
    void settingsMergePerVariableInitParamOverEnvironment() throws Exception {
        Map<String, String> init = initWithTrust();
        init.put("ect.verifier-id", B);
        init.put("ect.max-token-bytes", "6000");
        init.put("ect.min-level", " "); // blank counts as unset
        Map<String, String> env = Map.of("ECT_MAX_TOKEN_BYTES", "5000", "ECT_MAX_PRED", "7",
                "ECT_MIN_LEVEL", "L2", "ECT_ALGORITHMS", "ES256,EdDSA", "ECT_JTI_REPLAY_CACHE_SIZE", "0");
        EctSettings s = EctFilterConfig.builder().initParameters(init).environment(env).build().settings();
        assertThat(s.maxTokenBytes()).isEqualTo(6000);
        assertThat(s.maxPred()).isEqualTo(7);
        assertThat(s.algorithms()).hasSize(2);
        assertThat(s.replayCacheSize()).isEqualTo(EctSettings.DEFAULT_REPLAY_CACHE_SIZE); // 0 = the default size

        // a verifier of one's own keeps its settings: the ect.*/ECT_* settings configure only what the filter opens
        EctSettings explicit = EctSettings.builder().maxPred(3).build();
        assertThat(EctFilterConfig.builder().initParameters(init).environment(env).verifier(ownVerifier(explicit)).build()
                .settings()).isEqualTo(explicit);
    }

    private EctVerifier ownVerifier(EctSettings s) throws Exception {
        return EctVerifier.builder().verifierId(B).settings(s)
                .keySource(dev.ect.core.keys.StaticKeySource.builder().key(A, key).build()).build();
    }

    private EctVerifier ownVerifier() throws Exception { return ownVerifier(EctSettings.defaults()); }

    @Test
    @org.junit.jupiter.api.DisplayName("V-13 G-05 ect.dag-timeout-ms / ECT_DAG_TIMEOUT_MS set the deadline of the DAG check (default 2 s); 0 fails naming the source")
    void v13DagTimeoutFromInitParamOrEnvironment() throws Exception {
        Map<String, String> init = initWithTrust();
        init.put("ect.verifier-id", B);
        assertThat(EctFilterConfig.builder().initParameters(init).environment(Map.of()).build().settings().dagTimeout())
                .isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(EctFilterConfig.builder().initParameters(init).environment(Map.of("ECT_DAG_TIMEOUT_MS", "750")).build()
                .settings().dagTimeout()).isEqualTo(java.time.Duration.ofMillis(750));
        assertThat(EctFilterConfig.builder().initParameters(with(init, "ect.dag-timeout-ms", "300"))
                .environment(Map.of("ECT_DAG_TIMEOUT_MS", "750")).build().settings().dagTimeout())
                .isEqualTo(java.time.Duration.ofMillis(300));
        assertFails(with(init, "ect.dag-timeout-ms", "0"), Map.of(), "init-param ect.dag-timeout-ms");
    }

    @Test
    void defaults() throws Exception {
        EctFilterConfig c = EctFilterConfig.builder().initParameters(Map.of("ect.verifier-id", B, "ect.trust", A + "=" + jwksFile()))
                .environment(Map.of()).build();
        assertThat(c.requiredPaths()).containsExactly("/*");
        assertThat(c.optionalPaths()).isEmpty();
        assertThat(c.excludePaths()).isEmpty();
        assertThat(c.settings()).isEqualTo(EctSettings.defaults());
        assertThat(c.responseSigner()).isEmpty();
        assertThat(c.responseIssuer()).isEqualTo(B);
        assertThat(c.ledger()).isEmpty();
        assertThat(c.recordResponseEcts()).isFalse();
        assertThat(c.verifier().verify(token(B)).level()).isEqualTo(EctLevel.L2);
    }

    @Test
    void pathPolicyExcludedBeatsOptionalBeatsRequired() throws Exception {
        EctFilterConfig c = EctFilterConfig.builder().environment(Map.of()).verifier(ownVerifier())
                .requiredPaths("/api/*", "/admin")
                .optionalPaths("/api/public/*")
                .excludePaths("/api/public/health", "*.css")
                .build();
        assertThat(c.pathPolicy("/api/orders")).isEqualTo(PathPolicy.REQUIRED);
        assertThat(c.pathPolicy("/api")).isEqualTo(PathPolicy.REQUIRED);
        assertThat(c.pathPolicy("/admin")).isEqualTo(PathPolicy.REQUIRED);
        assertThat(c.pathPolicy("/api/public/x")).isEqualTo(PathPolicy.OPTIONAL);
        assertThat(c.pathPolicy("/api/public/health")).isEqualTo(PathPolicy.EXCLUDED);
        // T-10: a suffix exclusion never opens a path under a required prefix
        assertThat(c.pathPolicy("/api/public/site.css")).isEqualTo(PathPolicy.OPTIONAL);
        assertThat(c.pathPolicy("/api/site.css")).isEqualTo(PathPolicy.REQUIRED);
        assertThat(c.pathPolicy("/api/secret;.css")).isEqualTo(PathPolicy.REQUIRED);
        assertThat(c.pathPolicy("/static/site.css")).isEqualTo(PathPolicy.EXCLUDED);
        assertThat(c.pathPolicy("/admin/x")).isEqualTo(PathPolicy.EXCLUDED); // not covered
        assertThat(c.pathPolicy("/apix")).isEqualTo(PathPolicy.EXCLUDED);
    }

    @Test
    @org.junit.jupiter.api.DisplayName("T-10 a suffix exclusion overlapping a required pattern is reported at start-up")
    void t10OverlappingSuffixExclusionIsWarnedAtStartUp() throws Exception {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            EctFilterConfig.builder().environment(Map.of()).verifier(ownVerifier())
                    .requiredPaths("/api/*").excludePaths("*.css", "/health").build();
            EctFilterConfig.builder().environment(Map.of()).verifier(ownVerifier())
                    .excludePaths("*.js").build(); // required /* by default
            EctFilterConfig.builder().environment(Map.of()).verifier(ownVerifier())
                    .requiredPaths("/api/*").excludePaths("/health").build(); // no suffix: nothing to say
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("WARN").contains("exclude pattern *.css overlaps the required pattern /api/*")
                .contains("exclude pattern *.js overlaps the required pattern /*");
        assertThat(log).doesNotContain("/health overlaps");
    }

    @Test
    void pathListsFromInitParamsAndEnvironment() throws Exception {
        Map<String, String> init = initWithTrust();
        init.put("ect.verifier-id", B);
        init.put("ect.optional-paths", "/public/*,  /docs");
        Map<String, String> env = Map.of("ECT_EXCLUDE_PATHS", "/health\n/metrics *.js", "ECT_OPTIONAL_PATHS", "/ignored");
        EctFilterConfig c = EctFilterConfig.builder().initParameters(init).environment(env).build();
        assertThat(c.optionalPaths()).containsExactly("/public/*", "/docs");
        assertThat(c.excludePaths()).containsExactly("/health", "/metrics", "*.js");
        assertThat(c.requiredPaths()).containsExactly("/*");
    }

    @Test
    void invalidValuesFailNamingTheInitParamOrVariable() throws Exception {
        Map<String, String> base = initWithTrust();
        base.put("ect.verifier-id", B);
        assertFails(with(base, "ect.min-level", "L9"), Map.of(), "init-param ect.min-level=L9 is invalid");
        assertFails(base, Map.of("ECT_MAX_TOKEN_BYTES", "lots"), "environment variable ECT_MAX_TOKEN_BYTES=lots is invalid");
        assertFails(with(base, "ect.replay-cache-size", "-1"), Map.of(), "init-param ect.replay-cache-size");
        assertFails(with(base, "ect.algorithms", "HS256"), Map.of(), "init-param ect.algorithms");
        assertFails(with(base, "ect.allow-unresolved", "perhaps"), Map.of(), "init-param ect.allow-unresolved");
        assertFails(with(base, "ect.record-response-ects", "sometimes"), Map.of(),
                "init-param ect.record-response-ects=sometimes is invalid: expected true or false");
        assertFails(base, Map.of("ECT_RECORD_RESPONSE_ECTS", "maybe"),
                "environment variable ECT_RECORD_RESPONSE_ECTS=maybe is invalid: expected true or false");
        assertFails(with(base, "ect.required-paths", "api/*"), Map.of(), "init-param ect.required-paths");
        assertFails(with(base, "ect.exclude-paths", "/a*b"), Map.of(), "init-param ect.exclude-paths");
        assertFails(with(base, "ect.trust", "nonsense"), Map.of(), "init-param ect.trust");
        assertFails(with(base, "ect.trust", A + "=ftp://host/jwks"), Map.of(), "init-param ect.trust");
        assertFails(with(base, "ect.trust", A + "=file:" + dir.resolve("missing.json")), Map.of(), "init-param ect.trust");
        assertFails(with(base, "ect.trust", A + "=" + dir.resolve("missing.json")), Map.of(), "init-param ect.trust", "does not exist");
        assertFails(base, Map.of("ECT_RESPONSE_KEY_FILE", dir.resolve("missing.jwk").toString()),
                "environment variable ECT_RESPONSE_KEY_FILE");
        Path notAKey = Files.writeString(dir.resolve("public.jwk"), key.publicJwk());
        assertFails(with(base, "ect.response-key-file", notAKey.toString()), Map.of(), "init-param ect.response-key-file");
    }

    @Test
    void unknownEctInitParamIsATypo() throws Exception {
        Map<String, String> init = initWithTrust();
        init.put("ect.verifer-id", B);
        init.put("other.param", "ignored");
        assertFails(init, Map.of("ECT_VERIFIER_ID", B), "unknown init-param ect.verifer-id");
    }

    @Test
    void requiredOptionsNameWhereToSetThem() throws Exception {
        assertFails(initWithTrust(), Map.of(), "ect.verifier-id", "ECT_VERIFIER_ID");
        assertFails(Map.of("ect.verifier-id", B), Map.of(), "ect.trust", "ECT_TRUST");
        // V-15: L3 needs a ledger
        assertFails(with(with(initWithTrust(), "ect.verifier-id", B), "ect.min-level", "L3"), Map.of(),
                "ect.ledger-file", "ECT_LEDGER_FILE");
    }

    @Test
    void ledgerFileFromTheEnvironmentGivesL3AndIsClosedWithTheConfig() throws Exception {
        // V-15 / L-05: ECT_LEDGER_FILE opens a FileLedger; the config owns it and closes it
        Path file = dir.resolve("ledger.jsonl");
        EctFilterConfig cfg = EctFilterConfig.builder().initParameters(with(initWithTrust(), "ect.verifier-id", B))
                .environment(Map.of("ECT_LEDGER_FILE", file.toString(), "ECT_MIN_LEVEL", "L3")).build();
        assertThat(cfg.ledger()).containsInstanceOf(FileLedger.class);
        String t = token(B);
        assertThat(cfg.verifier().verify(t).level()).isEqualTo(EctLevel.L3);
        cfg.close();
        try (FileLedger reopened = FileLedger.open(file)) { // the file lock was released by close()
            assertThat(reopened.entries()).extracting(e -> e.compact()).containsExactly(t);
        }
        // an unusable path names the variable
        assertFails(with(initWithTrust(), "ect.verifier-id", B), Map.of("ECT_LEDGER_FILE", dir.toString()),
                "environment variable ECT_LEDGER_FILE");
    }

    @Test
    void recordResponseEctsIsOffByDefaultAndOptInFromEachSource() throws Exception {
        Map<String, String> base = with(initWithTrust(), "ect.verifier-id", B);
        Map<String, String> ledgerEnv = Map.of("ECT_LEDGER_FILE", dir.resolve("rec.jsonl").toString());
        try (EctFilterConfig off = EctFilterConfig.builder().initParameters(base).environment(ledgerEnv).build()) {
            assertThat(off.ledger()).isPresent();
            assertThat(off.recordResponseEcts()).isFalse(); // a ledger alone does not turn it on
        }
        Map<String, String> envOn = with(ledgerEnv, "ECT_RECORD_RESPONSE_ECTS", "TRUE");
        try (EctFilterConfig on = EctFilterConfig.builder().initParameters(base).environment(envOn).build()) {
            assertThat(on.recordResponseEcts()).isTrue();
            assertThat(on.toString()).contains("recordResponseEcts=true");
        }
        // init-param over environment, builder over both
        try (EctFilterConfig c = EctFilterConfig.builder().initParameters(with(base, "ect.record-response-ects", "false"))
                .environment(envOn).build()) {
            assertThat(c.recordResponseEcts()).isFalse();
        }
        try (EctFilterConfig c = EctFilterConfig.builder().initParameters(with(base, "ect.record-response-ects", "true"))
                .environment(ledgerEnv).recordResponseEcts(false).build()) {
            assertThat(c.recordResponseEcts()).isFalse();
        }
        // with a verifier of one's own, the builder's ledger is where the answers go
        EctVerifier v = EctVerifier.builder().verifierId(B).keySource((i, k) -> java.util.Optional.empty()).build();
        InMemoryLedger l = new InMemoryLedger();
        EctFilterConfig own = EctFilterConfig.builder().environment(Map.of("ECT_RECORD_RESPONSE_ECTS", "yes"))
                .verifier(v).ledger(l).build();
        assertThat(own.recordResponseEcts()).isTrue();
        assertThat(own.ledger()).containsSame(l);
        assertThatThrownBy(() -> EctFilterConfig.builder().recordResponseEcts(true).recordResponseEcts(false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("recordResponseEcts");
    }

    @Test
    void recordResponseEctsWithoutALedgerFailsNamingWhereItWasTurnedOn() throws Exception {
        Map<String, String> base = with(initWithTrust(), "ect.verifier-id", B);
        assertFails(with(base, "ect.record-response-ects", "true"), Map.of(),
                "init-param ect.record-response-ects", "ect.ledger-file", "ECT_JDBC_URL");
        assertFails(base, Map.of("ECT_RECORD_RESPONSE_ECTS", "1"), "environment variable ECT_RECORD_RESPONSE_ECTS");
        assertThatThrownBy(() -> EctFilterConfig.builder().initParameters(base).environment(Map.of())
                .recordResponseEcts(true).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recordResponseEcts(true)");
        // turned off explicitly, no ledger is needed
        assertThat(EctFilterConfig.builder().initParameters(with(base, "ect.record-response-ects", "false"))
                .environment(Map.of()).build().recordResponseEcts()).isFalse();
    }

    @Test
    void sharedStoreUrlsFailClosedWithoutAPlugin() throws Exception {
        // P-04: never fall back silently to an in-process store when a shared one was asked for
        Map<String, String> base = with(initWithTrust(), "ect.verifier-id", B);
        assertFails(base, Map.of("ECT_REDIS_URL", "redis://127.0.0.1:6379"), "environment variable ECT_REDIS_URL");
        assertFails(with(base, "ect.jdbc-url", "jdbc:postgresql://127.0.0.1/test"), Map.of(), "init-param ect.jdbc-url");
    }

    @Test
    void builderOptionsSetTwiceOrInConflictFail() throws Exception {
        assertThatThrownBy(() -> EctFilterConfig.builder().requiredPaths("/*").requiredPaths("/api/*"))
                .isInstanceOf(IllegalStateException.class).hasMessage("requiredPaths was already set");
        EctVerifier v = ownVerifier();
        assertThatThrownBy(() -> EctFilterConfig.builder().verifier(v).verifier(v))
                .isInstanceOf(IllegalStateException.class).hasMessage("verifier was already set");
        try (EctRuntime rt = EctConfig.from(EctConfigSource.environment(Map.of("ECT_VERIFIER_ID", B, "ECT_MIN_LEVEL", "L1")))
                .open(java.time.Clock.systemUTC())) {
            assertThatThrownBy(() -> EctFilterConfig.builder().environment(Map.of()).verifier(v).runtime(rt).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("verifier(...) or runtime(...)");
        }
        assertThatThrownBy(() -> EctFilterConfig.builder().requiredPaths("api"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("api");
    }

    @Test
    void trustFromEnvironmentWithFileAndUrlEntries() throws Exception {
        EctKeyPair other = EctKeys.generate("c-1");
        String c = "spiffe://example.com/c";
        HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks.json", ex -> {
            byte[] body = other.publicJwks().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        jwks.start();
        try {
            String trust = A + "=file:" + jwksFile() + "\n   " + c + "=http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json";
            EctFilterConfig cfg = EctFilterConfig.builder().initParameters(Map.of("ect.verifier-id", B))
                    .environment(Map.of("ECT_TRUST", trust, "ECT_JWKS_ALLOW_INSECURE_HTTP", "true")).build(); // K-03 opt-in
            assertThat(cfg.verifier().check(token(B)).ect().iss()).isEqualTo(A);
            String fromC = EctSigner.builder(other).build().sign(Ect.builder().iss(c).aud(B).execAct("t").build());
            assertThat(cfg.verifier().check(fromC).ect().iss()).isEqualTo(c);
            // V-07: A's key never verifies a token claiming to be from C
            String forged = EctSigner.builder(key).build().sign(Ect.builder().iss(c).aud(B).execAct("t").build());
            assertThatThrownBy(() -> cfg.verifier().check(forged)).hasMessageContaining("unknown_key");
        } finally {
            jwks.stop(0);
        }
    }

    @Test
    @DisplayName("K-03 an http JWKS URL fails the build, naming the init-param and variable that allow it")
    void plainHttpJwksUrlsAreRefusedUnlessAllowed() throws Exception {
        Map<String, String> init = Map.of("ect.verifier-id", B, "ect.trust", A + "=http://keys.example/jwks.json");
        assertFails(init, Map.of(), "init-param ect.trust", "K-03", "ect.jwks-allow-insecure-http", "ECT_JWKS_ALLOW_INSECURE_HTTP");
        assertFails(Map.of("ect.verifier-id", B), Map.of("ECT_TRUST", A + "=http://keys.example/jwks.json"),
                "environment variable ECT_TRUST", "K-03");
        // allowed for development: by init-param or by variable (the fetch happens on first use)
        assertThat(EctFilterConfig.builder().initParameters(with(init, "ect.jwks-allow-insecure-http", "true"))
                .environment(Map.of()).build().verifierId()).isEqualTo(B);
        assertThat(EctFilterConfig.builder().initParameters(init)
                .environment(Map.of("ECT_JWKS_ALLOW_INSECURE_HTTP", "yes")).build().verifierId()).isEqualTo(B);
        // the init-param wins over the variable
        assertThatThrownBy(() -> EctFilterConfig.builder().initParameters(with(init, "ect.jwks-allow-insecure-http", "false"))
                .environment(Map.of("ECT_JWKS_ALLOW_INSECURE_HTTP", "true")).build()).hasMessageContaining("K-03");
        assertFails(with(init, "ect.jwks-allow-insecure-http", "maybe"), Map.of(), "init-param ect.jwks-allow-insecure-http");
        assertThat(EctFilterConfig.builder().initParameters(Map.of("ect.verifier-id", B, "ect.trust", A + "=https://keys.example/jwks.json"))
                .environment(Map.of()).build().verifierId()).isEqualTo(B);
    }

    @Test
    @DisplayName("K-04 ect.jwks-max-stale-seconds / ECT_JWKS_MAX_STALE_SEC bound the use of an unrefreshable JWKS key set")
    void jwksMaxStaleReachesTheUrlKeySource() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean(true);
        HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks.json", ex -> {
            byte[] body = key.publicJwks().getBytes(StandardCharsets.UTF_8);
            if (!up.get()) {
                ex.sendResponseHeaders(503, -1);
                ex.close();
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        jwks.start();
        try {
            String url = A + "=http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json";
            java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
                    new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.now());
            java.time.Clock clock = new java.time.Clock() {
                @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
                @Override public java.time.Clock withZone(java.time.ZoneId z) { return this; }
                @Override public java.time.Instant instant() { return now.get(); }
            };
            Map<String, String> env = Map.of("ECT_TRUST", url, "ECT_JWKS_ALLOW_INSECURE_HTTP", "true");
            // a clock of one's own: the runtime is opened by the caller and handed to the filter
            java.util.function.BiFunction<Map<String, String>, Map<String, String>, EctFilterConfig> open = (i, e) ->
                    EctFilterConfig.builder().environment(Map.of()).runtime(EctConfig.from(EctConfigSource.properties("init-param", i)
                            .or(EctConfigSource.environment(e))).open(clock)).build();
            EctFilterConfig zero = open.apply(Map.of("ect.verifier-id", B, "ect.jwks-max-stale-seconds", "0"), env);
            EctFilterConfig dflt = open.apply(Map.of("ect.verifier-id", B), env);
            EctFilterConfig fromEnv = open.apply(Map.of("ect.verifier-id", B), with(env, "ECT_JWKS_MAX_STALE_SEC", "60"));
            java.util.function.Function<EctFilterConfig, Object> check = cfg -> {
                try {
                    return cfg.verifier().check(EctSigner.builder(key).clock(clock).build()
                            .sign(Ect.builder().iss(A).aud(B).execAct("t").build())).ect().iss();
                } catch (dev.ect.core.EctException e) {
                    return e.reason();
                }
            };
            for (EctFilterConfig cfg : java.util.List.of(zero, dflt, fromEnv)) {
                assertThat(check.apply(cfg)).isEqualTo(A);
            }
            up.set(false);
            now.set(now.get().plusSeconds(5 * 60 + 30)); // past the 5 min ttl, the endpoint fails
            assertThat(check.apply(zero)).isEqualTo(dev.ect.core.ReasonCode.KEY_SOURCE_UNAVAILABLE);
            assertThat(check.apply(fromEnv)).isEqualTo(A);
            assertThat(check.apply(dflt)).isEqualTo(A);
            now.set(now.get().plusSeconds(60)); // ttl + 90 s: beyond ECT_JWKS_MAX_STALE_SEC=60, within the default 600
            assertThat(check.apply(fromEnv)).isEqualTo(dev.ect.core.ReasonCode.KEY_SOURCE_UNAVAILABLE);
            assertThat(check.apply(dflt)).isEqualTo(A);
        } finally {
            jwks.stop(0);
        }
        Map<String, String> init = with(initWithTrust(), "ect.verifier-id", B);
        assertFails(with(init, "ect.jwks-max-stale-seconds", "-1"), Map.of(), "init-param ect.jwks-max-stale-seconds", ">= 0");
        assertFails(init, Map.of("ECT_JWKS_MAX_STALE_SEC", "ten"), "environment variable ECT_JWKS_MAX_STALE_SEC");
    }

    @Test
    void responseSignerFromAPrivateJwkFile() throws Exception {
        EctKeyPair server = EctKeys.generate("b-1");
        Path jwk = Files.writeString(dir.resolve("b.jwk"), server.privateJwk());
        Map<String, String> init = with(with(initWithTrust(), "ect.verifier-id", B), "ect.response-issuer", "spiffe://example.com/b2");
        EctFilterConfig cfg = EctFilterConfig.builder().initParameters(init)
                .environment(Map.of("ECT_RESPONSE_KEY_FILE", jwk.toString())).build();
        assertThat(cfg.responseIssuer()).isEqualTo("spiffe://example.com/b2");
        EctSigner signer = cfg.responseSigner().orElseThrow();
        assertThat(signer.kid()).isEqualTo("b-1");
        String t = signer.sign(Ect.builder().iss("spiffe://example.com/b2").aud(A).execAct("answer").build());
        EctVerifier atA = EctVerifier.builder().verifierId(A)
                .keySource(dev.ect.core.keys.StaticKeySource.builder().key("spiffe://example.com/b2", server).build()).build();
        assertThat(atA.check(t).ect().execAct()).isEqualTo("answer");
    }

    @Test
    void aRuntimeGivesTheVerifierLedgerAndSignerAndIsNotClosedByTheFilter() throws Exception {
        EctKeyPair server = EctKeys.generate("b-1");
        Path jwk = Files.writeString(dir.resolve("rt-b.jwk"), server.privateJwk());
        Path ledgerFile = dir.resolve("rt.jsonl");
        EctRuntime rt = EctConfig.from(EctConfigSource.environment(Map.of("ECT_VERIFIER_ID", B, "ECT_TRUST", A + "=" + jwksFile(),
                "ECT_LEDGER_FILE", ledgerFile.toString(), "ECT_RESPONSE_KEY_FILE", jwk.toString()))).open(java.time.Clock.systemUTC());
        try {
            EctFilterConfig cfg = EctFilterConfig.builder().environment(Map.of("ECT_RECORD_RESPONSE_ECTS", "true")).runtime(rt).build();
            assertThat(cfg.verifier()).isSameAs(rt.verifier());
            assertThat(cfg.ledger()).isEqualTo(rt.ledger());
            assertThat(cfg.responseSigner()).isEqualTo(rt.signer());
            assertThat(cfg.recordResponseEcts()).isTrue();
            cfg.close(); // the runtime is the caller's: still open
            assertThat(cfg.verifier().verify(token(B)).level()).isEqualTo(EctLevel.L3);
        } finally {
            rt.close();
        }
    }

    @Test
    @DisplayName("V-13: requestScope is set once and off by default; andRequestScope adds a scope after the configured one (first refusal decides, own ECTs of both) and shares the rest")
    void requestScopeIsSetOnceAndAndRequestScopeComposes() throws Exception {
        EctVerifier v = ownVerifier();
        EctFilterConfig plain = EctFilterConfig.builder().environment(Map.of()).verifier(v).requiredPaths("/api/*").build();
        assertThat(plain.requestScope()).isEmpty();
        assertThatThrownBy(() -> EctFilterConfig.builder().requestScope(null))
                .isInstanceOf(NullPointerException.class).hasMessage("requestScope cannot be null");
        assertThatThrownBy(() -> EctFilterConfig.builder().requestScope(r -> null).requestScope(r -> null))
                .isInstanceOf(IllegalStateException.class).hasMessage("requestScope was already set");
        assertThatThrownBy(() -> plain.andRequestScope(null)).isInstanceOf(NullPointerException.class);

        java.util.List<String> ran = new java.util.ArrayList<>();
        dev.ect.core.SignedEct ownA = EctSigner.builder(key).build().mint(Ect.builder().iss(B).aud(A).execAct("a").build());
        dev.ect.core.SignedEct ownB = EctSigner.builder(key).build().mint(Ect.builder().iss(B).aud(A).execAct("b").build());
        dev.ect.core.VerificationScope first = new dev.ect.core.VerificationScope((ect, dag) -> {
            ran.add("first");
            return "refused-by-first".equals(ect.execAct())
                    ? dev.ect.core.ValidationResult.invalid(dev.ect.core.ReasonCode.DAG_POLICY_VIOLATION, "G-06", "first")
                    : dev.ect.core.ValidationResult.valid();
        }, java.util.List.of(ownA));
        dev.ect.core.VerificationScope second = new dev.ect.core.VerificationScope((ect, dag) -> {
            ran.add("second");
            return dev.ect.core.ValidationResult.invalid(dev.ect.core.ReasonCode.INVALID_CLAIM, "C-07", "second");
        }, java.util.List.of(ownB));

        EctFilterConfig added = plain.andRequestScope(r -> second);
        assertThat(added.requestScope()).isPresent();
        assertThat(plain.requestScope()).isEmpty(); // immutable: the original is unchanged
        assertThat(added.verifier()).isSameAs(v);
        assertThat(added.requiredPaths()).containsExactly("/api/*");
        assertThat(added.requestScope().get().apply(null)).isSameAs(second);

        EctFilterConfig configured = EctFilterConfig.builder().environment(Map.of()).verifier(v).requestScope(r -> first).build();
        assertThat(configured.toString()).contains("requestScope=set");
        dev.ect.core.VerificationScope both = configured.andRequestScope(r -> second).requestScope().get().apply(null);
        assertThat(both.ownEcts()).containsExactly(ownA, ownB);
        Ect refusedByFirst = Ect.builder().iss(A).aud(B).execAct("refused-by-first").build();
        assertThat(both.validator().validate(refusedByFirst, null).error()).hasValueSatisfying(e -> assertThat(e.ruleId()).isEqualTo("G-06"));
        assertThat(ran).containsExactly("first");
        assertThat(both.validator().validate(ownA.ect(), null).error()).hasValueSatisfying(e -> assertThat(e.ruleId()).isEqualTo("C-07"));
        assertThat(ran).containsExactly("first", "first", "second");
        // a null from either function is a null scope, which the filter refuses (503)
        assertThat(configured.andRequestScope(r -> null).requestScope().get().apply(null)).isNull();
        assertThat(EctFilterConfig.builder().environment(Map.of()).verifier(v).requestScope(r -> null).build()
                .andRequestScope(r -> second).requestScope().get().apply(null)).isNull();
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> out = new HashMap<>(m);
        out.put(k, v);
        return out;
    }

    private static void assertFails(Map<String, String> init, Map<String, String> env, String... messageParts) {
        assertThatThrownBy(() -> EctFilterConfig.builder().initParameters(init).environment(env).build())
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(messageParts));
    }
}

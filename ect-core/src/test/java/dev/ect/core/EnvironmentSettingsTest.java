package dev.ect.core;

import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.claims;
import static dev.ect.core.support.Fixtures.clock;
import static dev.ect.core.support.Fixtures.header;
import static dev.ect.core.support.Fixtures.keyA;
import static dev.ect.core.support.Fixtures.keysOfA;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.support.Jws;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Profile section 9: the ECT_* variables, their defaults, and invalid values failing by name. */
class EnvironmentSettingsTest {

    private static EctSettings env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return EctSettings.fromEnvironment(m);
    }

    @Test
    void defaultsAreThoseOfTheProfile() { // section 9 defaults
        EctSettings s = EctSettings.fromEnvironment(Map.of());
        assertThat(s).isEqualTo(EctSettings.defaults()).hasSameHashCodeAs(EctSettings.defaults());
        assertThat(s.maxAge()).isEqualTo(Duration.ofMinutes(15)); // ECT_IAT_MAX_AGE_MINUTES
        assertThat(s.maxFuture()).isEqualTo(Duration.ofSeconds(30)); // ECT_IAT_MAX_FUTURE_SEC
        assertThat(s.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.defaultExpiry()).isEqualTo(Duration.ofMinutes(10)); // ECT_DEFAULT_EXPIRY_MIN
        assertThat(s.replayCacheSize()).isEqualTo(100_000); // ECT_JTI_REPLAY_CACHE_SIZE=0 means 100,000
        assertThat(s.replayTtl()).isEqualTo(Duration.ofMinutes(60)); // ECT_JTI_REPLAY_TTL_MIN
        assertThat(s.maxPred()).isEqualTo(100);
        assertThat(s.maxTokenBytes()).isEqualTo(8192);
        assertThat(s.minLevel()).isEqualTo(EctLevel.L2);
        assertThat(s.algorithms()).containsExactly(EctAlgorithm.ES256);
        assertThat(s.maxAncestors()).isEqualTo(10_000);
        assertThat(s.allowUnresolvedPredecessors()).isFalse();
        assertThat(s.legacyClaims()).isFalse();
    }

    @Test
    void readsEveryVariable() { // section 9
        EctSettings s = env("ECT_IAT_MAX_AGE_MINUTES", "20", "ECT_IAT_MAX_FUTURE_SEC", "0", "ECT_DEFAULT_EXPIRY_MIN", "2",
                "ECT_JTI_REPLAY_CACHE_SIZE", "500", "ECT_JTI_REPLAY_TTL_MIN", "0", "ECT_MAX_PRED", "0",
                "ECT_MAX_TOKEN_BYTES", "64", "ECT_MAX_ANCESTORS", "1", "ECT_MIN_LEVEL", "l1",
                "ECT_ALGORITHMS", " es256, EdDSA ,ed25519,PS256,ES384,ES512 ", "ECT_ALLOW_UNRESOLVED", "yes",
                "ECT_LEGACY_CLAIMS", "TRUE");
        assertThat(s.maxAge()).isEqualTo(Duration.ofMinutes(20));
        assertThat(s.maxFuture()).isEqualTo(Duration.ZERO);
        assertThat(s.defaultExpiry()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.replayCacheSize()).isEqualTo(500);
        assertThat(s.replayTtl()).isEqualTo(Duration.ZERO);
        assertThat(s.maxPred()).isZero();
        assertThat(s.maxTokenBytes()).isEqualTo(64);
        assertThat(s.maxAncestors()).isEqualTo(1);
        assertThat(s.minLevel()).isEqualTo(EctLevel.L1);
        assertThat(s.algorithms()).containsExactlyInAnyOrder(EctAlgorithm.values());
        assertThat(s.allowUnresolvedPredecessors()).isTrue();
        assertThat(s.legacyClaims()).isTrue();
        assertThat(s.toString()).contains("maxPred=0").contains("minLevel=L1");
    }

    @Test
    void zeroReplayCacheSizeMeansTheDefaultStoreSizeNotNoReplayProtection() { // section 9: replay protection is a MUST
        assertThat(env("ECT_JTI_REPLAY_CACHE_SIZE", "0").replayCacheSize()).isEqualTo(EctSettings.DEFAULT_REPLAY_CACHE_SIZE);
    }

    @Test
    void blankValuesKeepTheDefaultsAndValuesAreTrimmed() {
        assertThat(env("ECT_MAX_PRED", "  ", "ECT_MIN_LEVEL", "")).isEqualTo(EctSettings.defaults());
        assertThat(env("ECT_MAX_PRED", " 7 ").maxPred()).isEqualTo(7);
        assertThat(env("ECT_ALLOW_UNRESOLVED", "0", "ECT_LEGACY_CLAIMS", "no").legacyClaims()).isFalse();
        assertThat(env("ECT_ALLOW_UNRESOLVED", "1").allowUnresolvedPredecessors()).isTrue();
        assertThat(env("ECT_LEGACY_CLAIMS", "false").legacyClaims()).isFalse();
    }

    @Test
    void ignoresVariablesItDoesNotKnow() { // other modules read their own ECT_* variables
        assertThat(env("ECT_KEY_FILE", "/etc/ect/key.json", "PATH", "/bin")).isEqualTo(EctSettings.defaults());
    }

    static Stream<Arguments> invalidValues() {
        List<Arguments> out = new ArrayList<>();
        for (String intVar : List.of("ECT_IAT_MAX_AGE_MINUTES", "ECT_IAT_MAX_FUTURE_SEC", "ECT_DEFAULT_EXPIRY_MIN",
                "ECT_JTI_REPLAY_CACHE_SIZE", "ECT_JTI_REPLAY_TTL_MIN", "ECT_MAX_PRED", "ECT_MAX_TOKEN_BYTES", "ECT_MAX_ANCESTORS")) {
            for (String bad : List.of("abc", "-1", "1.5", "99999999999", "10m", "0x10")) {
                out.add(Arguments.of(intVar, bad));
            }
        }
        out.add(Arguments.of("ECT_IAT_MAX_AGE_MINUTES", "0"));
        out.add(Arguments.of("ECT_DEFAULT_EXPIRY_MIN", "0"));
        out.add(Arguments.of("ECT_MAX_TOKEN_BYTES", "63"));
        out.add(Arguments.of("ECT_MAX_ANCESTORS", "0"));
        for (String bad : List.of("L4", "2", "level2", "L")) {
            out.add(Arguments.of("ECT_MIN_LEVEL", bad));
        }
        for (String bad : List.of("none", "HS256", "RS256", "ES256,RS256", ",", "ES256;EdDSA", "Ed448")) {
            out.add(Arguments.of("ECT_ALGORITHMS", bad));
        }
        for (String var : List.of("ECT_ALLOW_UNRESOLVED", "ECT_LEGACY_CLAIMS")) {
            for (String bad : List.of("maybe", "2", "on", "y")) {
                out.add(Arguments.of(var, bad));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("invalidValues")
    void invalidValueFailsWithAMessageNamingTheVariable(String variable, String value) { // section 9: no silent fallback
        assertThatThrownBy(() -> EctSettings.fromEnvironment(Map.of(variable, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("environment variable " + variable + "=")
                .hasMessageContaining("invalid");
    }

    @Test
    void readsTheProcessEnvironment() {
        Map<String, String> ect = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("ECT_")) {
                ect.put(k, v);
            }
        });
        assertThat(EctSettings.fromEnvironment()).isEqualTo(EctSettings.fromEnvironment(ect));
    }

    // ---- the settings drive the verifier

    private static EctVerifier verifierWith(EctSettings s) {
        return EctVerifier.builder().verifierId(B).keySource(keysOfA()).clock(clock())
                .listener(VerificationListener.noop()).settings(s).build();
    }

    @Test
    void replayCacheSizeBoundsTheDefaultReplayStore() { // ECT_JTI_REPLAY_CACHE_SIZE, P-03
        EctVerifier v = verifierWith(env("ECT_JTI_REPLAY_CACHE_SIZE", "2"));
        v.verify(Jws.sign(header(keyA()), claims(), keyA()));
        v.verify(Jws.sign(header(keyA()), claims(), keyA()));
        assertRejected(() -> v.verify(Jws.sign(header(keyA()), claims(), keyA())), ReasonCode.REPLAY_STORE_FULL);
    }

    @Test
    void maxPredAndMinLevelAndAlgorithmsComeFromTheEnvironment() { // ECT_MAX_PRED, ECT_MIN_LEVEL, ECT_ALGORITHMS
        Map<String, Object> c = claims();
        c.put("pred", List.of(java.util.UUID.randomUUID().toString()));
        assertRejected(() -> verifierWith(env("ECT_MAX_PRED", "0")).verify(Jws.sign(header(keyA()), c, keyA())),
                ReasonCode.PRED_LIMIT_EXCEEDED);
        assertRejected(() -> verifierWith(env("ECT_ALGORITHMS", "EdDSA")).verify(Jws.sign(header(keyA()), claims(), keyA())),
                ReasonCode.UNSUPPORTED_ALG);
        EctVerifier l1 = verifierWith(env("ECT_MIN_LEVEL", "L1"));
        assertThat(l1.verify(Jws.part(claims())).level()).isEqualTo(EctLevel.L1);
    }

    @Test
    void settingsBuilderRoundTripsAndValidates() {
        EctSettings s = EctSettings.builder().clockSkew(Duration.ofSeconds(3)).replayTtl(Duration.ofMinutes(1))
                .defaultExpiry(Duration.ofMinutes(1)).replayCacheSize(10).build();
        assertThat(s.toBuilder().build()).isEqualTo(s);
        assertThat(s).isNotEqualTo(EctSettings.defaults()).isNotEqualTo("x");
        Function<Runnable, String> msg = r -> {
            try {
                r.run();
                return "no exception";
            } catch (RuntimeException e) {
                return e.getMessage();
            }
        };
        assertThat(msg.apply(() -> EctSettings.builder().replayCacheSize(0))).isEqualTo("replayCacheSize must be >= 1");
        assertThat(msg.apply(() -> EctSettings.builder().replayTtl(Duration.ofSeconds(-1)))).isEqualTo("replayTtl must be >= 0");
        assertThat(msg.apply(() -> EctSettings.builder().defaultExpiry(null))).isEqualTo("defaultExpiry cannot be null");
        assertThat(msg.apply(() -> EctSettings.builder().algorithms(null))).isEqualTo("algorithms cannot be null");
        assertThat(Instant.EPOCH.plus(s.replayTtl())).isEqualTo(Instant.EPOCH.plusSeconds(60));
    }
}

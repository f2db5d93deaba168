package dev.ect.hardening.bounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctException;
import dev.ect.core.EctSettings;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
import dev.ect.core.dag.EctStore;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.hardening.support.Forge;
import dev.ect.hardening.support.Json;
import dev.ect.testing.MutableClock;
import dev.ect.hardening.support.Verifiers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every cost an input can drive is bounded, and each bound is exercised at (or just past) its
 * edge. SECURITY.md lists the bounds with their defaults and names; {@link SecurityMdTest} keeps
 * that table in step with the values checked here. (Bounds the HTTP suite already covers at their
 * edge, such as ect_ext and exec_act, are rows of its table; JWKS fetch bounds are in
 * JwksFaultTest; the replay store's fill-up over HTTP in ReplayStoreFaultTest.)
 */
class BoundsTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final EctSigner storeSigner = EctSigner.builder(Forge.TRUSTED).clock(clock).build();

    private static ReasonCode reason(Object outcome) {
        assertThat(outcome).isInstanceOf(EctException.class);
        return ((EctException) outcome).reason();
    }

    @Test
    void theSizeGateIsExactlyMaxTokenBytesAndRunsBeforeParsing() { // T-03, V-01: maxTokenBytes, default 8192
        EctVerifier v = Verifiers.builder(clock).build();
        assertThat(v.settings().maxTokenBytes()).isEqualTo(8192);
        assertThat(reason(Verifiers.outcome(v, "A".repeat(8192)))).isEqualTo(ReasonCode.MALFORMED_TOKEN);
        assertThat(reason(Verifiers.outcome(v, "A".repeat(8193)))).isEqualTo(ReasonCode.TOKEN_TOO_LARGE);
        assertThat(reason(Verifiers.outcome(v, "A".repeat(50_000_000)))).isEqualTo(ReasonCode.TOKEN_TOO_LARGE);
    }

    @ParameterizedTest
    @ValueSource(ints = {33, 10_000, 1_000_000})
    void jsonNestingIsBoundedEvenWhenTheSizeGateIsRaised(int depth) { // Json.MAX_PARSE_DEPTH = 32
        EctVerifier v = Verifiers.builder(clock).settings(EctSettings.builder().maxTokenBytes(8 * 1024 * 1024).build()).build();
        Map<String, Object> c = Forge.claims(clock.instant());
        c.put("deep", Json.raw("[".repeat(depth - 1) + "]".repeat(depth - 1)));
        String t = Forge.token(Forge.header(), c, Forge.es256(Forge.TRUSTED.privateKey()));
        // a StackOverflowError or any other escape would fail Verifiers.outcome
        assertThat(reason(Verifiers.outcome(v, t))).isEqualTo(ReasonCode.MALFORMED_TOKEN);
    }

    @Test
    void jsonNestingAtTheBoundParses() { // Json.MAX_PARSE_DEPTH = 32: the payload object is level 1
        EctVerifier v = Verifiers.builder(clock).build();
        Map<String, Object> c = Forge.claims(clock.instant());
        c.put("deep", Json.raw("[".repeat(31) + "]".repeat(31)));
        assertThat(Verifiers.accepted(Verifiers.outcome(v, Forge.token(Forge.header(), c, Forge.es256(Forge.TRUSTED.privateKey())))))
                .isNotNull();
    }

    @Test
    void tooManyPredecessorsAreRefusedBeforeAnyStoreLookup() { // C-08: maxPred, default 100
        AtomicLong lookups = new AtomicLong();
        EctVerifier v = Verifiers.builder(clock).ectStore(jti -> {
            lookups.incrementAndGet();
            return List.of();
        }).settings(EctSettings.builder().allowUnresolvedPredecessors(true).build()).build();
        assertThat(v.settings().maxPred()).isEqualTo(100);
        Map<String, Object> c = Forge.claims(clock.instant());
        c.put("pred", Forge.uuids(101));
        assertThat(reason(Verifiers.outcome(v, Forge.token(Forge.header(), c, Forge.es256(Forge.TRUSTED.privateKey())))))
                .isEqualTo(ReasonCode.PRED_LIMIT_EXCEEDED);
        assertThat(lookups.get()).isZero();

        c = Forge.claims(clock.instant());
        c.put("pred", Forge.uuids(100));
        assertThat(Verifiers.accepted(Verifiers.outcome(v, Forge.token(Forge.header(), c, Forge.es256(Forge.TRUSTED.privateKey())))))
                .as("100 unresolved predecessors under ALLOW").isNotNull();
        assertThat(lookups.get()).as("one lookup for the jti, one per predecessor").isLessThanOrEqualTo(101);
    }

    @Test
    void theAncestorWalkStopsAtMaxAncestors() { // G-05: maxAncestors, default 10,000
        Map<String, List<SignedEct>> store = new HashMap<>();
        AtomicLong lookups = new AtomicLong();
        EctStore counting = jti -> {
            lookups.incrementAndGet();
            return store.getOrDefault(jti, List.of());
        };
        String wid = UUID.randomUUID().toString();
        String prev = null;
        String atBound = null;
        for (int i = 0; i <= 10_000; i++) { // a chain of 10,001 stored ECTs
            SignedEct s = stored(wid, prev == null ? List.of() : List.of(prev));
            Ect e = s.ect();
            store.put(e.jti(), List.of(s));
            prev = e.jti();
            if (i == 9_999) {
                atBound = e.jti();
            }
        }
        EctVerifier v = Verifiers.builder(clock).ectStore(counting).build();
        assertThat(v.settings().maxAncestors()).isEqualTo(10_000);

        Map<String, Object> c = Forge.claims(clock.instant());
        c.put("wid", wid);
        c.put("pred", List.of(atBound)); // exactly 10,000 ancestors
        assertThat(Verifiers.accepted(Verifiers.outcome(v, Forge.token(Forge.header(), c, Forge.es256(Forge.TRUSTED.privateKey())))))
                .isNotNull();

        lookups.set(0);
        c = Forge.claims(clock.instant());
        c.put("wid", wid);
        c.put("pred", List.of(prev)); // 10,001 ancestors
        assertThat(reason(Verifiers.outcome(v, Forge.token(Forge.header(), c, Forge.es256(Forge.TRUSTED.privateKey())))))
                .isEqualTo(ReasonCode.DAG_TOO_DEEP);
        assertThat(lookups.get()).as("store lookups of the walk").isLessThanOrEqualTo(10_000 + 3);
    }

    @Test
    void aDenseAncestryCostsAtMostMaxAncestorsTimesMaxPredLookups() { // G-05 with wide fan-in
        int layers = 30;
        int width = 30;
        Map<String, List<SignedEct>> store = new HashMap<>();
        AtomicLong lookups = new AtomicLong();
        String wid = UUID.randomUUID().toString();
        List<String> previous = List.of();
        for (int l = 0; l < layers; l++) {
            List<String> layer = new ArrayList<>();
            for (int w = 0; w < width; w++) {
                SignedEct s = stored(wid, previous); // every node depends on the whole layer before
                Ect e = s.ect();
                store.put(e.jti(), List.of(s));
                layer.add(e.jti());
            }
            previous = layer;
        }
        int maxAncestors = 500; // fewer than the 900 nodes
        EctVerifier v = Verifiers.builder(clock).settings(EctSettings.builder().maxAncestors(maxAncestors).build()).ectStore(jti -> {
            lookups.incrementAndGet();
            return store.getOrDefault(jti, List.of());
        }).build();
        Map<String, Object> c = Forge.claims(clock.instant());
        c.put("wid", wid);
        c.put("pred", previous);
        assertThat(reason(Verifiers.outcome(v, Forge.token(Forge.header(), c, Forge.es256(Forge.TRUSTED.privateKey())))))
                .isEqualTo(ReasonCode.DAG_TOO_DEEP);
        assertThat(lookups.get()).isLessThanOrEqualTo((long) (maxAncestors + 1) * width + width + 1);
    }

    @Test
    void jwksDocumentsAreBoundedInSizeAndKeyCount() { // EctKeys.MAX_JWKS_CHARS (256 Ki), MAX_JWKS_KEYS (100)
        assertThat(EctKeys.MAX_JWKS_CHARS).isEqualTo(256 * 1024);
        assertThat(EctKeys.MAX_JWKS_KEYS).isEqualTo(100);
        String oneKey = Forge.TRUSTED.publicJwks();
        String padded = "{\"pad\":\"" + "x".repeat(EctKeys.MAX_JWKS_CHARS - oneKey.length() - 9) + "\"," + oneKey.substring(1);
        assertThat(padded).hasSize(EctKeys.MAX_JWKS_CHARS);
        assertThat(EctKeys.parseJwks(padded)).containsKey(Forge.KID);
        String over = "{\"pad\":\"" + "x".repeat(EctKeys.MAX_JWKS_CHARS - oneKey.length() - 8) + "\"," + oneKey.substring(1);
        assertThatThrownBy(() -> EctKeys.parseJwks(over)).isInstanceOf(IllegalArgumentException.class);

        List<EctKeyPair> keys = new ArrayList<>();
        for (int i = 0; i < EctKeys.MAX_JWKS_KEYS; i++) {
            keys.add(new EctKeyPair(Forge.TRUSTED.algorithm(), "k" + i, Forge.TRUSTED.privateKey(), Forge.TRUSTED.publicKey()));
        }
        assertThat(EctKeys.parseJwks(EctKeys.toJwks(keys))).hasSize(EctKeys.MAX_JWKS_KEYS);
        keys.add(new EctKeyPair(Forge.TRUSTED.algorithm(), "one-more", Forge.TRUSTED.privateKey(), Forge.TRUSTED.publicKey()));
        assertThatThrownBy(() -> EctKeys.parseJwks(EctKeys.toJwks(keys))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than " + EctKeys.MAX_JWKS_KEYS);
    }

    @Test
    void theDefaultReplayStoreHoldsReplayCacheSizeLiveEntriesAndNoMore() { // P-03: replayCacheSize, default 100,000
        int size = EctSettings.defaults().replayCacheSize();
        assertThat(size).isEqualTo(100_000);
        CaffeineReplayStore store = new CaffeineReplayStore(size, clock);
        Instant until = clock.instant().plusSeconds(3600);
        for (int i = 0; i < size; i++) {
            assertThat(store.checkAndRecord("iss-a", null, "jti-" + i, until)).isTrue();
        }
        assertThatThrownBy(() -> store.checkAndRecord("iss-a", null, "one-more", until)).isInstanceOfSatisfying(EctUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY_STORE_FULL));
        assertThat(store.checkAndRecord("iss-a", null, "jti-7", until)).as("a known key is still answered: replay").isFalse();
        clock.set(until.plusSeconds(1));
        assertThat(store.checkAndRecord("iss-a", null, "one-more", until.plusSeconds(3600))).as("expired entries make room").isTrue();
    }

    /** An ECT the store holds: minted by the trusted issuer (the store does not check signatures; its clock is T0). */
    private SignedEct stored(String wid, List<String> pred) {
        return storeSigner.mint(Ect.builder().iss(Forge.ISS).aud(Forge.AUD).jti(UUID.randomUUID().toString()).wid(wid)
                .execAct("step").pred(pred).build());
    }
}

package dev.ect.core.support;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.VerificationListener;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Shared identities, keys, clocks and claim sets of the ect-core tests. */
public final class Fixtures {
    public static final String A = "spiffe://example.com/agent/a";
    public static final String B = "spiffe://example.com/agent/b";
    public static final String C = "spiffe://example.com/agent/c";
    /** The instant every fixed-clock test runs at. */
    public static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private static final Map<String, EctKeyPair> KEYS = new ConcurrentHashMap<>();

    private Fixtures() {}

    public static Clock clockAt(Instant t) { return Clock.fixed(t, ZoneOffset.UTC); }

    public static Clock clock() { return clockAt(NOW); }

    /** A key pair per (alg, kid, slot), generated once per JVM (RSA-3072 generation is slow). */
    public static EctKeyPair key(EctAlgorithm alg, String kid) { return key(alg, kid, "default"); }

    /** A distinct key pair for the same (alg, kid), e.g. an attacker's key under a victim's kid. */
    public static EctKeyPair key(EctAlgorithm alg, String kid, String slot) {
        return KEYS.computeIfAbsent(alg + "/" + kid + "/" + slot, k -> {
            if (alg == EctAlgorithm.PS256) { // RSA-3072 generation takes seconds: use stored test keys
                EctKeyPair stored = storedRsa(slot.equals("default") ? "default" : "other");
                return new EctKeyPair(alg, kid, stored.privateKey(), stored.publicKey());
            }
            return EctKeys.generate(alg, kid);
        });
    }

    private static EctKeyPair storedRsa(String slot) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/keys/ps256-" + slot + ".jwk.json")) {
            return EctKeys.fromPrivateJwk(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Issuer A's ES256 key "a-1". */
    public static EctKeyPair keyA() { return key(EctAlgorithm.ES256, "a-1"); }

    /** A key source with issuer A's ES256 key "a-1". */
    public static KeySource keysOfA() { return StaticKeySource.builder().key(A, keyA()).build(); }

    /** A signer for issuer A's key on the fixed clock. */
    public static EctSigner signerA() { return EctSigner.builder(keyA()).clock(clock()).build(); }

    /** A verifier builder for B with issuer A's key, the fixed clock and no logging. */
    public static EctVerifier.Builder verifierB() {
        return EctVerifier.builder().verifierId(B).keySource(keysOfA()).clock(clock())
                .listener(VerificationListener.noop());
    }

    /** A verifier builder for B with the given key source, the fixed clock and no logging. */
    public static EctVerifier.Builder verifierB(KeySource ks) {
        return EctVerifier.builder().verifierId(B).keySource(ks).clock(clock()).listener(VerificationListener.noop());
    }

    /** Like {@link #verifierB()} but accepting every supported algorithm. */
    public static EctVerifier.Builder verifierBAllAlgs(KeySource ks) {
        return EctVerifier.builder().verifierId(B).keySource(ks).clock(clock())
                .settings(EctSettings.builder().algorithms(EnumSet.allOf(EctAlgorithm.class)).build()).listener(VerificationListener.noop());
    }

    /** A mutable, valid claim set from A to B issued at {@code iat}, expiring 10 minutes later. */
    public static Map<String, Object> claims(Instant iat) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", A);
        c.put("aud", B);
        c.put("iat", iat.getEpochSecond());
        c.put("exp", iat.getEpochSecond() + 600);
        c.put("jti", UUID.randomUUID().toString());
        c.put("wid", UUID.randomUUID().toString());
        c.put("exec_act", "review_spec");
        c.put("pred", new ArrayList<>(List.of()));
        return c;
    }

    /** A valid claim set issued at {@link #NOW}. */
    public static Map<String, Object> claims() { return claims(NOW); }

    /** The header minting writes: alg, kid, typ. */
    public static Map<String, Object> header(EctKeyPair key) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("alg", key.algorithm().jwaName());
        h.put("kid", key.kid());
        h.put("typ", "exec+jwt");
        return h;
    }
}

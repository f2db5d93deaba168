package dev.ect.core.ledger;

import dev.ect.core.Ect;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.internal.Json;
import dev.ect.core.internal.JwsCrypto;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Signed test tokens on a fixed clock, shared by the ledger and DAG tests. */
public final class TestEcts {
    public static final String ISS = "spiffe://example.com/agent/a";
    public static final String AUD = "spiffe://example.com/agent/b";
    public static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
    public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    public static final EctKeyPair KEY = EctKeys.generate(EctAlgorithm.ES256, "k1");
    public static final EctSigner SIGNER = EctSigner.builder(KEY).clock(CLOCK).build();

    private TestEcts() {}

    /** A deterministic UUID for a symbolic name ("A", "W1"). */
    public static String uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Mints a token: jti and wid as given (wid may be null), iat = NOW + iatOffset seconds. */
    public static SignedEct mint(String jti, String wid, String execAct, List<String> pred, long iatOffsetSeconds) {
        return SIGNER.mint(Ect.builder().iss(ISS).aud(AUD).jti(jti).wid(wid).execAct(execAct).pred(pred)
                .iat(NOW.plusSeconds(iatOffsetSeconds)).build());
    }

    /** Mints a root or child task with a random jti in the workflow. */
    public static SignedEct mint(String wid, String execAct, List<String> pred) {
        return mint(UUID.randomUUID().toString(), wid, execAct, pred, -60);
    }

    /**
     * A cheap unsigned (L1-form) token for bulk tests: the compact is the base64url JSON of the
     * claims, which a ledger decodes like a signed one. Random jti, iat = NOW - 60 s.
     */
    public static SignedEct unsigned(String wid, String execAct, List<String> pred) {
        Instant iat = NOW.minusSeconds(60);
        Ect e = Ect.builder().iss(ISS).aud(AUD).jti(UUID.randomUUID().toString()).wid(wid).execAct(execAct).pred(pred)
                .iat(iat).exp(iat.plusSeconds(600)).build();
        return dev.ect.core.internal.TestTokens.unsigned(e);
    }

    /** Signs a draft's claims as they are, skipping the claim rules minting applies (M-07). */
    public static String signUnchecked(Ect draft) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "ES256");
        header.put("kid", KEY.kid());
        header.put("typ", Ect.TYP);
        String input = Json.b64(Json.write(header)) + '.' + Json.b64(Json.write(draft.claims()));
        byte[] sig = new JwsCrypto().sign(EctAlgorithm.ES256, KEY.privateKey(), input.getBytes(StandardCharsets.US_ASCII));
        return input + '.' + Json.b64(sig);
    }

    /** A verifier builder for AUD, trusting KEY for ISS, on the fixed clock. */
    public static EctVerifier.Builder verifier() {
        return EctVerifier.builder().verifierId(AUD).clock(CLOCK)
                .keySource(StaticKeySource.builder().key(ISS, KEY).build());
    }
}

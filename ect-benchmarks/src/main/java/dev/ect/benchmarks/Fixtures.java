package dev.ect.benchmarks;

import dev.ect.core.CryptoProvider;
import dev.ect.core.Ect;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.VerificationListener;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Shared keys, tokens and verifier set-ups of the benchmarks. */
public final class Fixtures {
    public static final String ISSUER = "spiffe://example.com/ns/prod/sa/agent-a";
    public static final String VERIFIER = "spiffe://example.com/ns/prod/sa/agent-b";
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    /** Names accepted by {@link #provider(String)}. */
    public static final String JDK = "jdk";
    public static final String ACCP = "accp";
    /** A provider whose signature check is free: measures everything else. */
    public static final String FAKE = "fake";

    private Fixtures() {}

    public static CryptoProvider provider(String name) {
        return switch (name) {
            case JDK -> CryptoProvider.jdk();
            case ACCP -> CryptoProvider.accp().orElseThrow(() -> new IllegalStateException(
                    "ACCP is not available on this machine (needs linux-x86_64 and a healthy native library)"));
            case FAKE -> CryptoProvider.of(FakeProvider.INSTANCE);
            default -> throw new IllegalArgumentException("provider must be jdk, accp or fake: " + name);
        };
    }

    /** The fastest real provider here, for pre-minting many tokens quickly. */
    public static CryptoProvider fastest() { return CryptoProvider.accp().orElse(CryptoProvider.jdk()); }

    public static EctKeyPair key() { return EctKeys.generate(EctAlgorithm.ES256, "agent-a-2026-03"); }

    /** A signature object of the provider for ES256 in R||S form, as JwsCrypto uses it. */
    public static Signature rawSignature(String provider) throws GeneralSecurityException {
        CryptoProvider p = provider(provider);
        String name = "SHA256withECDSAinP1363Format";
        Provider prov = p.provider().orElse(null);
        return prov == null ? Signature.getInstance(name) : Signature.getInstance(name, prov);
    }

    /**
     * A realistic draft: wid, exec_act, pred, inp/out hashes and a small ext, giving a JWS signing
     * input of about 700 bytes with three predecessors.
     */
    public static Ect draft(String wid, List<String> pred) {
        return Ect.builder().iss(ISSUER).aud(VERIFIER).wid(wid).execAct("review_spec")
                .pred(pred)
                .inpHash("n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg")
                .outHash("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU")
                .ext(Map.of("tenant", "acme-prod", "trace", "4bf92f3577b34da6a3ce929d0e0e4736"))
                .build();
    }

    /** {@code n} fresh predecessor ECTs of one workflow (root tasks), to append to the ledgers that need them. */
    public static List<SignedEct> predecessors(EctSigner signer, String wid, int n) {
        List<SignedEct> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(signer.mint(Ect.builder().iss(ISSUER).aud(VERIFIER).wid(wid).execAct("fetch_input").build()));
        }
        return out;
    }

    /** The task ids of {@code tokens}. */
    public static List<String> jtis(List<SignedEct> tokens) {
        return tokens.stream().map(t -> t.ect().jti()).toList();
    }

    /** The full receiving pipeline: signature, claims, DAG on the ledger, replay store, ledger append. */
    public static EctVerifier pipeline(EctKeyPair key, CryptoProvider crypto, AuditLedger ledger) {
        return pipeline(key, crypto, ledger, new CaffeineReplayStore(1_000_000, CLOCK));
    }

    /** The same pipeline with the given replay store (e.g. a shared Redis one). */
    public static EctVerifier pipeline(EctKeyPair key, CryptoProvider crypto, AuditLedger ledger, ReplayStore replayStore) {
        return EctVerifier.builder().verifierId(VERIFIER).clock(CLOCK)
                .keySource(StaticKeySource.builder().key(ISSUER, key).build())
                .replayStore(replayStore)
                .ledger(ledger)
                .listener(VerificationListener.logging())
                .crypto(crypto).build();
    }

    public static byte[] signingInput(String compact) {
        return compact.substring(0, compact.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] signature(String compact) {
        return java.util.Base64.getUrlDecoder().decode(compact.substring(compact.lastIndexOf('.') + 1));
    }

    public static String newWid() { return UUID.randomUUID().toString(); }
}

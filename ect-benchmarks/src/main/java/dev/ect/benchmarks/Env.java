package dev.ect.benchmarks;

import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.CryptoProvider;
import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.keys.EctKeyPair;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.util.List;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One provider's fixture for the crypto benchmarks: a key, a ~700-byte signing input with its
 * signature (the raw floors), a signer (mint) and the full verify pipeline with three
 * predecessors in an in-memory ledger, fed from a pool of unique pre-minted tokens. The stores
 * are fresh at every iteration (and when the pool wraps), so replay never triggers.
 */
@State(Scope.Thread)
public class Env {
    /** Pre-minted unique tokens; the pipeline starts over with fresh stores when they run out. */
    static final int POOL = Integer.getInteger("ect.bench.pool", 16_384);

    @Param({Fixtures.JDK, Fixtures.ACCP})
    public String provider;

    CryptoProvider crypto;
    EctKeyPair key;
    Signature rawSigner;
    Signature rawVerifier;
    PublicKey translatedKey;
    byte[] input;
    byte[] signature;
    /** The signing inputs and signatures of the pool's tokens, in pool order. */
    private byte[][] inputs;
    private byte[][] signatures;
    private int nextRaw;
    EctSigner signer;
    Ect draft;

    private List<SignedEct> preds;
    private String[] tokens;
    private int next;
    EctVerifier pipeline;
    EctVerifier fakePipeline;
    private int nextFake;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        crypto = Fixtures.provider(provider);
        key = Fixtures.key();
        rawSigner = Fixtures.rawSignature(provider);
        rawVerifier = Fixtures.rawSignature(provider);
        translatedKey = crypto.provider()
                .map(p -> {
                    try {
                        return (PublicKey) KeyFactory.getInstance("EC", p).translateKey(key.publicKey());
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException(e);
                    }
                }).orElse(key.publicKey());
        signer = EctSigner.builder(key).clock(Fixtures.CLOCK).crypto(crypto).build();
        EctSigner fast = EctSigner.builder(key).clock(Fixtures.CLOCK).crypto(Fixtures.fastest()).build();
        String wid = Fixtures.newWid();
        preds = Fixtures.predecessors(fast, wid, 3);
        List<String> predJtis = Fixtures.jtis(preds);
        draft = Fixtures.draft(wid, predJtis);
        tokens = new String[POOL];
        for (int i = 0; i < POOL; i++) {
            tokens[i] = fast.sign(draft);
        }
        String sample = tokens[0];
        input = Fixtures.signingInput(sample);
        signature = Fixtures.signature(sample);
        inputs = new byte[POOL][];
        signatures = new byte[POOL][];
        for (int i = 0; i < POOL; i++) {
            inputs[i] = Fixtures.signingInput(tokens[i]);
            signatures[i] = Fixtures.signature(tokens[i]);
        }
        reset();
    }

    /** Fresh replay store and ledger (holding just the three predecessors) for both pipelines. */
    @Setup(Level.Iteration)
    public void reset() {
        pipeline = Fixtures.pipeline(key, crypto, ledgerWithPreds());
        fakePipeline = Fixtures.pipeline(key, Fixtures.provider(Fixtures.FAKE), ledgerWithPreds());
        next = 0;
        nextFake = 0;
    }

    private InMemoryLedger ledgerWithPreds() {
        InMemoryLedger l = new InMemoryLedger();
        for (SignedEct p : preds) {
            l.append(p);
        }
        return l;
    }

    // ---- the measured operations (shared by CryptoBenchmark and PairedBenchmark)

    byte[] rawSign() throws GeneralSecurityException {
        rawSigner.initSign(key.privateKey());
        rawSigner.update(input);
        return rawSigner.sign();
    }

    boolean rawVerify() throws GeneralSecurityException {
        rawVerifier.initVerify(key.publicKey());
        rawVerifier.update(input);
        return rawVerifier.verify(signature);
    }

    /**
     * Raw JCA verify over the pool's tokens in turn (the same 16,384 distinct signing inputs and
     * signatures the pipeline verifies), not one input repeated: repeating one signature lets the
     * CPU learn the data-dependent branches of that one scalar multiplication, which flatters the
     * baseline (measured in {@link Breakdown}).
     */
    boolean rawVerifyPool() throws GeneralSecurityException {
        int i = nextRaw;
        nextRaw = i + 1 == POOL ? 0 : i + 1;
        rawVerifier.initVerify(key.publicKey());
        rawVerifier.update(inputs[i]);
        return rawVerifier.verify(signatures[i]);
    }

    boolean rawVerifyTranslatedKey() throws GeneralSecurityException {
        rawVerifier.initVerify(translatedKey);
        rawVerifier.update(input);
        return rawVerifier.verify(signature);
    }

    SignedEct mint() { return signer.mint(draft); }

    Object verify() {
        if (next == POOL) {
            pipeline = Fixtures.pipeline(key, crypto, ledgerWithPreds());
            next = 0;
        }
        return pipeline.verify(tokens[next++]);
    }

    Object verifyNonCrypto() {
        if (nextFake == POOL) {
            fakePipeline = Fixtures.pipeline(key, Fixtures.provider(Fixtures.FAKE), ledgerWithPreds());
            nextFake = 0;
        }
        return fakePipeline.verify(tokens[nextFake++]);
    }

    int signingInputBytes() { return input.length; }

    /** The pool's i-th token (for {@link Breakdown}'s stages that take the pipeline apart). */
    String token(int i) { return tokens[i]; }

    /** A fresh in-memory ledger holding the three predecessors, as each pipeline starts with. */
    InMemoryLedger freshLedger() { return ledgerWithPreds(); }

    String verifyToken() { return tokens[0]; }
}

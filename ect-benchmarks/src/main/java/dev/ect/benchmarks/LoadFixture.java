package dev.ect.benchmarks;

import dev.ect.core.CryptoProvider;
import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.InMemoryLedger;
import java.util.List;

/**
 * What the load tests send and check: one issuer key, a workflow whose three predecessors sit in a
 * seed ledger, and a realistic draft (see {@link Fixtures#draft}). The server side builds the full
 * pipeline from it ({@link #verifier}); the client side pre-mints unique tokens ({@link #mint}).
 * In the split-cores test the two sides live in different JVMs: the server's fixture is
 * {@link #create() created}, the driver's is rebuilt {@link #forMinting from its key and workflow}.
 */
final class LoadFixture {
    final EctKeyPair key;
    final String wid;
    final List<String> predJtis;
    private final EctSigner signer;
    private final Ect draft;
    /** The predecessors' tokens; null on a minting-only fixture. */
    private final List<SignedEct> seed;

    private LoadFixture(EctKeyPair key, String wid, List<String> predJtis, List<SignedEct> seed) {
        this.key = key;
        this.wid = wid;
        this.predJtis = List.copyOf(predJtis);
        this.signer = EctSigner.builder(key).clock(Fixtures.CLOCK).crypto(Fixtures.fastest()).build();
        this.draft = Fixtures.draft(wid, this.predJtis);
        this.seed = seed;
    }

    /** A fresh key and workflow with three predecessors in a seed ledger. */
    static LoadFixture create() {
        EctKeyPair key = Fixtures.key();
        EctSigner s = EctSigner.builder(key).clock(Fixtures.CLOCK).crypto(Fixtures.fastest()).build();
        String wid = Fixtures.newWid();
        List<SignedEct> seed = Fixtures.predecessors(s, wid, 3);
        return new LoadFixture(key, wid, Fixtures.jtis(seed), seed);
    }

    /** The client side of a fixture created elsewhere: mints the same kind of tokens, verifies nothing. */
    static LoadFixture forMinting(EctKeyPair key, String wid, List<String> predJtis) {
        return new LoadFixture(key, wid, predJtis, null);
    }

    /** The full pipeline with {@code crypto} over a fresh ledger holding the predecessors. */
    EctVerifier verifier(CryptoProvider crypto) {
        if (seed == null) {
            throw new IllegalStateException("a minting-only fixture has no ledger to verify against");
        }
        InMemoryLedger ledger = new InMemoryLedger();
        seed.forEach(ledger::append);
        return Fixtures.pipeline(key, crypto, ledger);
    }

    /** Appends the predecessors to {@code ledger}, so that the DAG checks against it find them. */
    void seed(AuditLedger ledger) {
        if (seed == null) {
            throw new IllegalStateException("a minting-only fixture has no predecessors to seed");
        }
        seed.forEach(ledger::append);
    }

    /** {@code n} unique compact tokens (fresh jti each), signed with the fastest provider here. */
    String[] mint(int n) {
        String[] t = new String[n];
        for (int i = 0; i < n; i++) {
            t[i] = signer.sign(draft);
        }
        return t;
    }

    /** One token of the same shape, for raw verify measurements. */
    SignedEct sample() { return signer.mint(draft); }
}

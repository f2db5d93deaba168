package dev.ect.redis;

import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.replay.ReplayStore;
import java.time.Clock;
import java.util.UUID;

/** One issuer (agent A) minting ECTs for one audience (agent B). */
final class TestTokens {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";

    final Clock clock;
    final EctKeyPair key = EctKeys.generate("a-key");
    final EctSigner signer;
    final KeySource keys;

    TestTokens(Clock clock) {
        this.clock = clock;
        this.signer = EctSigner.builder(key).clock(clock).build();
        this.keys = StaticKeySource.builder().key(A, key).build();
    }

    /** A root task in a new workflow, for B. */
    String mint() {
        return signer.sign(Ect.builder().iss(A).aud(B).wid(UUID.randomUUID().toString()).execAct("review_spec").build());
    }

    /** Verifier B on this replay store (L2, no ledger). */
    EctVerifier verifier(ReplayStore store) {
        return EctVerifier.builder().verifierId(B).clock(clock).keySource(keys).replayStore(store).build();
    }
}

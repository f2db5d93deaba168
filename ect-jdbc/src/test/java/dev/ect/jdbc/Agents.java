package dev.ect.jdbc;

import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/** Minting helpers: an issuer with its own key. */
final class Agents {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    static final String C = "spiffe://example.com/agent/c";

    private Agents() {}

    static String uuid() { return UUID.randomUUID().toString(); }

    static EctSigner signer(EctKeyPair key, Clock clock) { return EctSigner.builder(key).clock(clock).build(); }

    static EctSigner signer(Clock clock) { return signer(EctKeys.generate("k-" + uuid().substring(0, 8)), clock); }

    /** A signed ECT from {@code iss} to {@code aud} in workflow {@code wid} (null = none) with these predecessors. */
    static SignedEct mint(EctSigner signer, String iss, String aud, String wid, List<String> pred) {
        return signer.mint(Ect.builder().iss(iss).aud(aud).wid(wid).execAct("task").pred(pred).build());
    }
}

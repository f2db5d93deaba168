package dev.ect.hardening.support;

import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** ECTs ready to append to a ledger directly (for ledger-only tests; the ledger does not re-verify signatures). */
public final class LedgerFixtures {
    private LedgerFixtures() {}

    /** A root ECT of workflow {@code wid} with a fresh jti, issued at {@code now}, signed with {@link Forge#TRUSTED}. */
    public static SignedEct entry(Instant now, String wid) {
        EctSigner signer = EctSigner.builder(Forge.TRUSTED).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
        return signer.mint(Ect.builder().iss(Forge.ISS).aud(Forge.AUD).wid(wid).execAct("append_test").pred(List.of()).build());
    }
}

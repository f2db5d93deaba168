package dev.ect.hardening.support;

import dev.ect.core.Ect;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** ECTs ready to append to a ledger directly (for ledger-only tests; the ledger does not re-verify signatures). */
public final class LedgerFixtures {
    private LedgerFixtures() {}

    /** An ECT and its compact form. */
    public record Entry(Ect ect, String compact) {}

    /** A root ECT of workflow {@code wid} with a fresh jti, its compact form carrying a placeholder signature. */
    public static Entry entry(Instant now, String wid) {
        String jti = UUID.randomUUID().toString();
        Ect ect = Ect.builder().typ("exec+jwt").alg("ES256").kid(Forge.KID).iss(Forge.ISS).aud(Forge.AUD).iat(now)
                .exp(now.plusSeconds(600)).jti(jti).wid(wid).execAct("append_test").pred(List.of()).build();
        Map<String, Object> claims = ect.claims();
        return new Entry(ect, Forge.token(Forge.header(), claims, Forge.fixed(new byte[64])));
    }
}

package dev.ect.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctError;
import dev.ect.core.ReasonCode;
import org.junit.jupiter.api.Test;

/**
 * T-05/T-06: a 403 tells the client what is wrong with its token; a 503 does not pass the failing
 * dependency's message on (it named the ledger file and the exception text; found by the ledger
 * fault tests in ect-hardening-tests).
 */
class ProblemRendererDetailTest {
    @Test
    void a403KeepsItsDetail() {
        EctError e = EctError.of(ReasonCode.EXPIRED, "V-11", "expired at 2026-03-01T12:00:00Z");
        assertThat(ProblemRenderer.clientDetail(e)).isEqualTo("expired at 2026-03-01T12:00:00Z");
    }

    @Test
    void a503DetailIsGenericAndNamesOnlyTheReason() {
        for (ReasonCode r : ReasonCode.values()) {
            if (!r.isInfrastructure()) {
                continue;
            }
            EctError e = EctError.of(r, null, "ledger /var/lib/ect/ledger.jsonl stopped: java.io.IOException: No space left on device");
            String d = ProblemRenderer.clientDetail(e);
            assertThat(d).contains(r.code()).doesNotContain("/var/lib").doesNotContain("IOException");
        }
    }
}

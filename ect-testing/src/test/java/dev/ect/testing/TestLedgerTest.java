package dev.ect.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ect.core.EctUnavailableException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.SecurityEvent;
import dev.ect.core.SignedEct;
import dev.ect.core.VerificationEvent;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TestLedgerTest {
    @RegisterExtension
    EctTestKit ect = EctTestKit.create();

    private EctVerifier verifier(TestLedger ledger, RecordingListener listener) {
        return EctVerifier.builder().verifierId(ect.audience()).keySource(ect.keySource()).clock(ect.clock())
                .replayStore(ect.replayStore()).ledger(ledger).listener(listener).build();
    }

    @Test
    @DisplayName("V-15: a failing append is 503 ledger_unavailable and records nothing; healed, the same token is accepted")
    void v15FailingAppendsAre503AndHeal() {
        TestLedger ledger = TestLedger.failing();
        RecordingListener events = new RecordingListener();
        EctVerifier v = verifier(ledger, events);
        String token = ect.token();
        EctUnavailableException e = assertThrows(EctUnavailableException.class, () -> v.verify(token));
        assertEquals(ReasonCode.LEDGER_UNAVAILABLE, e.reason());
        assertEquals(List.of(), ledger.appended());
        assertEquals(1, ledger.failedAppends());
        assertEquals(List.of(), ledger.entries());
        assertEquals(List.of(ReasonCode.LEDGER_UNAVAILABLE), events.refusals());

        ledger.heal();
        SignedEct accepted = v.verify(token).signed();
        assertEquals(List.of(accepted), ledger.appended());
        assertEquals(1, ledger.entries().size());
        assertSame(accepted, ledger.findByJti(accepted.ect().jti()).get(0), "reads go to the real ledger, which keeps the token");
        assertTrue(ledger.verifyChain().ok());
        assertEquals(1, events.accepted());
        assertEquals(accepted.ect().jti(), events.last().jti());
        assertEquals(List.of(false, true), events.forJti(accepted.ect().jti()).stream().map(VerificationEvent::accepted).toList());
    }

    @Test
    @DisplayName("V-15: appends fail only for the ECTs the predicate picks, with the exception the test supplies")
    void v15SelectiveFailures() {
        TestLedger ledger = new TestLedger(ect.clock()).failAppends(e -> "refused".equals(e.execAct()),
                () -> new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "database unreachable"));
        EctVerifier v = verifier(ledger, new RecordingListener());
        v.verify(ect.token());
        EctUnavailableException e = assertThrows(EctUnavailableException.class,
                () -> v.verify(ect.mint(b -> b.execAct("refused")).compact()));
        assertTrue(e.getMessage().contains("database unreachable"), e.getMessage());
        assertEquals(1, ledger.appended().size());
        assertEquals(1, ledger.failedAppends());
        assertTrue(ledger.toString().contains("appended=1"));
        assertSame(ect.ledger().getClass(), new TestLedger(ect.ledger()).delegate().getClass());
    }

    @Test
    @DisplayName("G-07: the recording listener keeps security events apart from verifications, and forgets on clear")
    void g07SecurityEventsAreRecorded() {
        RecordingListener l = new RecordingListener();
        assertThrows(IllegalStateException.class, l::last);
        assertTrue(l.lastRefusal().isEmpty());
        l.onSecurityEvent(new SecurityEvent(SecurityEvent.Kind.AMBIGUOUS_PREDECESSOR, ReasonCode.DAG_AMBIGUOUS_PREDECESSOR,
                "j", "i", "w", "t", List.of("a", "b")));
        l.onVerification(new VerificationEvent(false, ReasonCode.DAG_AMBIGUOUS_PREDECESSOR, "j", "i", null, java.time.Duration.ZERO));
        assertEquals(1, l.securityEvents().size());
        assertEquals(ReasonCode.DAG_AMBIGUOUS_PREDECESSOR, l.lastRefusal().orElseThrow());
        assertEquals(0, l.accepted());
        l.clear();
        assertEquals(List.of(), l.events());
        assertEquals(List.of(), l.securityEvents());
    }
}

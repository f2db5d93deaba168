package dev.ect.core;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.claims;
import static dev.ect.core.support.Fixtures.clock;
import static dev.ect.core.support.Fixtures.header;
import static dev.ect.core.support.Fixtures.keyA;
import static dev.ect.core.support.Fixtures.keysOfA;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.support.Jws;
import dev.ect.core.support.RecordingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** VerificationListener: exactly one event per verification; a failing listener changes nothing. */
class VerificationListenerTest {
    private final RecordingListener events = new RecordingListener();

    private EctVerifier verifier(VerificationListener l) {
        return EctVerifier.builder().verifierId(B).keySource(keysOfA()).clock(clock()).listener(l).build();
    }

    @Test
    void reportsAnAcceptedTokenOnceWithJtiIssAndLevel() {
        Map<String, Object> c = claims();
        verifier(events).verify(Jws.sign(header(keyA()), c, keyA()));
        assertThat(events.events).hasSize(1);
        VerificationEvent e = events.last();
        assertThat(e.accepted()).isTrue();
        assertThat(e.outcome()).isEqualTo("ok");
        assertThat(e.reason()).isNull();
        assertThat(e.jti()).isEqualTo(c.get("jti"));
        assertThat(e.iss()).isEqualTo(A);
        assertThat(e.level()).isEqualTo(EctLevel.L2);
        assertThat(e.duration().isNegative()).isFalse();
    }

    @Test
    void reportsEachRejectionOnceWithItsReason() {
        EctVerifier v = verifier(events);
        assertRejected(() -> v.verify("garbage"), ReasonCode.MALFORMED_TOKEN);
        Map<String, Object> c = claims();
        c.put("aud", "spiffe://example.com/agent/z");
        assertRejected(() -> v.verify(Jws.sign(header(keyA()), c, keyA())), ReasonCode.AUDIENCE_MISMATCH);
        Map<String, Object> ok = claims();
        String t = Jws.sign(header(keyA()), ok, keyA());
        v.verify(t);
        assertRejected(() -> v.verify(t), ReasonCode.REPLAY);
        assertThat(events.events).extracting(VerificationEvent::outcome)
                .containsExactly("malformed_token", "audience_mismatch", "ok", "replay");
        VerificationEvent malformed = events.events.get(0);
        assertThat(malformed.jti()).isNull();
        assertThat(malformed.iss()).isNull();
        assertThat(malformed.level()).isNull();
        VerificationEvent mismatch = events.events.get(1);
        assertThat(mismatch.accepted()).isFalse();
        assertThat(mismatch.reason()).isEqualTo(ReasonCode.AUDIENCE_MISMATCH);
        assertThat(mismatch.jti()).isEqualTo(c.get("jti"));
        assertThat(mismatch.iss()).isEqualTo(A);
        assertThat(events.events.get(3).jti()).isEqualTo(ok.get("jti"));
    }

    @Test
    void reportsInfrastructureFailuresOnce() {
        EctVerifier v = EctVerifier.builder().verifierId(B).keySource(keysOfA()).clock(clock()).listener(events)
                .replayStore((iss, wid, jti, until) -> {
                    throw new IllegalStateException("down");
                }).build();
        assertRejected(() -> v.verify(Jws.sign(header(keyA()), claims(), keyA())), ReasonCode.REPLAY_STORE_UNAVAILABLE);
        assertThat(events.events).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY_STORE_UNAVAILABLE);
            assertThat(e.reason().isInfrastructure()).isTrue();
        });
    }

    @Test
    void aThrowingListenerChangesNoOutcome() {
        List<VerificationEvent> seen = new ArrayList<>();
        EctVerifier v = verifier(e -> {
            seen.add(e);
            throw new IllegalStateException("metrics backend down");
        });
        String good = Jws.sign(header(keyA()), claims(), keyA());
        assertThat(v.verify(good).ect().iss()).isEqualTo(A);
        assertRejected(() -> v.verify(good), ReasonCode.REPLAY);
        assertRejected(() -> v.verify("x.y"), ReasonCode.MALFORMED_TOKEN);
        assertThat(seen).extracting(VerificationEvent::outcome).containsExactly("ok", "replay", "malformed_token");
    }

    @Test
    void andThenCallsBothInOrderAndNoopDoesNothing() {
        List<String> calls = new ArrayList<>();
        VerificationListener first = e -> calls.add("first:" + e.outcome());
        VerificationListener both = first.andThen(e -> calls.add("second:" + e.outcome())).andThen(VerificationListener.noop());
        verifier(both).verify(Jws.sign(header(keyA()), claims(), keyA()));
        assertThat(calls).containsExactly("first:ok", "second:ok");
        assertThat(VerificationListener.logging()).isSameAs(VerificationListener.logging());
    }
}

package dev.ect.core;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.C;
import static dev.ect.core.support.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.support.Fixtures;
import dev.ect.core.support.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The G-07 security event: the type, the listener default, andThen and the default logging listener. */
class SecurityEventTest {
    private final EctKeyPair keyA = Fixtures.key(EctAlgorithm.ES256, "a-1");
    private final EctKeyPair keyB = Fixtures.key(EctAlgorithm.ES256, "b-1");

    private static SecurityEvent event() {
        return new SecurityEvent(SecurityEvent.Kind.AMBIGUOUS_PREDECESSOR, ReasonCode.DAG_AMBIGUOUS_PREDECESSOR,
                "j", A, "w", "t", new ArrayList<>(List.of(B, A)));
    }

    @Test
    void isImmutableAndChecksItsArguments() {
        SecurityEvent e = event();
        assertThatThrownBy(() -> e.claimedBy().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new SecurityEvent(null, ReasonCode.DAG_AMBIGUOUS_PREDECESSOR, "j", A, null, "t", List.of()))
                .hasMessage("kind cannot be null");
        assertThatThrownBy(() -> new SecurityEvent(SecurityEvent.Kind.AMBIGUOUS_PREDECESSOR, null, "j", A, null, "t", List.of()))
                .hasMessage("reason cannot be null");
        assertThat(SecurityEvent.Kind.AMBIGUOUS_PREDECESSOR.ruleId()).isEqualTo("G-07");
    }

    @Test
    @DisplayName("G-07: andThen forwards security events to both listeners; a lambda listener ignores them")
    void andThenForwardsSecurityEvents() {
        List<String> calls = new ArrayList<>();
        VerificationListener first = new VerificationListener() {
            @Override
            public void onVerification(VerificationEvent e) { calls.add("first:v"); }

            @Override
            public void onSecurityEvent(SecurityEvent e) { calls.add("first:" + e.kind()); }
        };
        VerificationListener lambda = e -> calls.add("lambda:v");
        first.andThen(lambda).andThen(first).onSecurityEvent(event());
        assertThat(calls).containsExactly("first:AMBIGUOUS_PREDECESSOR", "first:AMBIGUOUS_PREDECESSOR");
    }

    @Test
    @DisplayName("G-07: the default listener logs the squat at WARN with ids and issuers only, never a token")
    void defaultListenerLogsAtWarn() {
        InMemoryLedger ledger = new InMemoryLedger(Fixtures.clock());
        EctVerifier v = EctVerifier.builder().verifierId(C).clock(Fixtures.clock()).ledger(ledger)
                .keySource(StaticKeySource.builder().key(A, keyA).key(B, keyB).build()).build(); // default listener
        String wid = UUID.randomUUID().toString();
        String jti = UUID.randomUUID().toString();
        String childJti = UUID.randomUUID().toString();
        v.verify(sign(keyB, B, jti, wid));
        v.verify(sign(keyA, A, jti, wid));
        String child = EctSigner.builder(keyA).clock(Fixtures.clock()).build().sign(draft(A, childJti, wid).pred(jti).build());

        String log = LogCapture.during(() -> v.verify(child));

        assertThat(log).contains("WARN").contains("AMBIGUOUS_PREDECESSOR (G-07)").contains("jti=" + childJti)
                .contains("iss=" + A).contains("task=" + jti).contains("claimed_by=[" + B + "," + A + "]")
                .contains("reason=dag_ambiguous_predecessor");
        assertThat(log).doesNotContain(child).doesNotContain(child.split("\\.")[2]);
    }

    private static Ect.Builder draft(String iss, String jti, String wid) {
        return Ect.builder().iss(iss).aud(C).iat(NOW).exp(NOW.plus(Duration.ofMinutes(10))).jti(jti).wid(wid)
                .execAct("review_spec").pred(List.of());
    }

    private static String sign(EctKeyPair key, String iss, String jti, String wid) {
        return EctSigner.builder(key).clock(Fixtures.clock()).build().sign(draft(iss, jti, wid).build());
    }
}

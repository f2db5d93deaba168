package dev.ect.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSigner;
import dev.ect.core.EctValidator;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.ValidationResult;
import dev.ect.core.VerificationScope;
import dev.ect.core.VerifiedEct;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.spring.EctInstrumentation;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every verification path of the starter's verifier is one observation, and the scoped ones reach the delegate's own. */
class InstrumentedVerifierTest {
    static final String A = "spiffe://example.com/a";
    static final String B = "spiffe://example.com/b";

    @Test
    @DisplayName("T-09: verifyAgain(token, accepted, scope) is observed and passed on: the request scope runs in the delegate's one verification")
    void scopedVerifyAgainIsObservedAndDelegated() {
        EctKeyPair key = EctKeys.generate("a-1");
        CaffeineReplayStore replay = new CaffeineReplayStore(100);
        EctVerifier first = EctVerifier.builder().verifierId(B).keySource(StaticKeySource.builder().key(A, key).build())
                .replayStore(replay).build();
        EctVerifier inner = EctVerifier.builder().verifierId(B).keySource(StaticKeySource.builder().key(A, key).build())
                .replayStore(replay).build();
        List<String> observed = new CopyOnWriteArrayList<>();
        EctInstrumentation recording = new EctInstrumentation() {
            @Override
            public <T> T observe(String name, Supplier<T> work) {
                observed.add(name);
                return work.get();
            }
        };
        EctVerifier v = new InstrumentedVerifier(inner, recording);
        String token = EctSigner.builder(key).build().sign(Ect.builder().iss(A).aud(B).execAct("work").build());
        VerifiedEct accepted = first.verify(token);
        VerificationScope refusing = VerificationScope.of((ect, dag) ->
                ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "C-07", "not this request"));
        assertThatThrownBy(() -> v.verifyAgain(token, accepted, refusing)).isInstanceOfSatisfying(EctRejectedException.class,
                e -> assertThat(e.error().ruleId()).isEqualTo("C-07"));
        assertThat(v.verifyAgain(token, accepted, VerificationScope.of(EctValidator.none())).ect().jti()).isEqualTo(accepted.ect().jti());
        assertThat(observed).containsExactly(EctInstrumentation.VERIFY, EctInstrumentation.VERIFY);
    }
}

package dev.ect.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RoundTripSmokeTest {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";

    @ParameterizedTest
    @EnumSource(EctAlgorithm.class)
    void mintedTokenVerifiesAndReplayIsRejected(EctAlgorithm alg) {
        Clock clock = Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC);
        EctKeyPair key = EctKeys.generate(alg, "k1");
        EctSigner signer = EctSigner.builder(key).clock(clock).build();
        EctVerifier verifier = EctVerifier.builder().verifierId(B).clock(clock)
                .algorithms(EnumSet.allOf(EctAlgorithm.class))
                .keySource(StaticKeySource.builder().key(A, key).build()).build();
        SignedEct s = signer.mint(Ect.builder().iss(A).aud(B).execAct("review_spec").build());
        VerifiedEct v = verifier.verify(s.compact());
        assertThat(v.ect()).isEqualTo(s.ect());
        assertThat(v.level()).isEqualTo(EctLevel.L2);
        assertThatThrownBy(() -> verifier.verify(s.compact()))
                .isInstanceOfSatisfying(EctRejectedException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY));
    }
}

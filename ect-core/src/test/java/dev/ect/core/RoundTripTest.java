package dev.ect.core;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.NOW;
import static dev.ect.core.support.Fixtures.clock;
import static dev.ect.core.support.Fixtures.key;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.support.Fixtures;
import dev.ect.core.support.Jws;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Everything the signer mints, the verifier accepts, for each supported algorithm (H-03). */
class RoundTripTest {

    @ParameterizedTest
    @EnumSource(EctAlgorithm.class)
    void mintedTokenVerifiesWithEveryClaimIntactAndIsThenAReplay(EctAlgorithm alg) {
        EctKeyPair k = key(alg, "rt-" + alg);
        EctSigner signer = EctSigner.builder(k).clock(clock()).build();
        EctVerifier verifier = EctVerifier.builder().verifierId(B).keySource(StaticKeySource.builder().key(A, k).build())
                .clock(clock()).listener(VerificationListener.noop())
                .settings(EctSettings.builder().algorithms(EnumSet.allOf(EctAlgorithm.class)).allowUnresolvedPredecessors(true).build())
                .build();
        String pred = UUID.randomUUID().toString();
        Ect draft = Ect.builder().iss(A).aud(List.of(B, "spiffe://example.com/ledger")).execAct("review_spec")
                .wid(UUID.randomUUID().toString()).pred(pred).inpHash(EctHashes.sha256("test"))
                .outHash(EctHashes.sha256("foo")).ext(Map.of("pol", "policy_v1", "n", 3L, "nested", Map.of("ok", true)))
                .build();
        SignedEct s = signer.mint(draft);
        assertThat(signer.algorithm()).isEqualTo(alg);
        assertThat(signer.kid()).isEqualTo("rt-" + alg);
        assertThat(Jws.header(s.compact())).containsEntry("alg", alg.jwaName());
        VerifiedEct v = verifier.verify(s.compact());
        assertThat(v.ect()).isEqualTo(s.ect());
        assertThat(v.ect().sameClaims(s.ect())).isTrue();
        assertThat(v.ect().hashCode()).isEqualTo(s.ect().hashCode());
        assertThat(v.ect().claims()).isEqualTo(s.ect().claims());
        assertThat(v.ect().iat()).isEqualTo(NOW);
        assertThat(v.level()).isEqualTo(EctLevel.L2);
        assertThat(v.unresolvedPredecessors()).containsExactly(pred);
        assertThat(s.toString()).doesNotContain(s.compact()).doesNotContain(Jws.parts(s.compact())[2]);
        assertThat(s.ect().toString()).contains(s.ect().jti()).doesNotContain(Jws.parts(s.compact())[2]);
        assertRejected(() -> verifier.verify(s.compact()), ReasonCode.REPLAY);
    }

    @ParameterizedTest
    @EnumSource(EctAlgorithm.class)
    void tokenOfOneAlgorithmDoesNotVerifyUnderAnotherAlgorithmsKey(EctAlgorithm alg) { // H-03, K-02: the key decides
        EctKeyPair k = key(alg, "shared-kid");
        EctKeyPair other = key(alg == EctAlgorithm.ES256 ? EctAlgorithm.EDDSA : EctAlgorithm.ES256, "shared-kid");
        EctVerifier verifier = Fixtures.verifierBAllAlgs(StaticKeySource.builder().key(A, other).build()).build();
        String token = EctSigner.builder(k).clock(clock()).build().sign(Ect.builder().iss(A).aud(B).execAct("x").build());
        assertRejected(() -> verifier.verify(token), ReasonCode.UNKNOWN_KEY); // K-02: no key usable for this alg
    }
}

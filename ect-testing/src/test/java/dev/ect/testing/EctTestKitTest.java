package dev.ect.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.VerifiedEct;
import dev.ect.core.keys.StaticKeySource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class EctTestKitTest {
    @RegisterExtension
    EctTestKit ect = EctTestKit.create();

    private ReasonCode refusal(String token) {
        return assertThrows(EctRejectedException.class, () -> ect.verifier().verify(token)).reason();
    }

    @Test
    @DisplayName("a minted token is accepted by the library's verifier, recorded once in the replay store and once in the ledger")
    void validTokenIsAcceptedAndRecordedOnce() {
        SignedEct s = ect.mint();
        VerifiedEct v = ect.verifier().verify(s.compact());
        assertEquals(s.ect().jti(), v.ect().jti());
        assertEquals(EctTestKit.DEFAULT_ISSUER, v.ect().iss());
        assertEquals(EctTestKit.DEFAULT_EXEC_ACT, v.ect().execAct());
        assertEquals(1, ect.replayStore().timesRecorded(s.ect().jti()));
        assertEquals(1, ect.ledger().size());
    }

    @Test
    @DisplayName("V-14: the same token twice is a replay, and the store holds one record")
    void v14SecondUseIsReplay() {
        String t = ect.token();
        ect.verifier().verify(t);
        assertEquals(ReasonCode.REPLAY, refusal(t));
        assertEquals(1, ect.replayStore().records().size());
    }

    @Test
    @DisplayName("V-07, V-08, V-11, V-12: each broken token is refused with its reason code")
    void brokenTokensAreRefusedWithTheirReasonCodes() {
        assertEquals(ReasonCode.UNKNOWN_KEY, refusal(ect.untrustedToken()));
        assertEquals(ReasonCode.INVALID_SIGNATURE, refusal(ect.tamperedToken()));
        assertEquals(ReasonCode.EXPIRED, refusal(ect.expiredToken()));
        assertEquals(ReasonCode.AUDIENCE_MISMATCH, refusal(ect.tokenForAnotherAudience()));
        assertEquals(0, ect.ledger().size(), "nothing refused reached the ledger");
    }

    @Test
    @DisplayName("V-11: moving the clock past exp makes a valid token expire, without sleeping")
    void v11ClockMovesTime() {
        String t = ect.token();
        ect.clock().advance(Duration.ofMinutes(11));
        assertEquals(ReasonCode.EXPIRED, refusal(t));
    }

    @Test
    @DisplayName("G-02, G-03: a child names its parent and shares its workflow; it is accepted once the parent is in the ledger")
    void childOfParent() {
        SignedEct parent = ect.mint();
        SignedEct child = ect.child(parent);
        assertEquals(java.util.List.of(parent.ect().jti()), child.ect().pred());
        assertEquals(parent.ect().wid(), child.ect().wid());
        EctVerifier verifier = ect.verifier();
        assertEquals(ReasonCode.DAG_UNKNOWN_PREDECESSOR,
                assertThrows(EctRejectedException.class, () -> verifier.verify(ect.child(parent).compact())).reason());
        verifier.verify(parent.compact());
        verifier.verify(child.compact());
        assertEquals(2, ect.ledger().size());
    }

    @Test
    @DisplayName("the JWKS the kit writes configures trust as a file (V-07)")
    void jwksFileConfiguresTrust(@TempDir Path dir) {
        Path file = ect.writeJwks(dir.resolve("caller.jwks"));
        EctVerifier fromFile = EctVerifier.builder().verifierId(ect.audience())
                .keySource(StaticKeySource.builder().jwksFile(ect.issuer(), file).build()).clock(ect.clock()).build();
        assertEquals(ect.issuer(), fromFile.verify(ect.token()).ect().iss());
    }

    @Test
    @DisplayName("builder options: issuer, audience, algorithm and start time")
    void builderOptions() {
        Instant start = Instant.parse("2026-01-02T03:04:05Z");
        EctTestKit kit = EctTestKit.builder().issuer("spiffe://x/a").audience("spiffe://x/b")
                .algorithm(EctAlgorithm.ES384).startingAt(start).build();
        SignedEct s = kit.mint();
        assertEquals("spiffe://x/a", s.ect().iss());
        assertEquals(java.util.List.of("spiffe://x/b"), s.ect().aud());
        assertEquals(start, s.ect().iat());
        assertEquals(EctAlgorithm.ES384, kit.signer().algorithm());
        assertEquals("spiffe://x/b", kit.verifier().verify(s.compact()).ect().aud().get(0));
        assertThrows(IllegalArgumentException.class, () -> EctTestKit.builder().issuer(" "));
        assertTrue(kit.toString().contains("spiffe://x/a"));
    }

    @Test
    @DisplayName("two kits have different keys: one kit's token is not trusted by the other (V-07)")
    void kitsDoNotShareKeys() {
        EctTestKit other = EctTestKit.create();
        assertNotEquals(ect.key().publicJwk(), other.key().publicJwk());
        assertEquals(ReasonCode.INVALID_SIGNATURE,
                assertThrows(EctRejectedException.class, () -> ect.verifier().verify(other.token())).reason(),
                "same issuer and kid, another key: the signature does not verify");
    }
}

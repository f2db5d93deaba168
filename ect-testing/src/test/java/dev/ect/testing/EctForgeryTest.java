package dev.ect.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSettings;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.keys.EctKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each forgery of a genuine token is refused by the library's verifier with the reason its Javadoc names. */
class EctForgeryTest {
    @RegisterExtension
    EctTestKit ect = EctTestKit.create();

    private ReasonCode refusal(String token) {
        return assertThrows(EctRejectedException.class, () -> ect.verifier().verify(token)).reason();
    }

    @Test
    @DisplayName("V-08: changed claims under the genuine signature are invalid_signature; the claims say what was changed")
    void v08ChangedClaimsAreInvalidSignature() {
        String good = ect.token();
        String forged = EctForgery.withClaims(good, c -> c.put("exec_act", "delete_prod"));
        assertEquals("delete_prod", EctForgery.claims(forged).get("exec_act"));
        assertEquals(EctForgery.header(good), EctForgery.header(forged));
        assertEquals(good.substring(good.lastIndexOf('.')), forged.substring(forged.lastIndexOf('.')), "signature kept");
        assertEquals(ReasonCode.INVALID_SIGNATURE, refusal(forged));
        assertEquals(ReasonCode.INVALID_SIGNATURE, refusal(EctForgery.flippedSignatureBit(ect.token())));
        assertEquals(0, ect.ledger().size());
        ect.verifier().verify(good); // the genuine one was never recorded by a refusal
    }

    @Test
    @DisplayName("V-08: header and claims re-signed with an attacker's key under the trusted kid are invalid_signature")
    void v08ResignedWithAnotherKeyIsInvalidSignature() {
        String good = ect.token();
        String forged = EctForgery.resignedWith(good, EctKeys.generate("attacker-1"));
        assertEquals(good.substring(0, good.lastIndexOf('.')), forged.substring(0, forged.lastIndexOf('.')), "header and claims kept");
        assertNotEquals(good, forged);
        assertEquals(ReasonCode.INVALID_SIGNATURE, refusal(forged));
        // re-signed with the trusted key itself, the same bytes verify: the forger signs what it is given
        assertEquals(EctForgery.claims(good).get("jti"), ect.verifier().verify(EctForgery.resignedWith(good, ect.key())).ect().jti());
        assertThrows(IllegalArgumentException.class,
                () -> EctForgery.resignedWith(EctForgery.algNone(good), ect.key()), "alg none: nothing to sign with");
    }

    @Test
    @DisplayName("H-03, V-05: alg none with an empty signature is unsupported_alg")
    void h03AlgNoneIsUnsupportedAlg() {
        String forged = EctForgery.algNone(ect.token());
        assertEquals("none", EctForgery.header(forged).get("alg"));
        assertTrue(forged.endsWith("."), "empty signature");
        assertEquals(ReasonCode.UNSUPPORTED_ALG, refusal(forged));
    }

    @Test
    @DisplayName("V-07, V-06: another header swapped in is unknown_key for an untrusted kid, invalid_typ for another typ")
    void v07SwappedOrChangedHeaders() {
        String good = ect.token();
        assertEquals(ReasonCode.UNKNOWN_KEY, refusal(EctForgery.swappedHeader(good, ect.untrustedToken())));
        assertEquals(ReasonCode.UNKNOWN_KEY, refusal(EctForgery.withHeader(good, h -> h.put("kid", "test-2"))));
        assertEquals(ReasonCode.INVALID_TYP, refusal(EctForgery.withHeader(good, h -> h.put("typ", "JWT"))));
        // a kit with two algorithms allowed: the header's alg swapped to one the key does not fit (K-02)
        EctVerifier both = EctVerifier.builder().verifierId(ect.audience()).keySource(ect.keySource()).clock(ect.clock())
                .settings(EctSettings.builder().algorithms(java.util.Set.of(EctAlgorithm.ES256, EctAlgorithm.ES384)).build()).build();
        assertEquals(ReasonCode.UNKNOWN_KEY, assertThrows(EctRejectedException.class,
                () -> both.verify(EctForgery.withHeader(good, h -> h.put("alg", "ES384")))).reason());
    }

    @Test
    @DisplayName("V-02, V-03: raw parts and the unsigned L1 form; malformed input is refused by the forger, not passed on")
    void rawPartsAndUnsignedForm() {
        String raw = EctForgery.compact("{\"alg\":\"ES256\",\"kid\":\"test-1\",\"typ\":\"exec+jwt\"}",
                "{\"iss\":\"" + ect.issuer() + "\"}", new byte[64]);
        assertEquals(3, raw.split("\\.", -1).length);
        assertEquals(Map.of("iss", ect.issuer()), EctForgery.claims(raw));
        assertEquals(ReasonCode.INVALID_SIGNATURE, refusal(raw)); // the signature is checked before the claims
        String l1 = EctForgery.unsigned("{\"iss\":\"" + ect.issuer() + "\",\"exec_act\":\"x\"}");
        assertTrue(l1.indexOf('.') < 0);
        assertEquals(ReasonCode.LEVEL_BELOW_MINIMUM, refusal(l1));
        assertThrows(IllegalArgumentException.class, () -> EctForgery.withClaims("a.b", c -> { }));
        assertThrows(IllegalArgumentException.class, () -> EctForgery.claims(EctForgery.compact("{}", "[1]", new byte[0])));
        assertThrows(IllegalArgumentException.class, () -> EctForgery.flippedSignatureBit(EctForgery.algNone(ect.token())));
        assertEquals(List.of(), ect.ledger().entries());
    }
}

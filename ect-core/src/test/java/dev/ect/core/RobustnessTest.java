package dev.ect.core;

import static dev.ect.core.support.Fixtures.claims;
import static dev.ect.core.support.Fixtures.header;
import static dev.ect.core.support.Fixtures.keyA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ect.core.support.Fixtures;
import dev.ect.core.support.Jws;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bad input gives a clear answer (a reason code, 403 or 503), never another exception, hang or
 * accept of garbage: every claim and header parameter set to every JSON type, and seeded random
 * payloads. Signed with the genuine key, so every value reaches the claim rules.
 */
class RobustnessTest {
    private static final EctVerifier VERIFIER = Fixtures.verifierB().settings(EctSettings.builder().allowUnresolvedPredecessors(true).build()).build();

    private static List<Object> jsonValues() {
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("a", 1);
        return Arrays.asList(null, true, false, 0, -1, 1.5, 1e300, new BigInteger("123456789012345678901234567890"), "",
                "x", "\u0000", "550e8400-e29b-41d4-a716-446655440000", List.of(), List.of(1), List.of("x", "x"),
                Arrays.asList((Object) null), Map.of(), obj);
    }

    private static void assertCleanOutcome(String token, String what) {
        Throwable t = catchThrowable(() -> VERIFIER.check(token));
        if (t != null) {
            assertThat(t).as(what).isInstanceOf(EctRejectedException.class);
        }
    }

    @Test
    void everyClaimWithEveryJsonTypeGivesAReasonCode() { // V-09, V-10
        for (String claim : List.of("iss", "aud", "iat", "exp", "jti", "wid", "exec_act", "pred", "inp_hash", "out_hash",
                "ect_ext", "nbf", "sub", "par", "ext", "pol", "pol_decision", "unknown")) {
            for (Object v : jsonValues()) {
                Map<String, Object> c = claims();
                c.put(claim, v);
                assertCleanOutcome(Jws.sign(header(keyA()), c, keyA()), claim + "=" + v);
            }
        }
    }

    @Test
    void everyHeaderParameterWithEveryJsonTypeGivesAReasonCode() { // V-04..V-06
        for (String param : List.of("typ", "alg", "kid", "crit", "b64", "jwk", "jku", "x5c", "x5u", "cty")) {
            for (Object v : jsonValues()) {
                Map<String, Object> h = header(keyA());
                h.put(param, v);
                assertCleanOutcome(Jws.sign(h, claims(), keyA()), param + "=" + v);
            }
        }
    }

    @Test
    void seededRandomPayloadsGiveAReasonCodeOrVerify() {
        Random r = new Random(20260301);
        List<Object> values = jsonValues();
        List<String> names = List.of("iss", "aud", "iat", "exp", "jti", "wid", "exec_act", "pred", "inp_hash", "ect_ext", "nbf");
        int accepted = 0;
        for (int i = 0; i < 150; i++) {
            Map<String, Object> c = claims();
            for (int k = 0; k < 1 + r.nextInt(3); k++) {
                String name = names.get(r.nextInt(names.size()));
                if (r.nextInt(4) == 0) {
                    c.remove(name);
                } else {
                    c.put(name, values.get(r.nextInt(values.size())));
                }
            }
            String token = Jws.sign(header(keyA()), c, keyA());
            Throwable t = catchThrowable(() -> VERIFIER.check(token));
            if (t == null) {
                accepted++;
            } else {
                assertThat(t).as(c.toString()).isInstanceOf(EctRejectedException.class);
            }
        }
        assertThat(accepted).isLessThan(150);
    }

    @Test
    void randomBytesAndTextNeverEscapeAsAnotherException() { // V-01, V-02
        Random r = new Random(7);
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[r.nextInt(200)];
            r.nextBytes(b);
            inputs.add(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
            inputs.add(Jws.b64(b));
            inputs.add(Jws.b64(b) + "." + Jws.b64(b) + "." + Jws.b64(b));
            inputs.add(Jws.part(header(keyA())) + "." + Jws.b64(b) + "." + Jws.b64(new byte[64]));
        }
        for (String in : inputs) {
            assertCleanOutcome(in, "input");
        }
    }
}

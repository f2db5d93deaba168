package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.ledger.TestEcts;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** M-03, M-07: the compact JWS assembled in the thread's scratch arrays is header '.' claims '.' signature, whatever came before. */
class EctCodecMintTest {
    private static final JwsCrypto CRYPTO = new JwsCrypto();

    private static String expected(byte[] header, Ect e, byte[] sig) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return new String(header, StandardCharsets.US_ASCII) + '.' + b64.encodeToString(EctCodec.claimsUtf8(e)) + '.' + b64.encodeToString(sig);
    }

    @Test
    @DisplayName("M-03: tokens of every size in turn (beyond the scratch arrays too) are exactly header.claims.signature, signed over header.claims")
    void m03CompactFormsInTurnAreExact() {
        Random r = new Random(21);
        byte[] header = "eyJhbGciOiJFUzI1NiJ9".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 40; i++) {
            Map<String, Object> ext = new LinkedHashMap<>();
            ext.put("note", "x".repeat(r.nextInt(i % 5 == 4 ? 90_000 : 3_000)));
            Ect e = Ect.builder().iss(TestEcts.ISS).aud(TestEcts.AUD).jti(TestEcts.uuid("J" + i)).execAct("a")
                    .iat(TestEcts.NOW).exp(TestEcts.NOW.plusSeconds(60)).pred(List.of()).ext(ext).build();
            byte[][] signed = new byte[2][];
            String compact = EctCodec.compactJws(header, e, i % 2 == 0 ? 64 : 0, (buf, len) -> {
                signed[0] = java.util.Arrays.copyOf(buf, len);
                signed[1] = CRYPTO.sign(EctAlgorithm.ES256, TestEcts.KEY.privateKey(), buf, len);
                return signed[1];
            });
            assertThat(compact).isEqualTo(expected(header, e, signed[1]));
            assertThat(new String(signed[0], StandardCharsets.US_ASCII)).isEqualTo(compact.substring(0, compact.lastIndexOf('.')));
            assertThat(CRYPTO.verify(EctAlgorithm.ES256, TestEcts.KEY.publicKey(), signed[0], signed[1])).isTrue();
        }
    }

    @Test
    @DisplayName("M-03: a signer that mints again while signing gets its own arrays: both tokens are exact")
    void m03NestedMintOnOneThreadDoesNotShareTheScratchArrays() {
        byte[] header = "eyJhbGciOiJFUzI1NiJ9".getBytes(StandardCharsets.US_ASCII);
        Ect outer = Ect.builder().iss(TestEcts.ISS).aud(TestEcts.AUD).jti(TestEcts.uuid("O")).execAct("outer")
                .iat(TestEcts.NOW).exp(TestEcts.NOW.plusSeconds(60)).pred(List.of()).build();
        Ect inner = outer.toBuilder().jti(TestEcts.uuid("I")).execAct("inner").build();
        byte[] sig = new byte[64];
        String[] nested = new String[1];
        String compact = EctCodec.compactJws(header, outer, 64, (buf, len) -> {
            nested[0] = EctCodec.compactJws(header, inner, 64, (b2, l2) -> sig);
            return sig;
        });
        assertThat(compact).isEqualTo(expected(header, outer, sig));
        assertThat(nested[0]).isEqualTo(expected(header, inner, sig));
    }

    private static Object nested(Random r, int depth) {
        if (depth == 0 || r.nextInt(4) == 0) {
            return r.nextBoolean() ? "v" + r.nextInt(9) : (Object) (long) r.nextInt(1000);
        }
        if (r.nextBoolean()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = r.nextInt(3); i >= 0; i--) {
                m.put("k" + i, nested(r, depth - 1));
            }
            return m;
        }
        List<Object> l = new java.util.ArrayList<>();
        for (int i = r.nextInt(3); i >= 0; i--) {
            l.add(nested(r, depth - 1));
        }
        return l;
    }

    @Test
    @DisplayName("C-10 M-07: the ect_ext checked as it is written gives ClaimRules' outcome (depth first, same detail) and signs nothing when refused")
    void c10ExtCheckedWhileWritingMatchesTheClaimRules() {
        Random r = new Random(31);
        byte[] header = "eyJhbGciOiJFUzI1NiJ9".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 3000; i++) {
            Map<String, Object> ext = new LinkedHashMap<>();
            ext.put("x", nested(r, 1 + r.nextInt(7)));
            if (r.nextInt(3) == 0) {
                ext.put("pad", "p".repeat(4070 + r.nextInt(40)));
            }
            Ect e = Ect.builder().iss(TestEcts.ISS).aud(TestEcts.AUD).jti(TestEcts.uuid("J" + i)).execAct("a")
                    .iat(TestEcts.NOW).exp(TestEcts.NOW.plusSeconds(60)).pred(List.of()).ext(ext).build();
            String expected;
            try {
                ClaimRules.check(e, dev.ect.core.EctSettings.defaults());
                expected = "ok";
            } catch (dev.ect.core.EctRejectedException x) {
                expected = x.error().code() + " " + x.error().ruleId() + " " + x.error().detail();
            }
            ClaimRules.check(e, dev.ect.core.EctSettings.defaults(), false); // all but C-10 pass here
            boolean[] signed = {false};
            String got;
            try {
                EctCodec.compactJws(header, e, 64, (buf, len) -> {
                    signed[0] = true;
                    return new byte[64];
                }, true);
                got = "ok";
            } catch (dev.ect.core.EctRejectedException x) {
                got = x.error().code() + " " + x.error().ruleId() + " " + x.error().detail();
            }
            assertThat(got).as("%s", ext).isEqualTo(expected);
            assertThat(signed[0]).isEqualTo(expected.equals("ok"));
        }
    }
}

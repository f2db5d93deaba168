package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctRejectedException;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.TestEcts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * V-02: the codec decodes a token from one byte copy of its characters; a character that is not
 * ASCII (Latin-1, beyond Latin-1, or a surrogate pair that would shift the byte positions) is
 * malformed in the part it stands in, as when the characters themselves were decoded.
 */
class EctCodecCharactersTest {
    private static final SignedEct TOKEN = TestEcts.mint(TestEcts.uuid("W"), "review", List.of(TestEcts.uuid("P")));

    @Test
    @DisplayName("V-02: a non-ASCII character in any part is malformed_token naming that part; the signing input is the ASCII prefix")
    void v02NonAsciiCharactersAreMalformedInTheirPart() {
        String t = TOKEN.compact();
        int d1 = t.indexOf('.');
        int d2 = t.indexOf('.', d1 + 1);
        HeaderCache headers = new HeaderCache();
        EctCodec.Parts ok = EctCodec.parse(t, headers);
        assertThat(new String(ok.signingInputBuffer(), 0, ok.signingInputLength(), StandardCharsets.US_ASCII))
                .isEqualTo(t.substring(0, d2));
        assertThat(ok.signingInput()).isEqualTo(t.substring(0, d2).getBytes(StandardCharsets.US_ASCII));
        int[][] parts = {{1, 0}, {d1 + 2, 1}, {d2 + 2, 2}};
        String[] what = {"JOSE header", "payload", "signature"};
        for (String bad : new String[] {"\u00e9", "\u0141", "\u0100", "\ud83d\ude00", "\u0000"}) {
            for (int[] at : parts) {
                String token = t.substring(0, at[0]) + bad + t.substring(at[0] + 1);
                for (HeaderCache cache : new HeaderCache[] {headers, null, new HeaderCache()}) {
                    assertThatThrownBy(() -> EctCodec.parse(token, cache)).as("%s in the %s", bad, what[at[1]])
                            .isInstanceOfSatisfying(EctRejectedException.class, e -> {
                                assertThat(e.reason()).isEqualTo(ReasonCode.MALFORMED_TOKEN);
                                assertThat(e.error().detail()).contains(what[at[1]]);
                            });
                }
            }
        }
        // the cache still answers the genuine header after the refusals
        assertThat(EctCodec.parse(t, headers).header()).isEqualTo(ok.header());
    }

    @Test
    @DisplayName("V-02 V-09: payloads of every size in turn decode to their own claims; claims() of a typed read is the payload object")
    void v02PayloadsInTurnDecodeToTheirOwnClaims() {
        java.util.Random r = new java.util.Random(17);
        HeaderCache headers = new HeaderCache();
        for (int i = 0; i < 30; i++) {
            java.util.Map<String, Object> ext = java.util.Map.of("note", "y".repeat(r.nextInt(i % 4 == 3 ? 3_000 : 200)));
            SignedEct s = TestEcts.SIGNER.mint(dev.ect.core.Ect.builder().iss(TestEcts.ISS).aud(TestEcts.AUD)
                    .wid(TestEcts.uuid("W" + i)).execAct("a" + i).ext(ext).build());
            EctCodec.Parts p = EctCodec.parse(s.compact(), headers);
            SignedEct back = EctCodec.signed(p, "exec+jwt", "ES256", "k1", dev.ect.core.EctSettings.defaults());
            assertThat(back.ect().sameClaims(s.ect())).isTrue();
            String payload = s.compact().split("\\.")[1];
            assertThat(p.claims()).isEqualTo(Json.parseObject(Json.b64decode(payload, 0, payload.length())));
            assertThat(p.jti()).isEqualTo(s.ect().jti());
        }
        SignedEct l1 = TestTokens.unsigned(TestEcts.SIGNER.mint(dev.ect.core.Ect.builder().iss(TestEcts.ISS)
                .aud(TestEcts.AUD).execAct("l1").build()).ect());
        EctCodec.Parts p = EctCodec.parse(l1.compact(), headers);
        assertThat(p.claims()).isEqualTo(Json.parseObject(Json.b64decode(l1.compact(), 0, l1.compact().length())));
    }

    @Test
    @DisplayName("C-10: a verified ect_ext is read-only all the way down and equal to the minted one")
    @SuppressWarnings("unchecked")
    void c10VerifiedExtIsReadOnlyAtEveryDepth() {
        java.util.Map<String, Object> inner = new java.util.LinkedHashMap<>();
        inner.put("x", java.util.List.of(1L, "two", java.util.Map.of("y", true)));
        java.util.Map<String, Object> ext = new java.util.LinkedHashMap<>();
        ext.put("tenant", "acme");
        ext.put("inner", inner);
        ext.put("list", java.util.List.of(java.util.List.of(3L)));
        SignedEct s = TestEcts.SIGNER.mint(dev.ect.core.Ect.builder().iss(TestEcts.ISS).aud(TestEcts.AUD).execAct("a").ext(ext).build());
        EctCodec.Parts p = EctCodec.parse(s.compact(), null);
        java.util.Map<String, Object> got = EctCodec.signed(p, "exec+jwt", "ES256", "k1", dev.ect.core.EctSettings.defaults()).ect().ext();
        assertThat(got).isEqualTo(s.ect().ext());
        java.util.Map<String, Object> gotInner = (java.util.Map<String, Object>) got.get("inner");
        java.util.List<Object> x = (java.util.List<Object>) gotInner.get("x");
        java.util.Map<String, Object> y = (java.util.Map<String, Object>) x.get(2);
        java.util.List<Object> nested = (java.util.List<Object>) ((java.util.List<Object>) got.get("list")).get(0);
        for (Runnable change : new Runnable[] {() -> got.put("k", "v"), () -> gotInner.remove("x"), () -> x.add(4L),
            () -> x.set(0, 5L), () -> y.put("z", false), () -> nested.clear(), () -> got.entrySet().iterator().next().setValue("w")}) {
            assertThatThrownBy(change::run).isInstanceOf(UnsupportedOperationException.class);
        }
    }
}

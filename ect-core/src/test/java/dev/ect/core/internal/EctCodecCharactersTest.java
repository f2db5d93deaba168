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
}

package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** V-02: the strict base64url decoder agrees with the JDK's on canonical input and refuses the rest. */
class Base64UrlTest {

    /** The documented rule, spelled out with the JDK decoder: the reference the fast decoder must match. */
    static byte[] reference(String s) {
        if (s.length() % 4 == 1 || !s.matches("[A-Za-z0-9_-]*")) {
            return null;
        }
        byte[] b = Base64.getUrlDecoder().decode(s);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b).equals(s) ? b : null; // canonical only
    }

    // V-02: random byte strings of every length round-trip; every single-character mutation agrees
    @Test
    void agreesWithTheReferenceOnRandomAndMutatedInput() {
        Random r = new Random(7);
        String alphabetAndJunk = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. \u00e9\u0100";
        for (int n = 0; n < 3000; n++) {
            byte[] raw = new byte[r.nextInt(40)];
            r.nextBytes(raw);
            String enc = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            assertThat(Base64Url.decode("xx" + enc + "yy", 2, enc.length() + 2)).isEqualTo(raw);
            if (!enc.isEmpty()) {
                char[] c = enc.toCharArray();
                c[r.nextInt(c.length)] = alphabetAndJunk.charAt(r.nextInt(alphabetAndJunk.length()));
                String m = new String(c);
                assertThat(Base64Url.decode(m, 0, m.length())).as(m).isEqualTo(reference(m));
                String cut = enc.substring(0, r.nextInt(enc.length()));
                assertThat(Base64Url.decode(cut, 0, cut.length())).as(cut).isEqualTo(reference(cut));
            }
        }
    }

    // V-02: decoding a token's characters as bytes (one per character, as the codec copies them)
    // gives what decoding the characters gives, for canonical, mutated, non-ASCII and cut input
    @Test
    void byteDecoderAgreesWithTheCharacterDecoder() {
        Random r = new Random(13);
        String junk = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/.? \u0080\u00e9\u00ff\u0100\u0141\u2000";
        for (int n = 0; n < 5000; n++) {
            byte[] raw = new byte[r.nextInt(n % 8 == 0 ? 900 : 60)]; // long ones reach the vectorized decoder
            r.nextBytes(raw);
            char[] c = ("." + Base64.getUrlEncoder().withoutPadding().encodeToString(raw) + ".").toCharArray();
            for (int k = r.nextInt(3); k > 0 && c.length > 2; k--) {
                c[1 + r.nextInt(c.length - 2)] = junk.charAt(r.nextInt(junk.length()));
            }
            String s = new String(c);
            byte[] ascii = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            int to = 1 + r.nextInt(s.length() - 1);
            assertThat(Base64Url.decode(ascii, 1, to)).as(s).isEqualTo(Base64Url.decode(s, 1, to));
        }
    }

    // M-03: the encoder writes exactly the JDK's unpadded base64url, at any offset, for every length
    @Test
    void encoderAgreesWithTheJdk() {
        Random r = new Random(11);
        for (int n = 0; n < 2000; n++) {
            byte[] raw = new byte[n < 100 ? n : r.nextInt(1500)];
            r.nextBytes(raw);
            String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            assertThat(Base64Url.encodedLength(raw.length)).isEqualTo(expected.length());
            byte[] dst = new byte[expected.length() + 5];
            int end = Base64Url.encode(raw, dst, 3);
            assertThat(end).isEqualTo(3 + expected.length());
            assertThat(new String(dst, 3, expected.length(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(expected);
            assertThat(dst[0]).isZero();
            assertThat(dst[end]).isZero();
            byte[] loop = new byte[expected.length() + 5];
            assertThat(Base64Url.encodeLoop(raw, raw.length, loop, 3)).isEqualTo(end);
            assertThat(loop).isEqualTo(dst);
            byte[] longer = java.util.Arrays.copyOf(raw, raw.length + 7); // only the first n bytes count
            byte[] part = new byte[expected.length() + 5];
            assertThat(Base64Url.encode(longer, raw.length, part, 3)).isEqualTo(end);
            assertThat(part).isEqualTo(dst);
        }
    }

    // V-02: padding, non-zero trailing bits and impossible lengths are refused
    @Test
    void refusesNonCanonicalForms() {
        for (String s : new String[] {"QQ==", "QUI=", "QQ=", "QQ=A", "QU=I", "QUJD====", "=", "==", "QR", "QUJ", "A", "AAAAA",
            "QUJD=", "QU JD", "QUJD\n", "QUJD+", "QUJ/", "QUJD\u0000AAA"}) {
            assertThat(Base64Url.decode(s, 0, s.length())).as(s).isNull();
            byte[] ascii = ("." + s + ".").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(Base64Url.decode(ascii, 1, ascii.length - 1)).as("bytes of %s", s).isNull();
        }
        assertThat(Base64Url.decode("", 0, 0)).isEmpty();
        assertThat(Base64Url.decode(new byte[] {'.', '.'}, 1, 1)).isEmpty();
        assertThat(Base64Url.decode("QQ", 0, 2)).containsExactly('A');
        assertThat(Base64Url.decode("QUI", 0, 3)).containsExactly('A', 'B');
        assertThat(Base64Url.decode("_-8", 0, 3)).containsExactly(0xFF, 0xEF);
        assertThat(Base64Url.decode("x_-8x".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 1, 4)).containsExactly(0xFF, 0xEF);
    }
}

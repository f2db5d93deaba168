package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * V-08 (CVE-2022-21449 class): the library's own 0 &lt; r, s &lt; n check, before any provider sees
 * the signature, agrees with the BigInteger definition on every curve, at the boundaries and on
 * random values. (End-to-end tests cannot tell, since the providers refuse these values too.)
 */
class JwsCryptoScalarsTest {

    static BigInteger order(String curve) throws Exception {
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec(curve));
        return p.getParameterSpec(ECParameterSpec.class).getOrder();
    }

    static boolean reference(BigInteger n, byte[] sig) {
        int half = sig.length / 2;
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig, 0, half));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, half, sig.length));
        return r.signum() > 0 && s.signum() > 0 && r.compareTo(n) < 0 && s.compareTo(n) < 0;
    }

    static byte[] fixed(BigInteger v, int len) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[len];
        int copy = Math.min(b.length, len);
        System.arraycopy(b, b.length - copy, out, len - copy, copy);
        return out;
    }

    // V-08: boundaries 0, 1, n-1, n, n+1, 2^k-1 for r and s on P-256, P-384, P-521, plus random values
    @Test
    void agreesWithTheBigIntegerDefinition() throws Exception {
        Random rnd = new Random(3);
        for (String curve : new String[] {"secp256r1", "secp384r1", "secp521r1"}) {
            BigInteger n = order(curve);
            int half = curve.equals("secp521r1") ? 66 : curve.equals("secp384r1") ? 48 : 32;
            BigInteger[] values = {BigInteger.ZERO, BigInteger.ONE, n.subtract(BigInteger.ONE), n, n.add(BigInteger.ONE),
                BigInteger.ONE.shiftLeft(half * 8).subtract(BigInteger.ONE), n.shiftRight(1)};
            for (BigInteger r : values) {
                for (BigInteger s : values) {
                    byte[] sig = new byte[2 * half];
                    System.arraycopy(fixed(r, half), 0, sig, 0, half);
                    System.arraycopy(fixed(s, half), 0, sig, half, half);
                    assertThat(JwsCrypto.scalarsInRange(n, sig)).as("%s r=%s s=%s", curve, r, s).isEqualTo(reference(n, sig));
                }
            }
            for (int i = 0; i < 2000; i++) {
                byte[] sig = new byte[2 * half];
                rnd.nextBytes(sig);
                if (i % 3 == 0) { // near the order: same leading bytes as n
                    System.arraycopy(fixed(n, half), 0, sig, 0, rnd.nextInt(half));
                }
                assertThat(JwsCrypto.scalarsInRange(n, sig)).isEqualTo(reference(n, sig));
            }
        }
    }
}

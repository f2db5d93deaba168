package dev.ect.core.internal;

import dev.ect.core.CryptoProvider;
import dev.ect.core.EctAlgorithm;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;

/**
 * The signature operations, through plain JCA {@link Signature} objects of one
 * {@link CryptoProvider} (the provider object is passed to {@code Signature.getInstance}; it is
 * never installed globally). Adds the checks every verifier should make before the JCA call: key
 * type and curve match the {@code alg}; ECDSA signatures are exactly R||S of the curve's size
 * with 0 &lt; r, s &lt; n (the CVE-2022-21449 class of bug); no DER form accepted.
 *
 * <p>ECDSA uses the provider's {@code SHAxxxwithECDSAinP1363Format} (R||S, as JWS wants) when it
 * has one, else {@code SHAxxxwithECDSA} with a DER conversion. {@code Signature} objects are kept
 * per thread (they are not thread-safe and {@code getInstance} costs a provider lookup).
 */
public final class JwsCrypto {
    private static final PSSParameterSpec PS256_PARAMS =
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);

    private final CryptoProvider cryptoProvider;
    private final Provider provider;
    /** Per algorithm: the JCA name and whether it produces DER (true) or R||S (false). */
    private final String[] jcaNames = new String[EctAlgorithm.values().length];
    private final boolean[] der = new boolean[EctAlgorithm.values().length];
    private final ThreadLocal<Signature[]> signatures;

    public JwsCrypto(CryptoProvider cryptoProvider) {
        this.cryptoProvider = cryptoProvider;
        this.provider = cryptoProvider.provider().orElse(null);
        for (EctAlgorithm a : EctAlgorithm.values()) {
            String name = switch (a) {
                case ES256 -> "SHA256withECDSA";
                case ES384 -> "SHA384withECDSA";
                case ES512 -> "SHA512withECDSA";
                case EDDSA -> "Ed25519";
                case PS256 -> "RSASSA-PSS";
            };
            if (a.isEcdsa() && supported(name + "inP1363Format")) {
                name = name + "inP1363Format";
            } else if (a.isEcdsa()) {
                der[a.ordinal()] = true;
            }
            jcaNames[a.ordinal()] = name;
        }
        this.signatures = ThreadLocal.withInitial(() -> new Signature[EctAlgorithm.values().length]);
    }

    public JwsCrypto() { this(CryptoProvider.jdk()); }

    /** The provider in use. */
    public CryptoProvider cryptoProvider() { return cryptoProvider; }

    private boolean supported(String jcaName) {
        if (provider != null) {
            return provider.getService("Signature", jcaName) != null;
        }
        try {
            Signature.getInstance(jcaName);
            return true;
        } catch (NoSuchAlgorithmException e) {
            return false;
        }
    }

    private Signature signature(EctAlgorithm alg) throws GeneralSecurityException {
        Signature[] cache = signatures.get();
        Signature s = cache[alg.ordinal()];
        if (s == null) {
            String name = jcaNames[alg.ordinal()];
            s = provider == null ? Signature.getInstance(name) : Signature.getInstance(name, provider);
            cache[alg.ordinal()] = s;
        }
        return s;
    }

    /** True when the key's type (and curve) fits the algorithm. */
    public static boolean keyFits(EctAlgorithm alg, Key key) {
        switch (alg) {
            case ES256, ES384, ES512 -> {
                if (!(key instanceof ECKey ec)) {
                    return false;
                }
                int bits = ec.getParams().getCurve().getField().getFieldSize();
                return bits == (alg == EctAlgorithm.ES256 ? 256 : alg == EctAlgorithm.ES384 ? 384 : 521);
            }
            case EDDSA -> {
                return key instanceof EdECKey ed && "Ed25519".equalsIgnoreCase(ed.getParams().getName());
            }
            case PS256 -> {
                return key instanceof RSAKey rsa && rsa.getModulus().bitLength() >= 2048;
            }
            default -> {
                return false;
            }
        }
    }

    /** Signs the JWS signing input; ECDSA signatures come back as R||S. */
    public byte[] sign(EctAlgorithm alg, PrivateKey key, byte[] signingInput) {
        return sign(alg, key, signingInput, signingInput.length);
    }

    /** Signs {@code buf[0, length)} as the JWS signing input. */
    public byte[] sign(EctAlgorithm alg, PrivateKey key, byte[] buf, int length) {
        if (!keyFits(alg, key)) {
            throw new IllegalArgumentException("the signing key does not fit " + alg);
        }
        try {
            Signature s = signature(alg);
            if (alg == EctAlgorithm.PS256) {
                s.setParameter(PS256_PARAMS);
            }
            s.initSign(key);
            s.update(buf, 0, length);
            byte[] sig = s.sign();
            return der[alg.ordinal()] ? derToConcat(sig, alg.signatureLength()) : sig;
        } catch (GeneralSecurityException | RuntimeException e) {
            signatures.get()[alg.ordinal()] = null; // never reuse an object in an unknown state
            throw new IllegalStateException("signing failed with " + cryptoProvider.name() + ": " + e, e);
        }
    }

    /** Verifies; false for any signature that is not exactly right. */
    public boolean verify(EctAlgorithm alg, PublicKey key, byte[] signingInput, byte[] signature) {
        return verify(alg, key, signingInput, signingInput.length, signature);
    }

    /** Verifies {@code buf[0, length)} as the signing input; false for any signature that is not exactly right. */
    public boolean verify(EctAlgorithm alg, PublicKey key, byte[] buf, int length, byte[] signature) {
        if (!keyFits(alg, key)) {
            return false;
        }
        if (alg.isEcdsa()) {
            if (signature.length != alg.signatureLength()) {
                return false;
            }
            if (!scalarsInRange(((ECKey) key).getParams().getOrder(), signature)) {
                return false;
            }
        } else if (alg == EctAlgorithm.EDDSA) {
            if (signature.length != 64) {
                return false;
            }
        } else if (signature.length != (((RSAKey) key).getModulus().bitLength() + 7) / 8) {
            return false;
        }
        try {
            Signature s = signature(alg);
            if (alg == EctAlgorithm.PS256) {
                s.setParameter(PS256_PARAMS);
            }
            s.initVerify(key);
            s.update(buf, 0, length);
            return s.verify(der[alg.ordinal()] ? concatToDer(signature) : signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            signatures.get()[alg.ordinal()] = null;
            return false;
        }
    }

    /** The last curve order's fixed-size bytes (one curve in use is the usual case): no BigInteger.toByteArray per verify. */
    private static volatile Order lastOrder;

    private record Order(BigInteger n, int length, byte[] bytes) {}

    /** 0 &lt; r &lt; n and 0 &lt; s &lt; n for an R||S signature of even length. */
    static boolean scalarsInRange(BigInteger n, byte[] signature) {
        int half = signature.length / 2;
        Order o = lastOrder;
        byte[] order;
        if (o != null && o.length == half && (o.n == n || o.n.equals(n))) {
            order = o.bytes; // never handed out or written
        } else {
            order = unsignedFixed(n, half);
            lastOrder = new Order(n, half, order);
        }
        return order != null
                && inRange(signature, 0, half, order) && inRange(signature, half, half, order);
    }

    /** 0 &lt; x &lt; n for the big-endian unsigned x = sig[off, off + len), n of the same length. */
    private static boolean inRange(byte[] sig, int off, int len, byte[] n) {
        boolean nonZero = false;
        int cmp = 0; // sign of x - n, decided by the first differing byte
        for (int i = 0; i < len; i++) {
            int x = sig[off + i] & 0xFF;
            nonZero |= x != 0;
            if (cmp == 0) {
                cmp = Integer.compare(x, n[i] & 0xFF);
            }
        }
        return nonZero && cmp < 0;
    }

    /** n as exactly {@code len} unsigned big-endian bytes, or null when it does not fit. */
    private static byte[] unsignedFixed(BigInteger n, int len) {
        byte[] b = n.toByteArray();
        int start = b.length > len && b[0] == 0 ? 1 : 0;
        if (b.length - start > len) {
            return null;
        }
        byte[] out = new byte[len];
        System.arraycopy(b, start, out, len - (b.length - start), b.length - start);
        return out;
    }

    /** DER {@code SEQUENCE { INTEGER r, INTEGER s }} to fixed-size R||S. */
    static byte[] derToConcat(byte[] der, int outLength) throws java.security.SignatureException {
        int half = outLength / 2;
        int[] pos = {0};
        if (der.length < 8 || der[pos[0]++] != 0x30) {
            throw new java.security.SignatureException("not a DER ECDSA signature");
        }
        int seqLen = derLength(der, pos);
        if (pos[0] + seqLen != der.length) {
            throw new java.security.SignatureException("bad DER sequence length");
        }
        byte[] out = new byte[outLength];
        for (int i = 0; i < 2; i++) {
            if (der[pos[0]++] != 0x02) {
                throw new java.security.SignatureException("not a DER INTEGER");
            }
            int len = derLength(der, pos);
            int start = pos[0];
            int end = start + len;
            while (start < end - 1 && der[start] == 0) {
                start++;
            }
            int n = end - start;
            if (n > half) {
                throw new java.security.SignatureException("integer too long");
            }
            System.arraycopy(der, start, out, i * half + half - n, n);
            pos[0] = end;
        }
        return out;
    }

    private static int derLength(byte[] der, int[] pos) throws java.security.SignatureException {
        int b = der[pos[0]++] & 0xFF;
        if (b < 0x80) {
            return b;
        }
        int n = b & 0x7F;
        if (n < 1 || n > 2) {
            throw new java.security.SignatureException("bad DER length");
        }
        int len = 0;
        for (int i = 0; i < n; i++) {
            len = (len << 8) | (der[pos[0]++] & 0xFF);
        }
        return len;
    }

    /** Fixed-size R||S to DER {@code SEQUENCE { INTEGER r, INTEGER s }}. */
    static byte[] concatToDer(byte[] concat) {
        int half = concat.length / 2;
        byte[] r = new BigInteger(1, Arrays.copyOfRange(concat, 0, half)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(concat, half, concat.length)).toByteArray();
        int body = 2 + r.length + 2 + s.length + (r.length >= 128 ? 1 : 0) + (s.length >= 128 ? 1 : 0);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body + 3);
        out.write(0x30);
        writeLength(out, body);
        out.write(0x02);
        writeLength(out, r.length);
        out.write(r, 0, r.length);
        out.write(0x02);
        writeLength(out, s.length);
        out.write(s, 0, s.length);
        return out.toByteArray();
    }

    private static void writeLength(java.io.ByteArrayOutputStream out, int len) {
        if (len >= 128) {
            out.write(0x81);
        }
        out.write(len);
    }
}

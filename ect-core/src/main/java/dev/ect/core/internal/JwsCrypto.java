package dev.ect.core.internal;

import dev.ect.core.EctAlgorithm;
import java.math.BigInteger;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jwa.AlgorithmFactoryFactory;
import org.jose4j.jwa.CryptoPrimitive;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.lang.JoseException;

/**
 * The signature operations, through jose4j's JWS algorithm implementations and a
 * {@link ProviderContext}. Adds the checks every verifier should make before the JCA call:
 * key type and curve match the {@code alg}; ECDSA signatures are exactly R||S of the curve's
 * size with 0 &lt; r, s &lt; n (the CVE-2022-21449 class of bug); no DER form accepted.
 */
public final class JwsCrypto {
    private final ProviderContext providerContext;
    private final Map<EctAlgorithm, JsonWebSignatureAlgorithm> algs = new EnumMap<>(EctAlgorithm.class);

    public JwsCrypto(ProviderContext providerContext) {
        this.providerContext = providerContext;
        for (EctAlgorithm a : EctAlgorithm.values()) {
            try {
                algs.put(a, AlgorithmFactoryFactory.getInstance().getJwsAlgorithmFactory().getAlgorithm(a.jwaName()));
            } catch (JoseException e) {
                throw new IllegalStateException("jose4j lacks " + a, e);
            }
        }
    }

    public JwsCrypto() { this(new ProviderContext()); }

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

    /** Signs the JWS signing input. */
    public byte[] sign(EctAlgorithm alg, PrivateKey key, byte[] signingInput) {
        if (!keyFits(alg, key)) {
            throw new IllegalArgumentException("the signing key does not fit " + alg);
        }
        try {
            JsonWebSignatureAlgorithm a = algs.get(alg);
            CryptoPrimitive p = a.prepareForSign(key, providerContext);
            return a.sign(p, signingInput);
        } catch (JoseException e) {
            throw new IllegalStateException("signing failed: " + e.getMessage(), e);
        }
    }

    /** Verifies; false for any signature that is not exactly right. */
    public boolean verify(EctAlgorithm alg, PublicKey key, byte[] signingInput, byte[] signature) {
        if (!keyFits(alg, key)) {
            return false;
        }
        if (alg.isEcdsa()) {
            BigInteger n = ((ECKey) key).getParams().getOrder();
            int half = alg.signatureLength() / 2;
            if (signature.length != alg.signatureLength()) {
                return false;
            }
            BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, half));
            BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, half, signature.length));
            if (r.signum() == 0 || s.signum() == 0 || r.compareTo(n) >= 0 || s.compareTo(n) >= 0) {
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
            return algs.get(alg).verifySignature(signature, key, signingInput, providerContext);
        } catch (JoseException | RuntimeException e) {
            return false;
        }
    }
}

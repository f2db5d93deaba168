package dev.ect.core;

import java.util.Locale;

/**
 * The JWS algorithms this library can sign and verify (profile H-03). {@code none}, {@code HS*}
 * and {@code RS*} are deliberately absent: they can never be enabled.
 */
public enum EctAlgorithm {
    /** ECDSA P-256 with SHA-256; the default and the only algorithm allowed unless configured. */
    ES256("ES256", 64),
    ES384("ES384", 96),
    ES512("ES512", 132),
    /** EdDSA with Ed25519. */
    EDDSA("EdDSA", 64),
    /** RSASSA-PSS with SHA-256 (RSA keys of at least 2048 bits). */
    PS256("PS256", -1);

    private final String jwaName;
    private final int signatureLength;

    EctAlgorithm(String jwaName, int signatureLength) {
        this.jwaName = jwaName;
        this.signatureLength = signatureLength;
    }

    /** The JWA name written to the {@code alg} header, e.g. {@code "ES256"}. */
    public String jwaName() { return jwaName; }

    /** Fixed signature length in bytes, or -1 when it depends on the key (RSA). */
    public int signatureLength() { return signatureLength; }

    /** True for the ECDSA family. */
    public boolean isEcdsa() { return signatureLength > 0 && this != EDDSA; }

    /** Exact (case-sensitive) lookup of a JWA {@code alg} value; null when not supported. */
    public static EctAlgorithm fromJwaName(String alg) {
        for (EctAlgorithm a : Holder.ALL) { // values() clones its array on every call
            if (a.jwaName.equals(alg)) {
                return a;
            }
        }
        return null;
    }

    /** Lenient lookup for configuration ({@code es256}, {@code EdDSA}, {@code ed25519}). */
    public static EctAlgorithm parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.equals("ED25519")) {
            return EDDSA;
        }
        for (EctAlgorithm a : values()) {
            if (a.jwaName.toUpperCase(Locale.ROOT).equals(n)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unsupported algorithm '" + name
                + "' (supported: ES256, ES384, ES512, EdDSA, PS256; none, HS* and RS* are never allowed)");
    }

    @Override
    public String toString() { return jwaName; }

    private static final class Holder {
        static final EctAlgorithm[] ALL = values();
    }
}

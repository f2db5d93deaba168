package dev.ect.core.tlog.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/** Ed25519 key encodings of C2SP signed-note: raw keys, key ids, verifier keys. */
public final class NoteKeys {
    /** The signed-note signature type of Ed25519. */
    public static final byte ED25519 = 0x01;
    /** The DER prefix of an X.509 SubjectPublicKeyInfo holding an Ed25519 key (RFC 8410). */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private NoteKeys() {}

    /** The 32-byte RFC 8032 encoding of an Ed25519 public key. */
    public static byte[] raw(PublicKey key) {
        byte[] enc = key.getEncoded();
        if (!"Ed25519".equalsIgnoreCase(key.getAlgorithm()) && !"EdDSA".equalsIgnoreCase(key.getAlgorithm())
                || enc == null || enc.length != 44 || !Arrays.equals(enc, 0, 12, SPKI_PREFIX, 0, 12)) {
            throw new IllegalArgumentException("not an Ed25519 public key");
        }
        return Arrays.copyOfRange(enc, 12, 44);
    }

    /** The JCA public key for a 32-byte Ed25519 key. */
    public static PublicKey fromRaw(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
        }
        byte[] enc = Arrays.copyOf(SPKI_PREFIX, 44);
        System.arraycopy(raw, 0, enc, 12, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(enc));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte key)[:4]. */
    public static byte[] keyId(String name, byte[] raw) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(name.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0x0A);
            md.update(ED25519);
            md.update(raw);
            return Arrays.copyOf(md.digest(), 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}

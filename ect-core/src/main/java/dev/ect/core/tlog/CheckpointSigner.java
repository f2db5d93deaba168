package dev.ect.core.tlog;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.tlog.internal.NoteKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Objects;

/**
 * Signs checkpoints with the ledger's own Ed25519 key (profile L-07), as C2SP
 * {@code signed-note}s: the checkpoint text, a blank line, and one signature line
 *
 * <pre>— &lt;name&gt; base64(key id ‖ Ed25519 signature of the text)</pre>
 *
 * where the key name is the checkpoint's origin and key id = the first 4 bytes of
 * SHA-256(name ‖ 0x0A ‖ 0x01 ‖ the 32-byte public key). Anyone holding
 * {@link #verifierKey()} (or the public JWKS) can check it with {@link CheckpointVerifier} or any
 * signed-note tool. Immutable, thread-safe; {@link #toString()} prints no key material.
 */
public final class CheckpointSigner {
    private final String name;
    private final PrivateKey privateKey;
    private final byte[] raw;
    private final byte[] keyId;

    private CheckpointSigner(String name, EctKeyPair key) {
        this.name = Checkpoint.requireKeyName(name, "origin");
        Objects.requireNonNull(key, "key");
        if (key.algorithm() != EctAlgorithm.EDDSA) {
            throw new IllegalArgumentException("a checkpoint key is an Ed25519 (EdDSA) key, not " + key.algorithm());
        }
        this.privateKey = key.privateKey();
        this.raw = NoteKeys.raw(key.publicKey());
        this.keyId = NoteKeys.keyId(name, raw);
    }

    /**
     * A signer for the log {@code origin} (also the note's key name).
     *
     * @param key an Ed25519 key pair, e.g. {@code EctKeys.generate(EctAlgorithm.EDDSA, kid)}
     * @throws IllegalArgumentException when the key is not Ed25519 or the origin holds spaces or '+'
     */
    public static CheckpointSigner of(String origin, EctKeyPair key) { return new CheckpointSigner(origin, key); }

    /** A signer from a private JWK of an Ed25519 key (as written by {@code ect keygen --alg EdDSA}). */
    public static CheckpointSigner fromPrivateJwk(String origin, String jwk) {
        return new CheckpointSigner(origin, EctKeys.fromPrivateJwk(jwk));
    }

    /** The key name and origin. */
    public String origin() { return name; }

    /** The signed-note verifier key {@code <name>+<hex key id>+<base64(0x01 ‖ key)>}. */
    public String verifierKey() { return CheckpointVerifier.verifierKey(name, raw); }

    /** The verifier of this signer's checkpoints. */
    public CheckpointVerifier verifier() { return CheckpointVerifier.parse(verifierKey()); }

    /**
     * Signs a checkpoint of this origin.
     *
     * @return the signed note: the checkpoint text, {@code \n}, the signature line ending in {@code \n}
     * @throws IllegalArgumentException when the checkpoint's origin is not this signer's
     */
    public String sign(Checkpoint checkpoint) {
        if (!checkpoint.origin().equals(name)) {
            throw new IllegalArgumentException("the checkpoint's origin " + checkpoint.origin() + " is not " + name);
        }
        String text = checkpoint.text();
        byte[] sig;
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(text.getBytes(StandardCharsets.UTF_8));
            sig = s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
        }
        byte[] all = new byte[4 + sig.length];
        System.arraycopy(keyId, 0, all, 0, 4);
        System.arraycopy(sig, 0, all, 4, sig.length);
        return text + "\n\u2014 " + name + " " + Base64.getEncoder().encodeToString(all) + "\n";
    }

    @Override
    public String toString() { return "CheckpointSigner{" + name + "}"; }
}

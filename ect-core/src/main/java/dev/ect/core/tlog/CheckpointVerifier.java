package dev.ect.core.tlog;

import dev.ect.core.keys.EctKeys;
import dev.ect.core.tlog.internal.NoteKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a signed checkpoint (profile L-07): a C2SP {@code signed-note} whose text is a
 * {@link Checkpoint} and which carries a valid Ed25519 signature of this key. Immutable,
 * thread-safe.
 *
 * <p>Following the signed-note rules: the note is UTF-8 without control characters other than
 * newline; the text ends at the last blank line; each signature line is
 * <code>— &lt;name&gt; base64(key id ‖ signature)</code>; lines of other keys (another name or
 * another key id) are ignored; a line of this key that does not verify rejects the note; a note
 * without a line of this key is rejected. The checkpoint's origin must equal the key name.
 * At most 16 signature lines and 64 KiB are read.
 */
public final class CheckpointVerifier {
    /** Most signature lines read from a note. */
    public static final int MAX_SIGNATURES = 16;
    /** Largest note read, in characters. */
    public static final int MAX_NOTE_CHARS = 64 * 1024;

    private final String name;
    private final byte[] raw;
    private final byte[] keyId;
    private final PublicKey key;

    private CheckpointVerifier(String name, byte[] raw) {
        this.name = Checkpoint.requireKeyName(name, "key name");
        this.raw = raw.clone();
        this.keyId = NoteKeys.keyId(name, raw);
        this.key = NoteKeys.fromRaw(raw);
    }

    /** A verifier for the key {@code name} (the log's origin) and an Ed25519 public key. */
    public static CheckpointVerifier of(String name, PublicKey ed25519) {
        return new CheckpointVerifier(name, NoteKeys.raw(Objects.requireNonNull(ed25519, "key")));
    }

    /**
     * A verifier from a JWKS document holding exactly one Ed25519 ({@code OKP}) key, e.g. the
     * public file of {@code ect keygen --alg EdDSA}.
     *
     * @throws IllegalArgumentException when the document does not hold exactly one Ed25519 key
     */
    public static CheckpointVerifier fromJwks(String name, String jwks) {
        Map<String, PublicKey> keys = EctKeys.parseJwks(jwks);
        List<PublicKey> ed = new ArrayList<>();
        for (PublicKey k : keys.values()) {
            if ("Ed25519".equalsIgnoreCase(k.getAlgorithm()) || "EdDSA".equalsIgnoreCase(k.getAlgorithm())) {
                ed.add(k);
            }
        }
        if (ed.size() != 1) {
            throw new IllegalArgumentException("expected exactly one Ed25519 key in the JWKS, found " + ed.size());
        }
        return of(name, ed.get(0));
    }

    /**
     * A verifier from a signed-note verifier key {@code <name>+<hex key id>+<base64(0x01 ‖ key)>}
     * (the form {@link CheckpointSigner#verifierKey()} and {@code ect keygen --alg EdDSA} print).
     *
     * @throws IllegalArgumentException when it is not such a key or its key id does not match
     */
    public static CheckpointVerifier parse(String verifierKey) {
        String v = Objects.requireNonNull(verifierKey, "verifierKey").strip();
        String[] parts = v.split("\\+", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a verifier key is <name>+<hex key id>+<base64 key>");
        }
        byte[] id;
        byte[] key;
        try {
            id = HexFormat.of().parseHex(parts[1]);
            key = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a verifier key is <name>+<hex key id>+<base64 key>: " + e.getMessage());
        }
        if (id.length != 4 || parts[1].length() != 8 || key.length != 33 || key[0] != NoteKeys.ED25519) {
            throw new IllegalArgumentException("not an Ed25519 signed-note verifier key");
        }
        CheckpointVerifier cv = new CheckpointVerifier(parts[0], Arrays.copyOfRange(key, 1, 33));
        if (!Arrays.equals(cv.keyId, id)) {
            throw new IllegalArgumentException("the verifier key's key id does not match its name and key");
        }
        return cv;
    }

    /** The key name (the checkpoints' origin). */
    public String name() { return name; }

    /** This key in the signed-note verifier-key form {@code <name>+<hex key id>+<base64(0x01 ‖ key)>}. */
    public String verifierKey() { return verifierKey(name, raw); }

    static String verifierKey(String name, byte[] raw) {
        byte[] k = new byte[33];
        k[0] = NoteKeys.ED25519;
        System.arraycopy(raw, 0, k, 1, 32);
        return name + "+" + HexFormat.of().formatHex(NoteKeys.keyId(name, raw)) + "+" + Base64.getEncoder().encodeToString(k);
    }

    /**
     * Verifies a signed checkpoint and returns the checkpoint it signs.
     *
     * @throws IllegalArgumentException saying why it is not accepted (malformed note, no
     *     signature of this key, a signature of this key that does not verify, origin not the
     *     key name, malformed checkpoint text)
     */
    public Checkpoint verify(String signedNote) {
        Objects.requireNonNull(signedNote, "signedNote");
        if (signedNote.length() > MAX_NOTE_CHARS) {
            throw new IllegalArgumentException("the note is longer than " + MAX_NOTE_CHARS + " characters");
        }
        for (int i = 0; i < signedNote.length(); i++) {
            char c = signedNote.charAt(i);
            if (c < 0x20 && c != '\n' || c == 0x7F) {
                throw new IllegalArgumentException("the note holds a control character");
            }
        }
        if (!signedNote.endsWith("\n")) {
            throw new IllegalArgumentException("a signed note ends with a newline");
        }
        int sep = signedNote.lastIndexOf("\n\n");
        if (sep < 0) {
            throw new IllegalArgumentException("no blank line between the note text and its signatures");
        }
        String text = signedNote.substring(0, sep + 1);
        String[] sigLines = signedNote.substring(sep + 2, signedNote.length() - 1).split("\n", -1);
        if (sigLines.length > MAX_SIGNATURES) {
            throw new IllegalArgumentException("more than " + MAX_SIGNATURES + " signature lines");
        }
        boolean verified = false;
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        for (String line : sigLines) {
            if (!line.startsWith("\u2014 ")) {
                throw new IllegalArgumentException("a signature line starts with an em dash and a space");
            }
            String rest = line.substring(2);
            int sp = rest.indexOf(' ');
            if (sp <= 0 || rest.indexOf(' ', sp + 1) >= 0) {
                throw new IllegalArgumentException("a signature line is '\u2014 <name> <base64>'");
            }
            byte[] sig;
            try {
                sig = Base64.getDecoder().decode(rest.substring(sp + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a signature is not base64");
            }
            if (sig.length < 4) {
                throw new IllegalArgumentException("a signature is shorter than its key id");
            }
            if (!rest.substring(0, sp).equals(name) || !MessageDigest.isEqual(Arrays.copyOf(sig, 4), keyId)) {
                continue; // another key: ignored
            }
            if (!ed25519(message, Arrays.copyOfRange(sig, 4, sig.length))) {
                throw new IllegalArgumentException("the signature of " + name + " does not verify");
            }
            verified = true;
        }
        if (!verified) {
            throw new IllegalArgumentException("the note carries no signature of " + name);
        }
        Checkpoint c = Checkpoint.parse(text);
        if (!c.origin().equals(name)) {
            throw new IllegalArgumentException("the checkpoint's origin " + c.origin() + " is not the key name " + name);
        }
        return c;
    }

    private boolean ed25519(byte[] message, byte[] sig) {
        if (sig.length != 64) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(message);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() { return "CheckpointVerifier{" + verifierKey() + "}"; }
}

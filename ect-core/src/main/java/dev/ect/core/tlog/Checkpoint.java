package dev.ect.core.tlog;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A ledger's head in the C2SP {@code tlog-checkpoint} format (profile L-07): the note text
 *
 * <pre>
 * &lt;origin&gt;\n
 * &lt;tree size, decimal, no leading zeros&gt;\n
 * &lt;root hash, standard base64&gt;\n
 * </pre>
 *
 * signed as a C2SP {@code signed-note} by {@link CheckpointSigner} and checked by
 * {@link CheckpointVerifier}. The root hash is the RFC 9162 tree over the ledger's first
 * {@code size} entries ({@link Merkle}). Extension lines are neither written nor accepted
 * (the C2SP spec does not recommend them). Immutable.
 *
 * @param origin the log's identity, e.g. {@code ledger.example.com/agent-b}: non-empty, no
 *     whitespace, no {@code +} (so it can also be the note's key name)
 * @param size the number of entries covered
 * @param rootHash the 32-byte root hash (copied)
 */
public record Checkpoint(String origin, long size, byte[] rootHash) {
    /** Checks the fields and copies the hash. */
    public Checkpoint {
        requireKeyName(origin, "origin");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0");
        }
        Objects.requireNonNull(rootHash, "rootHash");
        if (rootHash.length != Merkle.HASH_LENGTH) {
            throw new IllegalArgumentException("rootHash must have 32 bytes");
        }
        rootHash = rootHash.clone();
    }

    /** A copy of the root hash. */
    @Override
    public byte[] rootHash() { return rootHash.clone(); }

    /** The root hash in standard base64 (as on the checkpoint's third line). */
    public String rootHashBase64() { return Base64.getEncoder().encodeToString(rootHash); }

    /** The note text: three lines, each ending in {@code \n}. */
    public String text() { return origin + "\n" + size + "\n" + rootHashBase64() + "\n"; }

    /**
     * Parses a note text (without signatures) strictly: exactly three lines each ending in
     * {@code \n}, a decimal size without leading zeros, a 32-byte base64 root hash.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Checkpoint parse(String text) {
        Objects.requireNonNull(text, "text");
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("a checkpoint ends with a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length != 3) {
            throw new IllegalArgumentException("a checkpoint has 3 lines (origin, size, root hash), not " + lines.length
                    + (lines.length > 3 ? " (extension lines are not accepted)" : ""));
        }
        String size = lines[1];
        if (size.isEmpty() || size.length() > 19 || !size.chars().allMatch(c -> c >= '0' && c <= '9')
                || (size.length() > 1 && size.charAt(0) == '0')) {
            throw new IllegalArgumentException("the tree size is not a decimal number without leading zeros");
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2].getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the root hash is not base64");
        }
        if (root.length != Merkle.HASH_LENGTH || !Base64.getEncoder().encodeToString(root).equals(lines[2])) {
            throw new IllegalArgumentException("the root hash is not the base64 of 32 bytes");
        }
        long n;
        try {
            n = Long.parseLong(size);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the tree size is too large");
        }
        return new Checkpoint(lines[0], n, root);
    }

    /** A key name or origin: non-empty, no whitespace or control character, no {@code +}. */
    static String requireKeyName(String name, String what) {
        Objects.requireNonNull(name, what);
        if (name.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c == '+' || c == 0x7F || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw new IllegalArgumentException(what + " must not contain spaces, control characters or '+'");
            }
        }
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && c.origin.equals(origin) && c.size == size
                && java.util.Arrays.equals(c.rootHash, rootHash);
    }

    @Override
    public int hashCode() { return Objects.hash(origin, size, java.util.Arrays.hashCode(rootHash)); }

    @Override
    public String toString() { return "Checkpoint{" + origin + ", size=" + size + ", root=" + rootHashBase64() + "}"; }
}

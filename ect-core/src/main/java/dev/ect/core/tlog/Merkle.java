package dev.ect.core.tlog;

import dev.ect.core.ledger.LedgerEntry;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The RFC 9162 (section 2.1) Merkle tree hashes of a ledger (profile L-08) and the RFC's two
 * proof verification algorithms (sections 2.1.3.2 and 2.1.4.2).
 *
 * <ul>
 *   <li>leaf hash = SHA-256(0x00 ‖ the entry's canonical bytes of L-02, {@link LedgerEntry#canonicalBytes()});
 *   <li>interior node = SHA-256(0x01 ‖ left ‖ right);
 *   <li>the root of the empty tree = SHA-256 of nothing.
 * </ul>
 *
 * The tree over n entries splits at the largest power of two smaller than n (left: the first k
 * entries, right: the rest), so it is the same tree a Certificate Transparency log would build
 * over the same leaves. Hashes are raw 32-byte arrays; every method copies what it keeps.
 */
public final class Merkle {
    /** Length of every hash: 32 bytes (SHA-256). */
    public static final int HASH_LENGTH = 32;

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    });

    private Merkle() {}

    /** SHA-256 of the empty string: the root hash of a tree of size 0. */
    public static byte[] emptyRoot() {
        MessageDigest md = SHA256.get();
        md.reset();
        return md.digest();
    }

    /** SHA-256(0x00 ‖ data): the hash of a leaf holding {@code data}. */
    public static byte[] leafHash(byte[] data) {
        MessageDigest md = SHA256.get();
        md.reset();
        md.update((byte) 0x00);
        md.update(data);
        return md.digest();
    }

    /** The leaf hash of a ledger entry: SHA-256(0x00 ‖ {@link LedgerEntry#canonicalBytes()}) (L-08). */
    public static byte[] leafHash(LedgerEntry entry) { return leafHash(entry.canonicalBytes()); }

    /** SHA-256(0x01 ‖ left ‖ right): an interior node. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest md = SHA256.get();
        md.reset();
        md.update((byte) 0x01);
        md.update(left);
        md.update(right);
        return md.digest();
    }

    /**
     * The root an inclusion proof leads to (RFC 9162 section 2.1.3.2), or null when the proof is
     * malformed for that index and size (wrong length, index not below the size).
     */
    public static byte[] rootFromInclusion(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> path) {
        Objects.requireNonNull(leafHash, "leafHash");
        Objects.requireNonNull(path, "path");
        if (leafIndex < 0 || leafIndex >= treeSize || leafHash.length != HASH_LENGTH) {
            return null;
        }
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (p == null || p.length != HASH_LENGTH || sn == 0) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    do {
                        fn >>= 1;
                        sn >>= 1;
                    } while ((fn & 1) == 0 && fn != 0);
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    /**
     * Verifies an inclusion proof (RFC 9162 section 2.1.3.2): true when {@code path} proves that
     * the leaf with hash {@code leafHash} is leaf {@code leafIndex} (from 0) of the tree of size
     * {@code treeSize} whose root is {@code rootHash}.
     */
    public static boolean verifyInclusion(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> path, byte[] rootHash) {
        byte[] r = rootFromInclusion(leafIndex, treeSize, leafHash, path);
        return r != null && MessageDigest.isEqual(r, Objects.requireNonNull(rootHash, "rootHash"));
    }

    /**
     * Verifies a consistency proof (RFC 9162 section 2.1.4.2): true when {@code path} proves that
     * the tree of size {@code oldSize} with root {@code oldRoot} is a prefix of the tree of size
     * {@code newSize} with root {@code newRoot}. Sizes equal: the proof must be empty and the roots
     * equal. Old size 0: the proof must be empty (every tree extends the empty one).
     */
    public static boolean verifyConsistency(long oldSize, long newSize, byte[] oldRoot, byte[] newRoot, List<byte[]> path) {
        Objects.requireNonNull(oldRoot, "oldRoot");
        Objects.requireNonNull(newRoot, "newRoot");
        Objects.requireNonNull(path, "path");
        if (oldSize < 0 || oldSize > newSize) {
            return false;
        }
        for (byte[] p : path) {
            if (p == null || p.length != HASH_LENGTH) {
                return false;
            }
        }
        if (oldSize == 0) {
            return path.isEmpty();
        }
        if (oldSize == newSize) {
            return path.isEmpty() && MessageDigest.isEqual(oldRoot, newRoot);
        }
        if (path.isEmpty()) {
            return false;
        }
        List<byte[]> proof = new ArrayList<>(path.size() + 1);
        if (Long.bitCount(oldSize) == 1) {
            proof.add(oldRoot);
        }
        proof.addAll(path);
        long fn = oldSize - 1;
        long sn = newSize - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = proof.get(0);
        byte[] sr = proof.get(0);
        for (int i = 1; i < proof.size(); i++) {
            byte[] c = proof.get(i);
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    do {
                        fn >>= 1;
                        sn >>= 1;
                    } while ((fn & 1) == 0 && fn != 0);
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, oldRoot) && MessageDigest.isEqual(sr, newRoot);
    }
}

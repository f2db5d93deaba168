package dev.ect.core.tlog;

import dev.ect.core.tlog.internal.ProofJson;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9162 consistency proof (section 2.1.4, profile L-08): the tree of size {@code oldSize}
 * is a prefix of the tree of size {@code treeSize}, i.e. the ledger only grew. Empty when the sizes
 * are equal or {@code oldSize} is 0. Immutable; the hashes are copied in and out.
 *
 * <p>JSON form ({@link #toJson()}, {@link #parse(String)}; hashes in standard base64):
 * <pre>{"old_size":m,"tree_size":n,"hashes":["…",…]}</pre>
 *
 * @param oldSize the earlier size
 * @param treeSize the later size
 * @param hashes the proof's hashes
 */
public record ConsistencyProof(long oldSize, long treeSize, List<byte[]> hashes) {
    /** Checks and copies. */
    public ConsistencyProof {
        if (oldSize < 0 || treeSize < oldSize) {
            throw new IllegalArgumentException("oldSize must be >= 0 and <= treeSize");
        }
        hashes = ProofJson.copy(hashes);
    }

    @Override
    public List<byte[]> hashes() { return ProofJson.copy(hashes); }

    /** True when the proof links the two roots (RFC 9162 section 2.1.4.2). */
    public boolean verify(byte[] oldRoot, byte[] newRoot) {
        return Merkle.verifyConsistency(oldSize, treeSize, oldRoot, newRoot, hashes);
    }

    /**
     * True when the proof is for the two checkpoints' sizes, they have the same origin, and the
     * proof links their roots.
     */
    public boolean verify(Checkpoint older, Checkpoint newer) {
        return older.origin().equals(newer.origin()) && older.size() == oldSize && newer.size() == treeSize
                && verify(older.rootHash(), newer.rootHash());
    }

    /** The JSON form (one line, no whitespace). */
    public String toJson() {
        return "{\"old_size\":" + oldSize + ",\"tree_size\":" + treeSize + ",\"hashes\":" + ProofJson.array(hashes) + "}";
    }

    /**
     * Parses the JSON form.
     *
     * @throws IllegalArgumentException when it is not exactly that object
     */
    public static ConsistencyProof parse(String json) {
        Map<String, Object> m = ProofJson.object(Objects.requireNonNull(json, "json"), "old_size", "tree_size", "hashes");
        return new ConsistencyProof(ProofJson.number(m, "old_size"), ProofJson.number(m, "tree_size"),
                ProofJson.hashes(m, "hashes"));
    }

    @Override
    public boolean equals(Object o) { return o instanceof ConsistencyProof p && p.toJson().equals(toJson()); }

    @Override
    public int hashCode() { return toJson().hashCode(); }

    @Override
    public String toString() { return "ConsistencyProof" + toJson(); }
}

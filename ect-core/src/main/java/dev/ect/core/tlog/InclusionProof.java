package dev.ect.core.tlog;

import dev.ect.core.tlog.internal.ProofJson;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9162 inclusion proof (section 2.1.3, profile L-08): leaf {@code leafIndex} (from 0; the
 * ledger entry with {@code seq = leafIndex + 1}) with hash {@code leafHash} is in the tree of size
 * {@code treeSize}. Immutable; the hashes are copied in and out.
 *
 * <p>JSON form ({@link #toJson()}, {@link #parse(String)}; hashes in standard base64):
 * <pre>{"leaf_index":i,"tree_size":n,"leaf_hash":"…","hashes":["…",…]}</pre>
 *
 * @param leafIndex the leaf's index, from 0
 * @param treeSize the size of the tree the proof is for
 * @param leafHash the leaf's hash ({@link Merkle#leafHash(dev.ect.core.ledger.LedgerEntry)})
 * @param hashes the audit path, from the leaf up
 */
public record InclusionProof(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> hashes) {
    /** Checks and copies. */
    public InclusionProof {
        if (leafIndex < 0 || treeSize <= leafIndex) {
            throw new IllegalArgumentException("leafIndex must be >= 0 and < treeSize");
        }
        leafHash = ProofJson.hash(leafHash, "leafHash");
        hashes = ProofJson.copy(hashes);
    }

    @Override
    public byte[] leafHash() { return leafHash.clone(); }

    @Override
    public List<byte[]> hashes() { return ProofJson.copy(hashes); }

    /** True when the proof leads to {@code rootHash} (RFC 9162 section 2.1.3.2). */
    public boolean verify(byte[] rootHash) {
        return Merkle.verifyInclusion(leafIndex, treeSize, leafHash, hashes, rootHash);
    }

    /** True when the proof is for the checkpoint's size and leads to its root hash. */
    public boolean verify(Checkpoint checkpoint) {
        return checkpoint.size() == treeSize && verify(checkpoint.rootHash());
    }

    /** True when this proof is about exactly this leaf hash (compared in constant time). */
    public boolean isFor(byte[] leaf) { return MessageDigest.isEqual(leafHash, leaf); }

    /** The JSON form (one line, no whitespace). */
    public String toJson() {
        return "{\"leaf_index\":" + leafIndex + ",\"tree_size\":" + treeSize + ",\"leaf_hash\":\"" + ProofJson.b64(leafHash)
                + "\",\"hashes\":" + ProofJson.array(hashes) + "}";
    }

    /**
     * Parses the JSON form.
     *
     * @throws IllegalArgumentException when it is not exactly that object
     */
    public static InclusionProof parse(String json) {
        Map<String, Object> m = ProofJson.object(Objects.requireNonNull(json, "json"),
                "leaf_index", "tree_size", "leaf_hash", "hashes");
        return new InclusionProof(ProofJson.number(m, "leaf_index"), ProofJson.number(m, "tree_size"),
                ProofJson.hash(m, "leaf_hash"), ProofJson.hashes(m, "hashes"));
    }

    @Override
    public boolean equals(Object o) { return o instanceof InclusionProof p && p.toJson().equals(toJson()); }

    @Override
    public int hashCode() { return toJson().hashCode(); }

    @Override
    public String toString() { return "InclusionProof" + toJson(); }
}

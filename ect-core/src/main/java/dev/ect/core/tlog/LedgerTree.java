package dev.ect.core.tlog;

import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.ledger.LedgerReader;
import dev.ect.core.tlog.internal.HashTree;
import dev.ect.core.tlog.internal.RootStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The RFC 9162 Merkle tree over a ledger's entries in sequence order (profile L-07, L-08): root
 * hashes and signed checkpoints at any size, inclusion proofs for any entry and consistency proofs
 * between any two sizes. Thread-safe.
 *
 * <h2>Storage: the tree file</h2>
 *
 * The tree's complete-subtree hashes are kept in a <em>tree file</em> next to the ledger (by
 * default {@code <ledger file>.tree}, {@link #defaultTreeFile(Path)}), 32 raw bytes per hash in
 * post-order: each entry adds its leaf hash and the interior nodes it completes, so the file only
 * grows at its end, by 32 × (1 + the number of trailing one bits of the entry's index) bytes,
 * {@code 32 × (2n − bitCount(n))} bytes for n entries (about 64 bytes per entry, 64 MB for a
 * million). A root or a proof then costs O(log n) reads; nothing of the ledger is held in memory.
 * Without a tree file ({@code null}) the same hashes are kept in memory.
 *
 * <p>The tree file is derived data, but it is also evidence: when a tree is opened, every stored
 * leaf hash is compared with the ledger's entry and the stored root with one recomputed from the
 * leaves. A ledger entry that differs from the tree (a rewritten or reordered entry, even with its
 * hash chain recomputed) or a ledger shorter than the tree (a truncated tail) is refused with a
 * {@link LedgerTreeException} naming the first entry that differs; nothing is overwritten. A torn
 * last node (a crash while appending) is cut back and recomputed.
 *
 * <pre>{@code
 * try (LedgerTree tree = LedgerTree.open(ledger, LedgerTree.defaultTreeFile(ledger.path()))) {
 *     String note = tree.signedCheckpoint(CheckpointSigner.fromPrivateJwk("ledger.example.com/b", jwk));
 *     InclusionProof p = tree.inclusionProof(0);   // entry seq 1
 * }
 * }</pre>
 */
public final class LedgerTree implements AutoCloseable {
    private final HashTree tree;
    private final AuditLedger ledger;

    private LedgerTree(HashTree tree, AuditLedger ledger) {
        this.tree = tree;
        this.ledger = ledger;
    }

    /** {@code <ledger file name>.tree} in the ledger file's directory. */
    public static Path defaultTreeFile(Path ledgerFile) {
        Path name = ledgerFile.getFileName();
        return ledgerFile.resolveSibling((name == null ? "ledger" : name.toString()) + ".tree");
    }

    /**
     * The tree of a live ledger: it follows the ledger, adding the entries appended since the last
     * call whenever it is asked something.
     *
     * @param treeFile the tree file (created when absent), or null to keep the tree in memory
     * @throws LedgerTreeException when the ledger does not fit the tree file (see the class comment)
     * @throws IOException when the tree file cannot be opened
     */
    public static LedgerTree open(AuditLedger ledger, Path treeFile) throws IOException {
        Objects.requireNonNull(ledger, "ledger cannot be null");
        HashTree t = treeFile == null ? HashTree.inMemory() : HashTree.file(treeFile, false);
        try {
            Sync s = new Sync(t);
            long from = 1;
            while (true) {
                List<LedgerEntry> page = ledger.entries(from, 1024);
                for (LedgerEntry e : page) {
                    s.accept(e);
                }
                if (page.size() < 1024) {
                    break;
                }
                from += page.size();
            }
            s.finish(ledger.toString());
            return new LedgerTree(t, ledger);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /**
     * The tree of a ledger file as it is now, read entry by entry (never held in memory); for
     * tools. The file's chain is checked on the way (L-04).
     *
     * @param treeFile the tree file (created when absent), or null to keep the tree in memory
     * @param visitor sees every entry in order (may be null), e.g. to find one by {@code jti}
     * @throws LedgerTreeException when the chain is broken, or the ledger does not fit the tree file
     * @throws IOException when a file cannot be read or written
     */
    public static LedgerTree openFile(Path ledgerFile, Path treeFile, Consumer<LedgerEntry> visitor) throws IOException {
        Objects.requireNonNull(ledgerFile, "ledgerFile cannot be null");
        HashTree t = treeFile == null ? HashTree.inMemory() : HashTree.file(treeFile, false);
        try {
            Sync s = new Sync(t);
            ChainVerification v = LedgerReader.read(ledgerFile, e -> {
                s.accept(e);
                if (visitor != null) {
                    visitor.accept(e);
                }
            });
            if (!v.ok()) {
                throw new LedgerTreeException("ledger " + ledgerFile + ": " + v, v.brokenSeq().orElse(-1));
            }
            s.finish(ledgerFile.toString());
            return new LedgerTree(t, null);
        } catch (RuntimeException | IOException e) {
            t.close();
            throw e;
        }
    }

    /** Compares the stored leaves with the ledger's, appends the new ones, checks the root. */
    private static final class Sync {
        private static final String CHANGED = "the tree file's interior hashes do not match its leaves: it was changed; "
                + "delete it to rebuild";
        private final HashTree t;
        private final RootStack stack = new RootStack();
        private final long stored;

        Sync(HashTree t) {
            this.t = t;
            this.stored = t.size();
        }

        void accept(LedgerEntry e) {
            long i = stack.size();
            byte[] leaf = Merkle.leafHash(e);
            if (i < stored) {
                if (!MessageDigest.isEqual(t.leaf(i), leaf)) {
                    throw new LedgerTreeException("ledger entry " + e.seq() + " is not the entry the tree file recorded at "
                            + "that position: the ledger was rewritten or reordered from entry " + e.seq() + " on", e.seq());
                }
                if (!t.matches(i, leaf)) {
                    throw new LedgerTreeException(CHANGED, -1);
                }
            } else {
                t.append(leaf);
            }
            stack.push(leaf);
        }

        void finish(String what) {
            long n = stack.size();
            if (n < stored) {
                throw new LedgerTreeException(what + " holds " + n + " entries but its tree file recorded " + stored
                        + ": the ledger lost " + (n + 1 == stored ? "entry " + stored : "entries " + (n + 1) + ".." + stored)
                        + " (truncated)", n + 1);
            }
            if (!MessageDigest.isEqual(t.root(n), stack.root())) {
                throw new LedgerTreeException(CHANGED, -1);
            }
            t.flush();
        }
    }

    private void follow() {
        if (ledger == null) {
            return;
        }
        while (true) {
            List<LedgerEntry> page = ledger.entries(tree.size() + 1, 1024);
            for (LedgerEntry e : page) {
                if (e.seq() != tree.size() + 1) {
                    throw new LedgerTreeException("ledger entry " + e.seq() + " does not follow " + tree.size(), e.seq());
                }
                tree.append(Merkle.leafHash(e));
            }
            if (page.size() < 1024) {
                return;
            }
        }
    }

    /** The number of entries in the tree (for a live ledger: after adding the new ones). */
    public synchronized long size() {
        follow();
        return tree.size();
    }

    /** The root hash of the tree of the first {@code size} entries. */
    public synchronized byte[] rootHash(long size) {
        follow();
        return tree.root(size);
    }

    /** The checkpoint of the whole tree, unsigned. */
    public synchronized Checkpoint checkpoint(String origin) {
        follow();
        return new Checkpoint(origin, tree.size(), tree.root(tree.size()));
    }

    /** The checkpoint of the whole tree signed by {@code signer} (its origin), as a signed note (L-07). */
    public String signedCheckpoint(CheckpointSigner signer) { return signer.sign(checkpoint(signer.origin())); }

    /**
     * The inclusion proof of an entry in the whole tree, e.g. of {@code ledger.findEntries(jti)}:
     * leaf {@code entry.seq() - 1}, which must be this very entry.
     *
     * @throws IllegalArgumentException when the entry is not in the tree, or the tree holds another
     *     entry at its position
     */
    public synchronized InclusionProof inclusionProof(LedgerEntry entry) {
        follow();
        long i = entry.seq() - 1;
        if (i < 0 || i >= tree.size() || !MessageDigest.isEqual(tree.leaf(i), Merkle.leafHash(entry))) {
            throw new IllegalArgumentException("entry " + entry.seq() + " (jti " + entry.jti() + ") is not in the tree");
        }
        return inclusionProof(i, tree.size());
    }

    /** The inclusion proof of leaf {@code leafIndex} (entry seq {@code leafIndex + 1}) in the whole tree. */
    public synchronized InclusionProof inclusionProof(long leafIndex) {
        follow();
        return inclusionProof(leafIndex, tree.size());
    }

    /**
     * The inclusion proof of leaf {@code leafIndex} in the tree of size {@code treeSize}.
     *
     * @throws IllegalArgumentException when the leaf is not in a tree of that size or the tree is smaller
     */
    public synchronized InclusionProof inclusionProof(long leafIndex, long treeSize) {
        follow();
        return new InclusionProof(leafIndex, treeSize, tree.leaf(leafIndex), tree.inclusion(leafIndex, treeSize));
    }

    /** The consistency proof from size {@code oldSize} to the whole tree. */
    public synchronized ConsistencyProof consistencyProof(long oldSize) {
        follow();
        return consistencyProof(oldSize, tree.size());
    }

    /**
     * The consistency proof from size {@code oldSize} to {@code treeSize}.
     *
     * @throws IllegalArgumentException when {@code oldSize > treeSize} or the tree is smaller
     */
    public synchronized ConsistencyProof consistencyProof(long oldSize, long treeSize) {
        follow();
        return new ConsistencyProof(oldSize, treeSize, tree.consistency(oldSize, treeSize));
    }

    /** Forces and closes the tree file. The ledger is not closed. */
    @Override
    public synchronized void close() {
        try {
            tree.flush();
        } catch (UncheckedIOException e) {
            // closing anyway
        } finally {
            tree.close();
        }
    }
}

package dev.ect.core.tlog.internal;

import dev.ect.core.tlog.Merkle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The complete-subtree hashes of an RFC 9162 tree, stored in post-order: after leaf {@code i}
 * come the interior nodes that leaf completes (as many as {@code i} has trailing one bits). So the
 * store only ever grows at its end, and n leaves take exactly {@code 2n - bitCount(n)} hashes of
 * 32 bytes (about 64 bytes per entry). The node of level {@code k} (size 2^k) and index {@code j}
 * sits right after its last leaf {@code L = (j+1)·2^k - 1}, at {@code 2L - bitCount(L) + k}.
 *
 * <p>Any subtree hash, root or proof needs O(log n) reads: a tree of size m splits into at most
 * log m complete subtrees, each one stored hash. Not thread-safe; {@code LedgerTree} locks.
 */
public abstract class HashTree implements AutoCloseable {
    private long leaves;

    /** Number of leaves. */
    public final long size() { return leaves; }

    /** Number of stored hashes for {@code n} leaves. */
    public static long nodesFor(long n) { return 2 * n - Long.bitCount(n); }

    /** Position of the node of level {@code k} whose leaves start at {@code start}. */
    static long position(int level, long start) {
        long last = start + (1L << level) - 1;
        return 2 * last - Long.bitCount(last) + level;
    }

    protected abstract long storedNodes();

    protected abstract byte[] read(long position);

    protected abstract void write(long position, byte[] hash);

    protected abstract void truncateNodes(long nodes);

    /** Sets the leaf count from what is stored, dropping a torn tail of interior nodes. */
    protected final void init() {
        long nodes = storedNodes();
        long n = Math.max(0, nodes / 2);
        while (nodesFor(n + 1) <= nodes) {
            n++;
        }
        while (n > 0 && nodesFor(n) > nodes) {
            n--;
        }
        if (nodesFor(n) != nodes) {
            truncateNodes(nodesFor(n));
        }
        leaves = n;
    }

    /** Appends a leaf and the interior nodes it completes. */
    public final void append(byte[] leafHash) {
        if (leafHash.length != Merkle.HASH_LENGTH) {
            throw new IllegalArgumentException("a leaf hash has 32 bytes");
        }
        long i = leaves;
        long pos = nodesFor(i);
        write(pos++, leafHash);
        byte[] h = leafHash;
        for (int k = 1; ((i >> (k - 1)) & 1) == 1; k++) {
            long start = ((i >> k) << k); // first leaf of the new level-k node
            byte[] left = read(position(k - 1, start));
            h = Merkle.nodeHash(left, h);
            write(pos++, h);
        }
        leaves = i + 1;
    }

    /**
     * True when the stored leaf {@code i} is {@code leafHash} and the interior nodes it completes
     * are the hashes of their (stored) children. Checking leaves 0, 1, ... in order this way checks
     * every stored hash.
     */
    public final boolean matches(long i, byte[] leafHash) {
        check(i >= 0 && i < leaves, "leaf " + i + " is not in a tree of " + leaves);
        long pos = nodesFor(i);
        if (!java.security.MessageDigest.isEqual(read(pos++), leafHash)) {
            return false;
        }
        byte[] h = leafHash;
        for (int k = 1; ((i >> (k - 1)) & 1) == 1; k++) {
            long start = ((i >> k) << k);
            h = Merkle.nodeHash(read(position(k - 1, start)), h);
            if (!java.security.MessageDigest.isEqual(read(pos++), h)) {
                return false;
            }
        }
        return true;
    }

    /** Drops every leaf from {@code n} on. */
    public final void truncate(long n) {
        if (n < leaves) {
            truncateNodes(nodesFor(n));
            leaves = n;
        }
    }

    /** The hash of leaf {@code i} (from 0). */
    public final byte[] leaf(long i) {
        check(i < leaves && i >= 0, "leaf " + i + " is not in a tree of " + leaves);
        return read(position(0, i));
    }

    /** The root of the tree of the first {@code m} leaves. */
    public final byte[] root(long m) {
        check(m >= 0 && m <= leaves, "size " + m + " is larger than the tree (" + leaves + ")");
        return m == 0 ? Merkle.emptyRoot() : subtree(0, m);
    }

    /** MTH of leaves {@code [start, start+n)}; {@code start} is a multiple of the smallest power of 2 ≥ n. */
    private byte[] subtree(long start, long n) {
        if (Long.bitCount(n) == 1) {
            return read(position(Long.numberOfTrailingZeros(n), start));
        }
        long k = Long.highestOneBit(n - 1);
        return Merkle.nodeHash(subtree(start, k), subtree(start + k, n - k));
    }

    /** RFC 9162 section 2.1.3.1: PATH(i, D[0:m]). */
    public final List<byte[]> inclusion(long i, long m) {
        check(m <= leaves && i >= 0 && i < m, "leaf " + i + " is not in a tree of size " + m + " (have " + leaves + ")");
        List<byte[]> out = new ArrayList<>();
        path(i, 0, m, out);
        return out;
    }

    private void path(long i, long start, long n, List<byte[]> out) {
        if (n <= 1) {
            return;
        }
        long k = Long.highestOneBit(n - 1);
        if (i < k) {
            path(i, start, k, out);
            out.add(subtree(start + k, n - k));
        } else {
            path(i - k, start + k, n - k, out);
            out.add(subtree(start, k));
        }
    }

    /** RFC 9162 section 2.1.4.1: PROOF(m, D[0:n]); empty for m = 0 or m = n. */
    public final List<byte[]> consistency(long m, long n) {
        check(m >= 0 && m <= n && n <= leaves, "no consistency proof from " + m + " to " + n + " (have " + leaves + ")");
        List<byte[]> out = new ArrayList<>();
        if (m > 0 && m < n) {
            subproof(m, 0, n, true, out);
        }
        return out;
    }

    private void subproof(long m, long start, long n, boolean whole, List<byte[]> out) {
        if (m == n) {
            if (!whole) {
                out.add(subtree(start, n));
            }
            return;
        }
        long k = Long.highestOneBit(n - 1);
        if (m <= k) {
            subproof(m, start, k, whole, out);
            out.add(subtree(start + k, n - k));
        } else {
            subproof(m - k, start + k, n - k, false, out);
            out.add(subtree(start, k));
        }
    }

    private static void check(boolean ok, String why) {
        if (!ok) {
            throw new IllegalArgumentException(why);
        }
    }

    /** Forces what was written (a no-op in memory). */
    public void flush() {}

    @Override
    public void close() {}

    /** A tree held in memory. */
    public static HashTree inMemory() {
        HashTree t = new HashTree() {
            private byte[][] nodes = new byte[64][];
            private long count;

            @Override
            protected long storedNodes() { return count; }

            @Override
            protected byte[] read(long position) { return nodes[(int) position].clone(); }

            @Override
            protected void write(long position, byte[] hash) {
                if (position >= Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("in-memory tree full; use a tree file");
                }
                if (position >= nodes.length) {
                    nodes = Arrays.copyOf(nodes, (int) Math.min(Integer.MAX_VALUE - 8, nodes.length * 2L));
                }
                nodes[(int) position] = hash.clone();
                count = Math.max(count, position + 1);
            }

            @Override
            protected void truncateNodes(long n) {
                Arrays.fill(nodes, (int) n, (int) count, null);
                count = n;
            }
        };
        t.init();
        return t;
    }

    /**
     * A tree in a file of 32-byte hashes ({@code readOnly}: never written; appends fail). A file
     * whose length is not a whole number of nodes (a torn write) is cut back to the last whole tree
     * when writable; read-only it is read up to there.
     */
    public static HashTree file(Path file, boolean readOnly) throws IOException {
        FileChannel ch = readOnly ? FileChannel.open(file, StandardOpenOption.READ)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
        try {
            FileTree t = new FileTree(ch, readOnly);
            t.init();
            return t;
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static final class FileTree extends HashTree {
        private final FileChannel ch;
        private final boolean readOnly;
        private long count;

        FileTree(FileChannel ch, boolean readOnly) throws IOException {
            this.ch = ch;
            this.readOnly = readOnly;
            this.count = ch.size() / Merkle.HASH_LENGTH;
        }

        @Override
        protected long storedNodes() { return count; }

        @Override
        protected byte[] read(long position) {
            ByteBuffer b = ByteBuffer.allocate(Merkle.HASH_LENGTH);
            long at = position * Merkle.HASH_LENGTH;
            try {
                while (b.hasRemaining()) {
                    int n = ch.read(b, at + b.position());
                    if (n < 0) {
                        throw new IOException("tree file ends before node " + position);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return b.array();
        }

        @Override
        protected void write(long position, byte[] hash) {
            if (readOnly) {
                throw new IllegalStateException("the tree file is read-only here");
            }
            ByteBuffer b = ByteBuffer.wrap(hash);
            long at = position * Merkle.HASH_LENGTH;
            try {
                while (b.hasRemaining()) {
                    ch.write(b, at + b.position());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            count = Math.max(count, position + 1);
        }

        @Override
        protected void truncateNodes(long n) {
            count = n;
            if (readOnly) {
                return;
            }
            try {
                ch.truncate(n * Merkle.HASH_LENGTH);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void flush() {
            if (readOnly) {
                return;
            }
            try {
                ch.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                ch.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

package dev.ect.core.tlog.internal;

import dev.ect.core.tlog.Merkle;
import java.util.ArrayList;
import java.util.List;

/**
 * The root of a growing tree from its leaves in order, keeping only the O(log n) hashes of its
 * complete subtrees (the "compact range" of the left edge). Independent of the stored tree, so it
 * can check it.
 */
public final class RootStack {
    private final List<byte[]> hashes = new ArrayList<>();
    private final List<Long> sizes = new ArrayList<>();
    private long count;

    public void push(byte[] leaf) {
        byte[] h = leaf;
        long s = 1;
        while (!sizes.isEmpty() && sizes.get(sizes.size() - 1) == s) {
            h = Merkle.nodeHash(hashes.remove(hashes.size() - 1), h);
            s += sizes.remove(sizes.size() - 1);
        }
        hashes.add(h);
        sizes.add(s);
        count++;
    }

    public long size() { return count; }

    public byte[] root() {
        if (hashes.isEmpty()) {
            return Merkle.emptyRoot();
        }
        byte[] h = hashes.get(hashes.size() - 1);
        for (int i = hashes.size() - 2; i >= 0; i--) {
            h = Merkle.nodeHash(hashes.get(i), h);
        }
        return h;
    }
}

package dev.ect.core.tlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.tlog.internal.HashTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * L-08: the stored tree's roots and proofs equal those of a deliberately simple RFC 9162
 * implementation written here from the RFC text (MTH, PATH and PROOF/SUBPROOF of section 2.1, by
 * recursion over lists of leaves, with its own SHA-256), for every size 1..64 and every index.
 */
class MerkleReferenceTest {
    static final int MAX = 64;

    @TempDir
    Path dir;

    // ---- the reference: RFC 9162 section 2.1, nothing shared with the code under test ----

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The leaves' data: D[i]. */
    static byte[] data(int i) { return ("entry " + i).getBytes(StandardCharsets.UTF_8); }

    /** k: the largest power of two smaller than n (n > 1). */
    static int split(int n) {
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        return k;
    }

    /** MTH(D[n]). */
    static byte[] mth(List<byte[]> d) {
        int n = d.size();
        if (n == 0) {
            return sha256();
        }
        if (n == 1) {
            return sha256(new byte[] {0}, d.get(0));
        }
        int k = split(n);
        return sha256(new byte[] {1}, mth(d.subList(0, k)), mth(d.subList(k, n)));
    }

    /** PATH(m, D[n]). */
    static List<byte[]> path(int m, List<byte[]> d) {
        int n = d.size();
        List<byte[]> out = new ArrayList<>();
        if (n <= 1) {
            return out;
        }
        int k = split(n);
        if (m < k) {
            out.addAll(path(m, d.subList(0, k)));
            out.add(mth(d.subList(k, n)));
        } else {
            out.addAll(path(m - k, d.subList(k, n)));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    /** SUBPROOF(m, D[n], b). */
    static List<byte[]> subproof(int m, List<byte[]> d, boolean b) {
        int n = d.size();
        List<byte[]> out = new ArrayList<>();
        if (m == n) {
            if (!b) {
                out.add(mth(d));
            }
            return out;
        }
        int k = split(n);
        if (m <= k) {
            out.addAll(subproof(m, d.subList(0, k), b));
            out.add(mth(d.subList(k, n)));
        } else {
            out.addAll(subproof(m - k, d.subList(k, n), false));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    /** PROOF(m, D[n]). */
    static List<byte[]> proof(int m, List<byte[]> d) { return subproof(m, d, true); }

    // ---- the comparison ----

    static List<byte[]> leaves(int n) {
        List<byte[]> d = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            d.add(data(i));
        }
        return d;
    }

    static void fill(HashTree t, int n) {
        for (int i = 0; i < n; i++) {
            t.append(Merkle.leafHash(data(i)));
        }
    }

    static void assertSame(List<byte[]> actual, List<byte[]> expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as(what + " hash " + i).isEqualTo(expected.get(i));
        }
    }

    private void compareAll(HashTree t) {
        List<byte[]> all = leaves(MAX);
        for (int n = 0; n <= MAX; n++) {
            List<byte[]> d = all.subList(0, n);
            byte[] root = mth(d);
            assertThat(t.root(n)).as("MTH of size %d", n).isEqualTo(root);
            for (int i = 0; i < n; i++) {
                List<byte[]> p = path(i, d);
                assertSame(t.inclusion(i, n), p, "PATH(" + i + ", D[" + n + "])");
                byte[] leaf = sha256(new byte[] {0}, d.get(i));
                assertThat(Merkle.verifyInclusion(i, n, leaf, p, root)).as("verify PATH(%d, %d)", i, n).isTrue();
            }
            for (int m = 1; m <= n; m++) {
                List<byte[]> p = proof(m, d);
                assertSame(t.consistency(m, n), p, "PROOF(" + m + ", D[" + n + "])");
                assertThat(Merkle.verifyConsistency(m, n, mth(all.subList(0, m)), root, p))
                        .as("verify PROOF(%d, %d)", m, n).isTrue();
            }
        }
    }

    @Test
    @DisplayName("L-08 roots, inclusion and consistency proofs equal the RFC 9162 reference for sizes 1..64 (in memory)")
    void inMemoryTreeMatchesReference() {
        HashTree t = HashTree.inMemory();
        fill(t, MAX);
        compareAll(t);
    }

    @Test
    @DisplayName("L-08 the same from the tree file, which holds exactly 2n - bitCount(n) hashes")
    void fileTreeMatchesReference() throws IOException {
        Path f = dir.resolve("t.tree");
        try (HashTree t = HashTree.file(f, false)) {
            fill(t, MAX);
            t.flush();
        }
        assertThat(Files.size(f)).isEqualTo(32L * (2 * MAX - Long.bitCount(MAX)));
        try (HashTree t = HashTree.file(f, true)) {
            assertThat(t.size()).isEqualTo(MAX);
            compareAll(t);
        }
    }

    @Test
    @DisplayName("L-08 a tree file grown one leaf at a time and reopened in between has the same hashes")
    void treeFileGrowsByAppending() throws IOException {
        Path f = dir.resolve("g.tree");
        for (int n = 1; n <= 20; n++) {
            try (HashTree t = HashTree.file(f, false)) {
                assertThat(t.size()).isEqualTo(n - 1);
                t.append(Merkle.leafHash(data(n - 1)));
                assertThat(t.root(n)).isEqualTo(mth(leaves(n)));
            }
        }
    }

    @Test
    @DisplayName("L-08 a torn last hash in the tree file is cut back to the last whole tree")
    void tornTreeFileIsCutBack() throws IOException {
        Path f = dir.resolve("torn.tree");
        try (HashTree t = HashTree.file(f, false)) {
            fill(t, 8); // 15 hashes
        }
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 32 - 5)); // lost the root of 8 and part of a node
        try (HashTree t = HashTree.file(f, false)) {
            assertThat(t.size()).isEqualTo(7);
            t.append(Merkle.leafHash(data(7)));
            assertThat(t.root(8)).isEqualTo(mth(leaves(8)));
        }
    }

    @Test
    @DisplayName("L-08 the verifiers refuse every altered proof: a changed hash, index, size, root, a hash too many or too few")
    void verifiersRefuseAlteredProofs() {
        List<byte[]> all = leaves(MAX + 1);
        for (int n = 1; n <= MAX; n++) {
            List<byte[]> d = all.subList(0, n);
            byte[] root = mth(d);
            for (int i = 0; i < n; i++) {
                byte[] leaf = sha256(new byte[] {0}, d.get(i));
                List<byte[]> p = path(i, d);
                for (int j = 0; j < p.size(); j++) {
                    List<byte[]> bad = new ArrayList<>(p);
                    byte[] h = bad.get(j).clone();
                    h[j % 32] ^= 1;
                    bad.set(j, h);
                    assertThat(Merkle.verifyInclusion(i, n, leaf, bad, root)).isFalse();
                }
                List<byte[]> longer = new ArrayList<>(p);
                longer.add(root);
                assertThat(Merkle.verifyInclusion(i, n, leaf, longer, root)).isFalse();
                if (!p.isEmpty()) {
                    assertThat(Merkle.verifyInclusion(i, n, leaf, p.subList(0, p.size() - 1), root)).isFalse();
                }
                // (the size is bound by the root: a checkpoint signs both) the path of size n against the root of n + 1
                assertThat(Merkle.verifyInclusion(i, n + 1, leaf, p, mth(all.subList(0, n + 1)))).isFalse();
                if (n > 1) {
                    assertThat(Merkle.verifyInclusion((i + 1) % n, n, leaf, p, root)).isFalse();
                }
                assertThat(Merkle.verifyInclusion(n, n, leaf, p, root)).isFalse();
            }
            for (int m = 1; m < n; m++) {
                byte[] old = mth(all.subList(0, m));
                List<byte[]> p = proof(m, d);
                for (int j = 0; j < p.size(); j++) {
                    List<byte[]> bad = new ArrayList<>(p);
                    byte[] h = bad.get(j).clone();
                    h[0] ^= 0x80;
                    bad.set(j, h);
                    assertThat(Merkle.verifyConsistency(m, n, old, root, bad)).isFalse();
                }
                assertThat(Merkle.verifyConsistency(m, n, root, root, p)).as("wrong old root").isFalse();
                assertThat(Merkle.verifyConsistency(m, n, old, old, p)).as("wrong new root").isFalse();
                assertThat(Merkle.verifyConsistency(m, n, old, root, List.of())).isFalse();
                assertThat(Merkle.verifyConsistency(m, n + 1, old, mth(all.subList(0, n + 1)), p)).isFalse();
            }
            assertThat(Merkle.verifyConsistency(n, n, root, root, List.of())).isTrue();
            assertThat(Merkle.verifyConsistency(n, n, root, mth(all.subList(0, n - 1)), List.of())).isFalse();
            assertThat(Merkle.verifyConsistency(n + 1, n, root, root, List.of())).isFalse();
        }
    }

    @Test
    @DisplayName("L-08 proofs survive their JSON form")
    void proofsRoundTripThroughJson() {
        HashTree t = HashTree.inMemory();
        fill(t, 13);
        InclusionProof ip = new InclusionProof(5, 13, t.leaf(5), t.inclusion(5, 13));
        InclusionProof back = InclusionProof.parse(ip.toJson());
        assertThat(back).isEqualTo(ip);
        assertThat(back.verify(t.root(13))).isTrue();
        assertThat(ip.toJson()).startsWith("{\"leaf_index\":5,\"tree_size\":13,\"leaf_hash\":\"").contains("\"hashes\":[\"");
        ConsistencyProof cp = new ConsistencyProof(6, 13, t.consistency(6, 13));
        assertThat(ConsistencyProof.parse(cp.toJson())).isEqualTo(cp);
        assertThat(cp.verify(t.root(6), t.root(13))).isTrue();
        assertThat(cp.toJson()).startsWith("{\"old_size\":6,\"tree_size\":13,\"hashes\":[");
    }
}

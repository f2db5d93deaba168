package dev.ect.core.tlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.SignedEct;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.ledger.TestEcts;
import dev.ect.core.tlog.internal.HashTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** L-07, L-08: the tree of a live ledger follows its appends; its leaves are the entries' canonical bytes. */
class LedgerTreeTest {
    @TempDir
    Path dir;

    static SignedEct mint(int i) { return TestEcts.mint(UUID.randomUUID().toString(), "t" + i, List.of()); }

    @Test
    @DisplayName("L-08 leaf hash = SHA-256(0x00 || canonical bytes of L-02); the tree follows a live FileLedger")
    void treeFollowsLiveLedger() throws Exception {
        Path file = dir.resolve("l.jsonl");
        Path treeFile = LedgerTree.defaultTreeFile(file);
        assertThat(treeFile.getFileName().toString()).isEqualTo("l.jsonl.tree");
        CheckpointSigner signer = CheckpointSigner.of("ledger.example/t", CheckpointTest.KEY);
        try (FileLedger l = FileLedger.open(file, FileLedger.Recovery.STRICT, TestEcts.CLOCK);
                LedgerTree t = LedgerTree.open(l, treeFile)) {
            assertThat(t.size()).isZero();
            List<byte[]> leaves = new ArrayList<>();
            String oldNote = null;
            for (int i = 0; i < 9; i++) {
                SignedEct s = mint(i);
                LedgerEntry e = l.append(s);
                leaves.add(MerkleReferenceTest.sha256(new byte[] {0}, e.canonicalBytes()));
                if (i == 3) {
                    oldNote = t.signedCheckpoint(signer);
                }
            }
            assertThat(t.size()).isEqualTo(9);
            assertThat(Files.size(treeFile)).isEqualTo(32L * HashTree.nodesFor(9));
            Checkpoint now = signer.verifier().verify(t.signedCheckpoint(signer));
            Checkpoint old = signer.verifier().verify(oldNote);
            assertThat(old.size()).isEqualTo(4);
            for (int i = 0; i < 9; i++) {
                InclusionProof p = t.inclusionProof(i);
                assertThat(p.leafHash()).isEqualTo(leaves.get(i));
                assertThat(p.verify(now)).isTrue();
            }
            LedgerEntry third = l.entries(3, 1).get(0);
            assertThat(t.inclusionProof(l.findEntries(third.jti()).get(0))).isEqualTo(t.inclusionProof(2));
            LedgerEntry stranger = new LedgerEntry(3, third.compact(), third.jti(), third.wid(), third.iss(), "other",
                    third.pred(), third.recordedAt(), third.prevHash(), third.hash());
            assertThatThrownBy(() -> t.inclusionProof(stranger)).hasMessageContaining("not in the tree");
            assertThat(t.consistencyProof(4).verify(old, now)).isTrue();
            assertThat(t.consistencyProof(3).verify(old, now)).as("proof for another size").isFalse();
            assertThat(t.rootHash(9)).isEqualTo(now.rootHash());
            assertThatThrownBy(() -> t.inclusionProof(9)).isInstanceOf(IllegalArgumentException.class);
        }
        // reopened: the stored tree is checked against the ledger and reused
        try (FileLedger l = FileLedger.open(file, FileLedger.Recovery.STRICT, TestEcts.CLOCK);
                LedgerTree t = LedgerTree.open(l, treeFile);
                LedgerTree fromFile = LedgerTree.openFile(file, null, null)) {
            assertThat(t.size()).isEqualTo(9);
            assertThat(fromFile.rootHash(9)).isEqualTo(t.rootHash(9));
        }
    }

    @Test
    @DisplayName("L-08 an in-memory tree over an InMemoryLedger gives the same root as a file tree over the same entries")
    void inMemoryTree() throws Exception {
        InMemoryLedger l = new InMemoryLedger(TestEcts.CLOCK);
        try (LedgerTree t = LedgerTree.open(l, null)) {
            assertThat(t.rootHash(0)).isEqualTo(MerkleReferenceTest.sha256());
            for (int i = 0; i < 5; i++) {
                SignedEct s = mint(i);
                l.append(s);
            }
            List<byte[]> data = new ArrayList<>();
            for (LedgerEntry e : l.entries()) {
                data.add(e.canonicalBytes());
            }
            assertThat(t.rootHash(5)).isEqualTo(MerkleReferenceTest.mth(data));
        }
    }

    @Test
    @DisplayName("L-08 a tree file whose interior hashes were changed is refused")
    void changedTreeFileIsRefused() throws Exception {
        Path file = dir.resolve("x.jsonl");
        Path treeFile = LedgerTree.defaultTreeFile(file);
        try (FileLedger l = FileLedger.open(file, FileLedger.Recovery.STRICT, TestEcts.CLOCK);
                LedgerTree t = LedgerTree.open(l, treeFile)) {
            for (int i = 0; i < 4; i++) {
                SignedEct s = mint(i);
                l.append(s);
            }
            t.size();
        }
        byte[] b = Files.readAllBytes(treeFile);
        b[2 * 32] ^= 1; // the interior node over leaves 0 and 1
        Files.write(treeFile, b);
        assertThatThrownBy(() -> LedgerTree.openFile(file, treeFile, null)).isInstanceOf(LedgerTreeException.class)
                .hasMessageContaining("interior");
    }
}

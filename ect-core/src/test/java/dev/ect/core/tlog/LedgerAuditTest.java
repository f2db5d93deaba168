package dev.ect.core.tlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.SignedEct;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.LedgerReader;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.ledger.LedgerTampering;
import dev.ect.core.ledger.TestEcts;
import dev.ect.core.tlog.LedgerAuditResult.Finding;
import dev.ect.core.tlog.LedgerAuditResult.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * L-09 over a real FileLedger: every tampering that keeps the hash chain intact (the attacker
 * recomputes it) is found by the signature check or the checkpoint, naming the entry.
 */
class LedgerAuditTest {
    static final String ORIGIN = "ledger.example.com/audit";
    static final EctKeyPair LEDGER_KEY = EctKeys.generate(EctAlgorithm.EDDSA, "ledger");
    static final CheckpointSigner SIGNER = CheckpointSigner.of(ORIGIN, LEDGER_KEY);
    static final KeySource TRUST = StaticKeySource.builder().key(TestEcts.ISS, TestEcts.KEY).build();

    @TempDir
    Path dir;
    Path file;
    Path tree;
    String wid = UUID.randomUUID().toString();
    List<String> jtis = new ArrayList<>();

    @BeforeEach
    void setUp() {
        file = dir.resolve("ledger.jsonl");
        tree = LedgerTree.defaultTreeFile(file);
    }

    /** Appends n entries and returns the checkpoint signed after them (the tree file is written). */
    String ledgerWithCheckpoint(int n) throws Exception {
        try (FileLedger l = FileLedger.open(file, FileLedger.Recovery.STRICT, TestEcts.CLOCK);
                LedgerTree t = LedgerTree.open(l, tree)) {
            append(l, n);
            return t.signedCheckpoint(SIGNER);
        }
    }

    void append(FileLedger l, int n) {
        for (int i = 0; i < n; i++) {
            SignedEct s = TestEcts.mint(wid, "task_" + jtis.size(), jtis.isEmpty() ? List.of() : List.of(jtis.get(jtis.size() - 1)));
            l.append(s);
            jtis.add(s.ect().jti());
        }
    }

    LedgerAuditResult audit(String note, boolean withTree, boolean withTrust) throws Exception {
        LedgerAudit.Builder b = LedgerAudit.builder();
        if (note != null) {
            b.checkpoint(note, SIGNER.verifier());
        }
        if (withTree) {
            b.treeFile(tree);
        }
        if (withTrust) {
            b.trust(TRUST);
        }
        return b.build().audit(file);
    }

    static void assertFirst(LedgerAuditResult r, Kind kind, long seq) {
        assertThat(r.ok()).as(r.toString()).isFalse();
        Finding f = r.firstProblem().orElseThrow();
        assertThat(f.kind()).as(r.toString()).isEqualTo(kind);
        assertThat(f.seq()).as(r.toString()).isEqualTo(seq);
    }

    @Test
    @DisplayName("L-09 an honest ledger that grew since the checkpoint passes, every signature verified")
    void honestGrownLedgerPasses() throws Exception {
        String note = ledgerWithCheckpoint(5);
        try (FileLedger l = FileLedger.open(file, FileLedger.Recovery.STRICT, TestEcts.CLOCK)) {
            append(l, 3);
        }
        LedgerAuditResult r = audit(note, true, true);
        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThat(r.entries()).isEqualTo(8);
        assertThat(r.signaturesVerified()).isEqualTo(8);
        assertThat(r.checkpoint().orElseThrow().size()).isEqualTo(5);
    }

    @Test
    @DisplayName("L-09 tail truncation below the checkpoint is named: the first missing entry")
    void tailTruncationIsNamed() throws Exception {
        String note = ledgerWithCheckpoint(5);
        LedgerTampering.rewrite(file, e -> new ArrayList<>(e.subList(0, 3)));
        assertThat(ChainVerification.ofFile(file).ok()).as("the chain alone is intact").isTrue();
        LedgerAuditResult r = audit(note, false, true);
        assertFirst(r, Kind.CHECKPOINT, 4);
        assertThat(r.firstProblem().orElseThrow().problem()).contains("entries 4..5 are missing");
    }

    @Test
    @DisplayName("L-09 reordered entries with a recomputed chain are named: the first moved entry")
    void reorderingIsNamed() throws Exception {
        String note = ledgerWithCheckpoint(5);
        LedgerTampering.rewrite(file, e -> {
            Collections.swap(e, 1, 2);
            return e;
        });
        assertThat(ChainVerification.ofFile(file).ok()).as("the chain alone is intact").isTrue();
        assertFirst(audit(note, true, true), Kind.CHECKPOINT, 2);
        // without the tree file the change is still found, only not located
        LedgerAuditResult blind = audit(note, false, true);
        assertFirst(blind, Kind.CHECKPOINT, 0);
        assertThat(blind.firstProblem().orElseThrow().problem()).contains("root hash differs");
    }

    @Test
    @DisplayName("L-09 a rewritten entry (another validly signed token) with a recomputed chain is named")
    void rewrittenEntryIsNamed() throws Exception {
        String note = ledgerWithCheckpoint(5);
        SignedEct other = TestEcts.mint(wid, "task_other", List.of(jtis.get(1)));
        LedgerTampering.rewrite(file, e -> {
            LedgerEntry x = e.get(3);
            e.set(3, new LedgerEntry(4, other.compact(), other.ect().jti(), other.ect().wid(), other.ect().iss(),
                    other.ect().execAct(), other.ect().pred(), x.recordedAt(), x.prevHash(), x.hash()));
            return e;
        });
        LedgerAuditResult r = audit(note, true, true);
        assertThat(r.signaturesVerified()).as("the new token is genuinely signed").isEqualTo(5);
        assertFirst(r, Kind.CHECKPOINT, 4);
    }

    @Test
    @DisplayName("L-09 a forged signature AAAA with a recomputed chain is named, without any checkpoint")
    void forgedSignatureIsNamed() throws Exception {
        ledgerWithCheckpoint(5);
        LedgerTampering.rewrite(file, e -> {
            e.set(2, LedgerTampering.withCompact(e.get(2), LedgerTampering.forgedSignature(e.get(2).compact())));
            return e;
        });
        assertThat(ChainVerification.ofFile(file).ok()).as("the chain alone is intact").isTrue();
        LedgerAuditResult r = audit(null, false, true);
        assertFirst(r, Kind.SIGNATURE, 3);
        assertThat(r.findings()).hasSize(1);
        assertThat(r.firstProblem().orElseThrow().problem()).contains("does not verify").contains(jtis.get(2));
        assertThat(audit(null, false, false).ok()).as("without a trust set only the chain is checked").isTrue();
    }

    @Test
    @DisplayName("L-09 a token of an issuer outside the trust set, and an unsigned token, are named")
    void untrustedAndUnsignedTokensAreNamed() throws Exception {
        try (FileLedger l = FileLedger.open(file, FileLedger.Recovery.STRICT, TestEcts.CLOCK)) {
            append(l, 1);
            SignedEct u = TestEcts.unsigned(wid, "unsigned", List.of());
            l.append(u);
        }
        LedgerAuditResult r = LedgerAudit.builder().trust(StaticKeySource.builder()
                .key("spiffe://example.com/other", TestEcts.KEY).build()).build().audit(file);
        assertFirst(r, Kind.SIGNATURE, 1);
        assertThat(r.findings().get(0).problem()).contains("no trusted key for iss " + TestEcts.ISS);
        assertThat(r.findings().get(1).seq()).isEqualTo(2);
        assertThat(r.findings().get(1).problem()).contains("unsigned");
    }

    @Test
    @DisplayName("L-09 a broken chain is named as such")
    void brokenChainIsNamed() throws Exception {
        String note = ledgerWithCheckpoint(3);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(1, lines.get(1).replace("task_1", "task_9"));
        Files.write(file, lines);
        LedgerAuditResult r = audit(note, true, true);
        assertFirst(r, Kind.CHAIN, 2);
    }

    @Test
    @DisplayName("L-09 a checkpoint that does not verify is refused before any check")
    void badCheckpointIsRefused() throws Exception {
        String note = ledgerWithCheckpoint(2);
        CheckpointVerifier other = CheckpointSigner.of(ORIGIN, EctKeys.generate(EctAlgorithm.EDDSA, "o")).verifier();
        assertThatThrownBy(() -> LedgerAudit.builder().checkpoint(note, other)).hasMessageContaining("no signature");
    }

    @Test
    @DisplayName("L-09 the tree file refuses a ledger rewritten or truncated after it was written, naming the entry")
    void treeFileRefusesRewrittenLedger() throws Exception {
        ledgerWithCheckpoint(5);
        Path copy = dir.resolve("copy.tree");
        Files.copy(tree, copy);
        LedgerTampering.rewrite(file, e -> {
            Collections.swap(e, 2, 3);
            return e;
        });
        assertThatThrownBy(() -> LedgerTree.openFile(file, tree, null)).isInstanceOf(LedgerTreeException.class)
                .satisfies(x -> assertThat(((LedgerTreeException) x).seq()).hasValue(3));
        assertThat(Files.readAllBytes(tree)).as("the evidence is not overwritten").isEqualTo(Files.readAllBytes(copy));
        LedgerTampering.rewrite(file, e -> new ArrayList<>(e.subList(0, 2)));
        assertThatThrownBy(() -> LedgerTree.openFile(file, tree, null)).isInstanceOf(LedgerTreeException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    @DisplayName("L-09 audit(AuditLedger) pages through a ledger of more than one page: an honest grown ledger passes")
    void auditOfALedgerPagesThroughIt() throws Exception {
        InMemoryLedger l = new InMemoryLedger(TestEcts.CLOCK);
        int m = LedgerReader.PAGE_SIZE + 7;
        String note;
        try (LedgerTree t = LedgerTree.open(l, tree)) {
            for (int i = 0; i < m; i++) {
                SignedEct s = TestEcts.mint(wid, "task_" + i, List.of());
                l.append(s);
            }
            note = t.signedCheckpoint(SIGNER);
        }
        for (int i = 0; i < LedgerReader.PAGE_SIZE; i++) {
            SignedEct s = TestEcts.mint(wid, "more_" + i, List.of());
            l.append(s);
        }
        LedgerAuditResult r = LedgerAudit.builder().checkpoint(note, SIGNER.verifier()).treeFile(tree).trust(TRUST).build()
                .audit(l);
        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThat(r.entries()).isEqualTo(m + LedgerReader.PAGE_SIZE);
        assertThat(r.signaturesVerified()).isEqualTo(m + LedgerReader.PAGE_SIZE);
        assertThat(r.chain().lastHash()).isEqualTo(l.verifyChain().lastHash());
    }

    @Test
    @DisplayName("L-09 audit(AuditLedger) reports what audit(file) reports for the same tampered ledger")
    void auditOfALedgerFindsWhatTheFileAuditFinds() throws Exception {
        String note = ledgerWithCheckpoint(6);
        LedgerTampering.rewrite(file, e -> {
            Collections.swap(e, 1, 2);
            e.set(4, LedgerTampering.withCompact(e.get(4), LedgerTampering.forgedSignature(e.get(4).compact())));
            return e;
        });
        LedgerAudit audit = LedgerAudit.builder().checkpoint(note, SIGNER.verifier()).treeFile(tree).trust(TRUST).build();
        LedgerAuditResult fromFile = audit.audit(file);
        LedgerAuditResult fromLedger;
        try (FileLedger l = FileLedger.open(file, FileLedger.Recovery.STRICT, TestEcts.CLOCK)) {
            fromLedger = audit.audit(l);
        }
        assertFirst(fromLedger, Kind.CHECKPOINT, 2);
        assertThat(fromLedger.findings()).extracting(Finding::kind, Finding::seq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.CHECKPOINT, 2L), org.assertj.core.groups.Tuple.tuple(Kind.SIGNATURE, 5L));
        assertThat(fromLedger.findings()).isEqualTo(fromFile.findings());
        assertThat(fromLedger.entries()).isEqualTo(fromFile.entries());
    }
}

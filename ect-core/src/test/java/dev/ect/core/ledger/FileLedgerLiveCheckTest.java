package dev.ect.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.SignedEct;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** L-10: a live ledger's own check compares what it reads with what it acknowledged. */
class FileLedgerLiveCheckTest {
    @TempDir
    Path dir;

    private FileLedger ledgerWith(int n) throws IOException {
        FileLedger l = FileLedger.open(dir.resolve("ledger.jsonl"), FileLedger.Recovery.STRICT, TestEcts.CLOCK);
        String wid = UUID.randomUUID().toString();
        List<String> jtis = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SignedEct s = TestEcts.mint(wid, "task_" + i, i == 0 ? List.of() : List.of(jtis.get(i - 1)));
            l.append(s);
            jtis.add(s.ect().jti());
        }
        return l;
    }

    /** Cuts the file at the start of line {@code line} (1-based), behind the ledger's back. */
    private static void cutAtLine(Path file, int line) throws IOException {
        List<String> lines = Files.readAllLines(file);
        long at = 0;
        for (int i = 0; i < line - 1; i++) {
            at += lines.get(i).length() + 1;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(at);
        }
    }

    @Test
    @DisplayName("L-10 a file shortened by its last entry under a live ledger is broken, naming that entry")
    void tailCutUnderLiveLedgerIsBroken() throws Exception {
        try (FileLedger l = ledgerWith(4)) {
            cutAtLine(l.path(), 4);
            ChainVerification v = l.verifyChain();
            assertThat(v.ok()).as(v.toString()).isFalse();
            assertThat(v.brokenSeq()).hasValue(4);
            assertThat(v.problem().orElseThrow()).contains("holds 3 entries").contains("acknowledged 4");
        }
    }

    @Test
    @DisplayName("L-10 a file emptied under a live ledger is broken at entry 1")
    void emptiedUnderLiveLedgerIsBroken() throws Exception {
        try (FileLedger l = ledgerWith(2)) {
            cutAtLine(l.path(), 1);
            ChainVerification v = l.verifyChain();
            assertThat(v.ok()).as(v.toString()).isFalse();
            assertThat(v.brokenSeq()).hasValue(1);
        }
    }

    @Test
    @DisplayName("L-10 a file rewritten with a recomputed chain under a live ledger is broken at the first changed entry")
    void rewrittenUnderLiveLedgerIsBroken() throws Exception {
        try (FileLedger l = ledgerWith(4)) {
            // entry 3 replaced by another (validly signed) token; the chain recomputed from there
            SignedEct other = TestEcts.mint(UUID.randomUUID().toString(), "task_x", List.of());
            LedgerTampering.rewrite(l.path(), entries -> {
                LedgerEntry e = entries.get(2);
                entries.set(2, new LedgerEntry(3, other.compact(), other.ect().jti(), other.ect().wid(), other.ect().iss(),
                        other.ect().execAct(), other.ect().pred(), e.recordedAt(), e.prevHash(), e.hash()));
                return entries;
            });
            assertThat(ChainVerification.ofFile(l.path()).ok()).as("the chain alone looks intact").isTrue();
            ChainVerification v = l.verifyChain();
            assertThat(v.ok()).as(v.toString()).isFalse();
            assertThat(v.brokenSeq()).hasValue(3);
        }
    }

    @Test
    @DisplayName("L-10 an untouched live ledger is intact, also after more appends")
    void untouchedLedgerIsIntact() throws Exception {
        try (FileLedger l = ledgerWith(3)) {
            assertThat(l.verifyChain().ok()).isTrue();
            SignedEct s = TestEcts.mint(UUID.randomUUID().toString(), "more", List.of());
            l.append(s);
            ChainVerification v = l.verifyChain();
            assertThat(v.ok()).as(v.toString()).isTrue();
            assertThat(v.entriesChecked()).isEqualTo(4);
        }
    }
}

package dev.ect.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class FileLedgerTest extends AuditLedgerContract {
    @TempDir
    Path dir;

    Path file() { return dir.resolve("ledger.jsonl"); }

    @Override
    protected AuditLedger newLedger() throws IOException { return FileLedger.open(file(), FileLedger.Recovery.STRICT, TestEcts.CLOCK); }

    @Override
    protected AuditLedger reopen() throws IOException {
        ((FileLedger) ledger).close();
        return newLedger();
    }

    FileLedger fileLedger() throws Exception { return (FileLedger) ledger(); }

    List<SignedEct> appendSome(FileLedger l, int n) {
        List<SignedEct> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SignedEct s = TestEcts.mint(w1, "task_" + i, i == 0 ? List.of() : List.of(out.get(i - 1).ect().jti()));
            l.append(s);
            out.add(s);
        }
        return out;
    }

    static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    static void flip(Path f, long offset, int mask) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ mask);
        }
    }

    /** 1-based line number of the byte at {@code offset}. */
    static long lineOf(byte[] content, long offset) {
        long line = 1;
        for (int i = 0; i < offset; i++) {
            if (content[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    // L-02: the file is exactly the documented format, checked independently of the code that writes it
    @Test
    void l02FileHoldsOneCanonicalLinePerEntryChainedAsDocumented() throws Exception {
        FileLedger l = fileLedger();
        appendSome(l, 3);
        byte[] raw = Files.readAllBytes(file());
        for (byte b : raw) {
            assertThat(b == '\n' || (b >= 0x20 && b <= 0x7E)).isTrue();
        }
        String text = new String(raw, StandardCharsets.US_ASCII);
        assertThat(text).endsWith("\n");
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        assertThat(lines).hasSize(3);
        String prev = "0".repeat(64);
        for (int i = 0; i < 3; i++) {
            String line = lines[i];
            assertThat(line).startsWith("{\"seq\":" + (i + 1) + ",\"recorded_at\":\"2026-03-01T00:00:00.000Z\",\"jti\":\"");
            int p = line.indexOf(",\"prev_hash\":\"");
            String canonical = line.substring(0, p) + "}";
            String prevHash = line.substring(p + 14, p + 14 + 64);
            String hash = line.substring(line.indexOf(",\"hash\":\"") + 9, line.length() - 2);
            assertThat(prevHash).isEqualTo(prev);
            String computed = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((prevHash + canonical).getBytes(StandardCharsets.US_ASCII)));
            assertThat(hash).isEqualTo(computed).isEqualTo(l.entries().get(i).hash());
            assertThat(line).endsWith("\"prev_hash\":\"" + prevHash + "\",\"hash\":\"" + hash + "\"}");
            prev = hash;
        }
    }

    // L-04: a flipped byte in the middle of the file names the broken entry
    @Test
    void l04FlippedByteInTheMiddleOfTheFileNamesTheBrokenEntry() throws Exception {
        FileLedger l = fileLedger();
        appendSome(l, 5);
        l.close();
        byte[] content = Files.readAllBytes(file());
        long offset = content.length / 2;
        long line = lineOf(content, offset);
        assertThat(line).isBetween(2L, 4L);
        flip(file(), offset, 0x01);

        ChainVerification v = ChainVerification.ofFile(file());
        assertThat(v.ok()).isFalse();
        assertThat(v.brokenLine()).hasValue(line);
        assertThat(v.brokenSeq()).hasValue(line);
        assertThat(v.entriesChecked()).isEqualTo(line - 1);
        assertThat(v.toString()).contains("line " + line);

        for (FileLedger.Recovery r : FileLedger.Recovery.values()) {
            LedgerCorruptedException e = catchThrowableOfType(LedgerCorruptedException.class, () -> FileLedger.open(file(), r));
            assertThat(e).as("open with %s refuses", r).isNotNull();
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.seq()).isEqualTo(line);
            assertThat(e.file()).isEqualTo(file().toRealPath());
            assertThat(e.getMessage()).contains("line " + line).contains(e.problem());
        }
        assertThat(Files.readAllBytes(file())).hasSize(content.length); // nothing repaired or dropped
        flip(file(), offset, 0x01);
        assertThat(ChainVerification.ofFile(file()).ok()).isTrue();
    }

    // L-04: every single-bit change anywhere in a line is detected and attributed to that line
    @Test
    void l04EveryFlippedByteOfALineIsDetectedAtThatLine() throws Exception {
        FileLedger l = fileLedger();
        for (int i = 0; i < 4; i++) { // unsigned tokens: shorter lines, same format
            SignedEct s = TestEcts.unsigned(w1, "t\u00e9" + i, List.of(TestEcts.uuid("p" + i)));
            l.append(s);
        }
        l.close();
        byte[] content = Files.readAllBytes(file());
        int start = 0;
        for (int n = 0; n < 2; n++) {
            start = indexOf(content, (byte) '\n', start) + 1; // start of line 3
        }
        int end = indexOf(content, (byte) '\n', start); // its newline
        // flip in place through one channel (cheaper than rewriting the file), check, restore
        try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int i = start; i <= end; i++) {
                boolean letter = Character.isLetter(content[i]);
                for (int mask : letter ? new int[] {0x01, 0x20} : new int[] {0x01}) { // 0x20: upper/lower case
                    ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) (content[i] ^ mask)}), i);
                    ChainVerification v = LedgerFile.scan(ch, content.length, null).verification();
                    assertThat(v.ok()).as("flip 0x%s at offset %d", Integer.toHexString(mask), i).isFalse();
                    assertThat(v.brokenLine()).as("flip at offset %d: %s", i, v).hasValue(3);
                    ch.write(java.nio.ByteBuffer.wrap(new byte[] {content[i]}), i);
                }
            }
        }
        assertThat(ChainVerification.ofFile(file()).ok()).isTrue();
    }

    static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    // L-05, crash: a torn last line is reported, and repaired only when asked
    @Test
    void tornLastLineIsReportedAndRemovedOnlyByExplicitRepair() throws Exception {
        FileLedger l = fileLedger();
        List<SignedEct> acked = appendSome(l, 3);
        l.close();
        long good = Files.size(file());
        Files.write(file(), "{\"seq\":4,\"recorded_at\":\"2026-03-01T0".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);

        LedgerCorruptedException e = catchThrowableOfType(LedgerCorruptedException.class, () -> FileLedger.open(file()));
        assertThat(e).isNotNull();
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.seq()).isEqualTo(4);
        assertThat(e.getMessage()).contains("no trailing newline").contains("REPAIR_TORN_TAIL");
        ChainVerification v = ChainVerification.ofFile(file());
        assertThat(v.ok()).isFalse();
        assertThat(v.brokenLine()).hasValue(4);
        assertThat(v.entriesChecked()).isEqualTo(3);

        try (FileLedger repaired = FileLedger.open(file(), FileLedger.Recovery.REPAIR_TORN_TAIL, TestEcts.CLOCK)) {
            assertThat(Files.size(file())).isEqualTo(good);
            assertThat(repaired.entries()).extracting(LedgerEntry::jti)
                    .containsExactlyElementsOf(acked.stream().map(s -> s.ect().jti()).toList());
            SignedEct next = TestEcts.mint(w1, "after_repair", List.of());
            assertThat(repaired.append(next).seq()).isEqualTo(4);
        }
        assertThat(ChainVerification.ofFile(file()).entriesChecked()).isEqualTo(4);
    }

    // crash after zero-filled blocks were allocated but not written
    @Test
    void trailingZeroBytesAreATornTail() throws Exception {
        FileLedger l = fileLedger();
        appendSome(l, 2);
        l.close();
        long good = Files.size(file());
        Files.write(file(), new byte[8192], StandardOpenOption.APPEND);
        assertThatThrownBy(() -> FileLedger.open(file())).isInstanceOf(LedgerCorruptedException.class);
        try (FileLedger repaired = FileLedger.open(file(), FileLedger.Recovery.REPAIR_TORN_TAIL)) {
            assertThat(repaired.size()).isEqualTo(2);
        }
        assertThat(Files.size(file())).isEqualTo(good);
    }

    // an intact last entry that lost only its newline is completed, never dropped
    @Test
    void completeLastEntryWithoutItsNewlineIsKeptByRepair() throws Exception {
        FileLedger l = fileLedger();
        List<SignedEct> acked = appendSome(l, 3);
        l.close();
        byte[] content = Files.readAllBytes(file());
        Files.write(file(), Arrays.copyOf(content, content.length - 1));
        LedgerCorruptedException e = catchThrowableOfType(LedgerCorruptedException.class, () -> FileLedger.open(file()));
        assertThat(e.getMessage()).contains("line 3").contains("complete");
        try (FileLedger repaired = FileLedger.open(file(), FileLedger.Recovery.REPAIR_TORN_TAIL)) {
            assertThat(repaired.findEntry(w1, acked.get(2).ect().jti())).isPresent();
            assertThat(repaired.size()).isEqualTo(3);
        }
        assertThat(Files.readAllBytes(file())).isEqualTo(content);
    }

    @Test
    void brokenLineBeforeTheLastIsNeverRepaired() throws Exception {
        FileLedger l = fileLedger();
        appendSome(l, 3);
        l.close();
        byte[] content = Files.readAllBytes(file());
        int firstNewline = indexOf(content, (byte) '\n', 0);
        flip(file(), firstNewline - 3, 0x01); // inside the hash of line 1
        LedgerCorruptedException e = catchThrowableOfType(LedgerCorruptedException.class,
                () -> FileLedger.open(file(), FileLedger.Recovery.REPAIR_TORN_TAIL));
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.problem()).contains("hash");
        assertThat(Files.readAllBytes(file())).hasSize(content.length);
    }

    @Test
    void oneLedgerPerFileAndNoDirectories() throws Exception {
        FileLedger l = fileLedger();
        assertThatThrownBy(() -> FileLedger.open(file())).isInstanceOf(IOException.class).hasMessageContaining("already open");
        assertThatThrownBy(() -> FileLedger.open(dir)).isInstanceOf(IOException.class).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> FileLedger.open(dir.resolve("missing/ledger.jsonl"))).isInstanceOf(IOException.class);
        assertThat(l.path()).isEqualTo(file().toRealPath());
        assertThat(l.toString()).contains("entries=0");
        l.close();
        l.close(); // idempotent
        try (FileLedger again = FileLedger.open(file())) {
            assertThat(again.size()).isZero();
        }
        assertThatThrownBy(() -> FileLedger.open(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> FileLedger.open(file(), null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> FileLedger.open(file(), FileLedger.Recovery.STRICT, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void recordedAtComesFromTheClock() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-04-01T08:00:00.5Z"), ZoneOffset.UTC);
        try (FileLedger l = FileLedger.open(file(), FileLedger.Recovery.STRICT, clock)) {
            SignedEct s = TestEcts.mint(w1, "a", List.of());
            assertThat(l.append(s).recordedAt()).isEqualTo(Instant.parse("2026-04-01T08:00:00.500Z"));
        }
        assertThat(Files.readString(file())).contains("\"recorded_at\":\"2026-04-01T08:00:00.500Z\"");
    }

    // V-15 / T-06: a closed ledger is unavailable
    @Test
    void appendToAClosedLedgerIsUnavailable() throws Exception {
        FileLedger l = fileLedger();
        l.close();
        SignedEct s = TestEcts.mint(w1, "a", List.of());
        assertThatThrownBy(() -> l.append(s)).isInstanceOfSatisfying(EctUnavailableException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
            assertThat(e.httpStatus()).isEqualTo(503);
        });
    }

    FaultyChannel faulty;

    FileLedger openFaulty() throws IOException {
        return FileLedger.open(file(), FileLedger.Recovery.STRICT, TestEcts.CLOCK, p -> {
            faulty = new FaultyChannel(FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
            return faulty;
        });
    }

    // a failed write is rolled back: not indexed, and the next append chains onto the last acknowledged entry
    @Test
    void halfWrittenAppendIsRolledBackAndTheNextAppendChainsCorrectly() throws Exception {
        List<SignedEct> acked;
        SignedEct lost = TestEcts.mint(w1, "lost", List.of());
        SignedEct next = TestEcts.mint(w1, "next", List.of());
        try (FileLedger l = openFaulty()) {
            acked = appendSome(l, 2);
            long size = Files.size(file());
            faulty.failNextWriteHalfway = true;
            assertThatThrownBy(() -> l.append(lost)).isInstanceOfSatisfying(EctUnavailableException.class, e -> {
                assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
                assertThat(e.getMessage()).contains("No space left");
            });
            assertThat(Files.size(file())).isEqualTo(size);
            assertThat(l.findByJti(lost.ect().jti())).isEmpty();
            assertThat(l.size()).isEqualTo(2);
            LedgerEntry e3 = l.append(next);
            assertThat(e3.seq()).isEqualTo(3);
            assertThat(e3.prevHash()).isEqualTo(l.entries().get(1).hash());
            // the lost ECT was never recorded, so it may be appended now
            assertThat(l.append(lost).seq()).isEqualTo(4);
            assertThat(l.verifyChain().entriesChecked()).isEqualTo(4);
        }
        assertThat(ChainVerification.ofFile(file()).entriesChecked()).isEqualTo(4);
        try (FileLedger reopened = FileLedger.open(file())) {
            assertThat(reopened.entries()).extracting(LedgerEntry::jti).containsExactly(acked.get(0).ect().jti(),
                    acked.get(1).ect().jti(), next.ect().jti(), lost.ect().jti());
        }
    }

    // after a failed fsync the ledger stops until it is opened again
    @Test
    void failedForceStopsTheLedgerUntilReopened() throws Exception {
        SignedEct a = TestEcts.mint(w1, "a", List.of());
        SignedEct b = TestEcts.mint(w1, "b", List.of());
        try (FileLedger l = openFaulty()) {
            appendSome(l, 1);
            faulty.failForce = true;
            assertThatThrownBy(() -> l.append(a)).isInstanceOfSatisfying(EctUnavailableException.class,
                    e -> assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE));
            faulty.failForce = false;
            assertThatThrownBy(() -> l.append(b)).isInstanceOfSatisfying(EctUnavailableException.class,
                    e -> assertThat(e.getMessage()).contains("open it again"));
            assertThat(l.size()).isEqualTo(1);
            assertThat(l.findByJti(a.ect().jti())).isEmpty();
        }
        try (FileLedger reopened = FileLedger.open(file())) {
            assertThat(reopened.size()).isEqualTo(1); // the unacknowledged entry was rolled back
            assertThat(reopened.append(a).seq()).isEqualTo(2);
        }
    }

    // appends queued behind a failed fsync fail as well: none of them is acknowledged
    @Test
    void appendsQueuedBehindAFailedForceAllFail() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (FileLedger l = openFaulty()) {
            CountDownLatch gate = new CountDownLatch(1);
            faulty.forceGate = gate;
            faulty.failForce = true;
            List<Future<LedgerEntry>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                SignedEct s = TestEcts.unsigned(w1, "t" + i, List.of());
                fs.add(pool.submit(() -> l.append(s)));
                if (i == 0) {
                    awaitTrue(() -> faulty.forcesStarted.get() == 1, "the first force started");
                }
            }
            awaitTrue(() -> l.queued() == 3, "three appends are queued behind the failing force");
            gate.countDown();
            for (Future<LedgerEntry> f : fs) {
                assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(EctUnavailableException.class);
            }
            assertThat(l.size()).isZero();
            assertThat(faulty.forcesStarted.get()).isEqualTo(2); // the failed force and the rollback's; none for the queued three
        } finally {
            pool.shutdownNow();
        }
        assertThat(Files.size(file())).isZero();
    }

    // an Error in the writer thread fails the appends in flight (no caller hangs) and stops the ledger
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // append waits uninterruptibly
    void writerErrorFailsTheBatchInFlightAndStopsTheLedger() throws Exception {
        SignedEct a = TestEcts.mint(w1, "a", List.of());
        SignedEct b = TestEcts.mint(w1, "b", List.of());
        try (FileLedger l = openFaulty()) {
            appendSome(l, 1);
            faulty.errorOnWrite = new AssertionError("simulated VM error");
            assertThatThrownBy(() -> l.append(a)).isInstanceOfSatisfying(EctUnavailableException.class,
                    e -> assertThat(e.getCause()).hasMessage("simulated VM error"));
            assertThatThrownBy(() -> l.append(b)).isInstanceOfSatisfying(EctUnavailableException.class,
                    e -> assertThat(e.getMessage()).contains("writer failed", "open it again"));
            assertThat(l.size()).isEqualTo(1);
        }
        try (FileLedger reopened = FileLedger.open(file())) {
            assertThat(reopened.append(a).seq()).isEqualTo(2);
        }
    }

    @Test
    void failedRollbackStopsTheLedger() throws Exception {
        SignedEct a = TestEcts.mint(w1, "a", List.of());
        try (FileLedger l = openFaulty()) {
            faulty.failNextWriteHalfway = true;
            faulty.failTruncate = true;
            assertThatThrownBy(() -> l.append(a)).isInstanceOf(EctUnavailableException.class);
            assertThatThrownBy(() -> l.append(a)).hasMessageContaining("failed rollback");
        }
        // the half line is a torn tail: reported, and removable on request
        assertThatThrownBy(() -> FileLedger.open(file())).isInstanceOf(LedgerCorruptedException.class);
        try (FileLedger repaired = FileLedger.open(file(), FileLedger.Recovery.REPAIR_TORN_TAIL)) {
            assertThat(repaired.size()).isZero();
        }
    }

    // a channel closed underneath the ledger (as an interrupt would) makes appends unavailable, never accepted
    @Test
    void closedChannelMakesAppendsUnavailable() throws Exception {
        SignedEct a = TestEcts.mint(w1, "a", List.of());
        SignedEct b = TestEcts.mint(w1, "b", List.of());
        try (FileLedger l = openFaulty()) {
            appendSome(l, 1);
            faulty.d.close();
            assertThatThrownBy(() -> l.append(a)).isInstanceOfSatisfying(EctUnavailableException.class,
                    e -> assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE));
            assertThatThrownBy(() -> l.append(b)).isInstanceOf(EctUnavailableException.class);
            assertThatThrownBy(l::verifyChain).isInstanceOf(EctUnavailableException.class);
            assertThat(l.size()).isEqualTo(1);
        }
    }

    // group commit: appends queued during a force share the next one
    @Test
    void appendsQueuedDuringAForceShareOneForce() throws Exception {
        List<SignedEct> tokens = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tokens.add(TestEcts.unsigned(w1, "t" + i, List.of()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (FileLedger l = openFaulty()) {
            CountDownLatch gate = new CountDownLatch(1);
            faulty.forceGate = gate;
            List<Future<LedgerEntry>> fs = new ArrayList<>();
            fs.add(pool.submit(() -> l.append(tokens.get(0))));
            awaitTrue(() -> faulty.forcesStarted.get() == 1, "the first force started");
            for (int i = 1; i < 8; i++) {
                SignedEct s = tokens.get(i);
                fs.add(pool.submit(() -> l.append(s)));
            }
            awaitTrue(() -> l.queued() == 7, "seven appends are queued behind the force");
            gate.countDown();
            List<Long> seqs = new ArrayList<>();
            for (Future<LedgerEntry> f : fs) {
                seqs.add(f.get(30, TimeUnit.SECONDS).seq());
            }
            assertThat(seqs.get(0)).isEqualTo(1L);
            assertThat(seqs).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
            assertThat(l.forces()).isEqualTo(2);
            assertThat(faulty.forcesStarted.get()).isEqualTo(2);
            assertThat(l.verifyChain().entriesChecked()).isEqualTo(8);
        } finally {
            pool.shutdownNow();
        }
    }

    // L-04: verifyChain reads the file again and sees a change made on disk after open
    @Test
    void l04VerifyChainDetectsChangesMadeOnDiskAfterOpen() throws Exception {
        FileLedger l = fileLedger();
        appendSome(l, 3);
        assertThat(l.verifyChain().ok()).isTrue();
        byte[] content = Files.readAllBytes(file());
        int line2 = indexOf(content, (byte) '\n', 0) + 1;
        flip(file(), line2 + 40, 0x01);
        ChainVerification v = l.verifyChain();
        assertThat(v.ok()).isFalse();
        assertThat(v.brokenSeq()).hasValue(2);
        assertThat(v.brokenLine()).hasValue(2);
    }
}

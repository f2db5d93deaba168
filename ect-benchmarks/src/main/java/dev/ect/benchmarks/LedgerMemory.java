package dev.ect.benchmarks;

import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.ledger.LedgerReader;
import dev.ect.core.tlog.LedgerTree;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What opening a big {@link FileLedger} costs (issue 15 item 7): writes a ledger file of N realistic
 * entries (the {@code DurableAppendBenchmark} draft, ~1 KiB lines, workflows of 10 steps each
 * naming the previous one as {@code pred}; tokens "signed" by the free benchmark provider, which
 * the ledger never checks) straight through the library's own entry code ({@link LedgerEntry#create},
 * {@link LedgerReader#line}), then opens it with {@link FileLedger#open(Path)} and reports the
 * time (wall and the opening thread's CPU, which a busy machine does not inflate) and the heap
 * held after full GCs, then the time of {@link LedgerTree#open} over it (building
 * and then re-checking the tree file of {@code ect serve --ledger-key}).
 *
 * <pre>java -Xmx8g -cp benchmarks.jar dev.ect.benchmarks.LedgerMemory [N=1000000] [DIR=/tmp]</pre>
 */
public final class LedgerMemory {
    private LedgerMemory() {}

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"));
        Path file = Files.createTempFile(dir, "ledger-memory-", ".jsonl");
        Path tree = LedgerTree.defaultTreeFile(file);
        try {
            long t0 = System.nanoTime();
            write(file, n);
            double writeS = (System.nanoTime() - t0) / 1e9;
            long fileBytes = Files.size(file);

            long before = usedAfterGc();
            java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long c1 = threads.getCurrentThreadCpuTime();
            long t1 = System.nanoTime();
            FileLedger ledger = FileLedger.open(file); // reads and checks the file on this thread
            double openS = (System.nanoTime() - t1) / 1e9;
            double openCpuS = (threads.getCurrentThreadCpuTime() - c1) / 1e9;
            long after = usedAfterGc();
            if (ledger.size() != n) {
                throw new IllegalStateException("opened " + ledger.size() + " entries, wrote " + n);
            }
            long heap = after - before;
            long t2 = System.nanoTime();
            try (LedgerTree t = LedgerTree.open(ledger, tree)) {
                t.size();
            }
            double treeBuildS = (System.nanoTime() - t2) / 1e9;
            long t3 = System.nanoTime();
            try (LedgerTree t = LedgerTree.open(ledger, tree)) {
                t.size();
            }
            double treeCheckS = (System.nanoTime() - t3) / 1e9;
            long treeBytes = Files.size(tree);
            System.out.printf(Locale.ROOT, "JVM %s, -Xmx%d MiB: %,d entries, file %.1f MiB (%.0f B/line), written in %.1f s%n",
                    System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, n, fileBytes / 1048576.0,
                    fileBytes / (double) n, writeS);
            System.out.printf(Locale.ROOT, "FileLedger.open: %.1f s wall, %.1f s CPU of its thread (%.1f µs/entry); heap after GC "
                    + "%.1f MiB = %.0f B/entry (%.2f x the file)%n", openS, openCpuS, openCpuS * 1e6 / n, heap / 1048576.0,
                    heap / (double) n, heap / (double) fileBytes);
            System.out.printf(Locale.ROOT, "LedgerTree.open over it: %.1f s building the tree file (%.1f MiB), %.1f s re-checking it%n",
                    treeBuildS, treeBytes / 1048576.0, treeCheckS);
            ledger.close();
        } finally {
            Files.deleteIfExists(tree);
            Files.deleteIfExists(file);
        }
    }

    /** N entries with a valid hash chain, written as FileLedger writes them (one line each). */
    static void write(Path file, int n) throws IOException {
        EctSigner signer = EctSigner.builder(Fixtures.key()).clock(Fixtures.CLOCK).crypto(Fixtures.provider(Fixtures.FAKE)).build();
        Instant at = Fixtures.CLOCK.instant();
        String prev = LedgerEntry.GENESIS_HASH;
        String wid = null;
        String lastJti = null;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (int i = 0; i < n; i++) {
                if (i % 10 == 0) {
                    wid = Fixtures.newWid();
                    lastJti = null;
                }
                SignedEct s = signer.mint(Fixtures.draft(wid, lastJti == null ? List.of() : List.of(lastJti)));
                LedgerEntry e = LedgerEntry.create(i + 1L, s, at.plusMillis(i), prev);
                w.write(LedgerReader.line(e));
                prev = e.hash();
                lastJti = s.ect().jti();
            }
        }
    }

    private static long usedAfterGc() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}

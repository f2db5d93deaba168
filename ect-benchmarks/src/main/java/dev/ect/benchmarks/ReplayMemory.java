package dev.ect.benchmarks;

import dev.ect.core.replay.CaffeineReplayStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * Heap per replay-store entry: fills a {@link CaffeineReplayStore} with N fresh (wid, UUID jti)
 * entries and compares the used heap after full GCs before and after. Run with a fixed heap:
 * {@code java -Xmx2g -cp benchmarks.jar dev.ect.benchmarks.ReplayMemory [N=1000000]}.
 */
public final class ReplayMemory {
    private ReplayMemory() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String wid = UUID.randomUUID().toString();
        Instant keep = Fixtures.CLOCK.instant().plusSeconds(900);
        long before = usedAfterGc();
        CaffeineReplayStore store = new CaffeineReplayStore(n + 1L, Fixtures.CLOCK);
        for (int i = 0; i < n; i++) {
            // each jti a fresh UUID string (as parsed from a token); the store keeps its own key
            if (!store.checkAndRecord(ReplayBenchmark.ISS, wid, UUID.randomUUID().toString(), keep)) {
                throw new IllegalStateException("duplicate");
            }
        }
        long after = usedAfterGc();
        System.out.printf(Locale.ROOT, "JVM %s: %d entries, %.1f MiB, %.0f bytes/entry (size()=%d)%n",
                System.getProperty("java.version"), n, (after - before) / 1048576.0, (after - before) / (double) n, store.size());
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

package dev.ect.benchmarks;

import dev.ect.core.replay.CaffeineReplayStore;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The replay store's atomic check-and-record (V-14) of fresh (wid, jti) pairs, 1 and 2 threads on
 * one shared {@link CaffeineReplayStore}; the store is new at each iteration. Throughput, ops/µs.
 * Memory per entry: {@link ReplayMemory}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ReplayBenchmark {
    static final Instant KEEP = Fixtures.CLOCK.instant().plusSeconds(900);
    static final String ISS = "spiffe://example.com/agent/a";
    static final String WID = "b6d1c7d0-0c7e-4c53-9f0a-1f1d7c9f3a11";

    @State(Scope.Benchmark)
    public static class Store {
        CaffeineReplayStore store;
        final AtomicInteger threadIds = new AtomicInteger();

        @Setup(Level.Iteration)
        public void fresh() { store = new CaffeineReplayStore(50_000_000, Fixtures.CLOCK); }
    }

    @State(Scope.Thread)
    public static class Jtis {
        String prefix;
        long n;

        @Setup
        public void setUp(Store s) { prefix = "5f0c3a9e-" + s.threadIds.incrementAndGet() + "-4a1b-9c2d-"; }

        String next() { return prefix + (n++); }
    }

    @Benchmark
    @Threads(1)
    public boolean checkAndRecord1Thread(Store s, Jtis j) { return s.store.checkAndRecord(ISS, WID, j.next(), KEEP); }

    @Benchmark
    @Threads(2)
    public boolean checkAndRecord2Threads(Store s, Jtis j) { return s.store.checkAndRecord(ISS, WID, j.next(), KEEP); }
}

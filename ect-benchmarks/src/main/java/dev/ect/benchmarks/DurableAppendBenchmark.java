package dev.ect.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What durable appends cost on this disk, as the reference for a file ledger (L-05: an entry is
 * durable before the ECT is accepted): ~1 KiB records (a ledger line with a compact ECT) appended
 * and {@code force}d, one fsync per append (1 and 8 threads) versus group commit (8 threads; one
 * thread writes and forces everything queued so far, the others wait for it). Ops/s. The file is
 * created under {@code -Dect.bench.dir} (default: the working directory's {@code target/}), never
 * tmpfs, and deleted afterwards.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DurableAppendBenchmark {
    static final byte[] RECORD = new byte[1024];

    static {
        Arrays.fill(RECORD, (byte) 'x');
        RECORD[RECORD.length - 1] = '\n';
    }

    @State(Scope.Benchmark)
    public static class Log {
        Path file;
        FileChannel ch;
        private final Object queueLock = new Object();
        private final Object flushLock = new Object();
        private final List<byte[]> queue = new ArrayList<>();
        private long queued;
        private volatile long durable;

        @Setup(Level.Trial)
        public void open() throws IOException {
            Path dir = Path.of(System.getProperty("ect.bench.dir", "target"));
            Files.createDirectories(dir);
            file = Files.createTempFile(dir, "ledger-bench", ".log");
            ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            ch.close();
            Files.deleteIfExists(file);
        }

        void appendForceEach() throws IOException {
            synchronized (this) {
                ch.write(ByteBuffer.wrap(RECORD));
                ch.force(false);
            }
        }

        void appendGroupCommit() throws IOException {
            long mine;
            synchronized (queueLock) {
                queue.add(RECORD);
                mine = ++queued;
            }
            if (durable >= mine) {
                return;
            }
            synchronized (flushLock) {
                if (durable >= mine) {
                    return; // another thread's fsync covered this record
                }
                List<byte[]> batch;
                long upTo;
                synchronized (queueLock) {
                    batch = new ArrayList<>(queue);
                    queue.clear();
                    upTo = queued;
                }
                ByteBuffer[] bufs = new ByteBuffer[batch.size()];
                for (int i = 0; i < bufs.length; i++) {
                    bufs[i] = ByteBuffer.wrap(batch.get(i));
                }
                long remaining = (long) bufs.length * RECORD.length;
                while (remaining > 0) {
                    remaining -= ch.write(bufs);
                }
                ch.force(false);
                durable = upTo;
            }
        }
    }

    @Benchmark
    @Threads(1)
    public void forceEach1Thread(Log log) throws IOException { log.appendForceEach(); }

    @Benchmark
    @Threads(8)
    public void forceEach8Threads(Log log) throws IOException { log.appendForceEach(); }

    @Benchmark
    @Threads(8)
    public void groupCommit8Threads(Log log) throws IOException { log.appendGroupCommit(); }
}

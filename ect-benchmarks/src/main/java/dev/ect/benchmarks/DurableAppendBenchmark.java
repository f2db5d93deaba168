package dev.ect.benchmarks;

import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.FileLedger;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable appends to the real {@link FileLedger} (L-05: {@code append} returns once the line is
 * forced to disk; concurrent appenders share one force through its writer thread, i.e. group
 * commit), with 1, 8 and 32 concurrent appenders, in ops/s. The ECTs are realistic (~1 KiB line,
 * unique jti) and handed over as the verifier hands them in production (the ECT decoded from its
 * own token, which {@code append} recognizes without decoding the token again), pre-minted with a free
 * signature (the ledger does not check signatures); a fresh ledger file is opened for every
 * iteration. {@code rawForceEach1Thread} is the disk's floor for comparison: a 1 KiB write plus
 * {@code force(true)} per append, no ledger. Files go under {@code -Dect.bench.dir} (default: the
 * working directory's {@code target/}), never tmpfs, and are deleted afterwards.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DurableAppendBenchmark {
    static Path dir() throws IOException {
        Path dir = Path.of(System.getProperty("ect.bench.dir", "target"));
        Files.createDirectories(dir);
        return dir;
    }

    @State(Scope.Benchmark)
    public static class Ledger {
        private EctSigner signer;
        private String wid;
        private SignedEct[] pool;
        private final AtomicInteger next = new AtomicInteger();
        Path file;
        FileLedger ledger;

        @Setup(Level.Trial)
        public void mint() {
            signer = EctSigner.builder(Fixtures.key()).clock(Fixtures.CLOCK)
                    .crypto(Fixtures.provider(Fixtures.FAKE)).build();
            wid = Fixtures.newWid();
            pool = new SignedEct[Env.POOL];
            for (int i = 0; i < pool.length; i++) {
                pool[i] = fresh();
            }
        }

        private SignedEct fresh() {
            return signer.mint(Fixtures.draft(wid, List.of())); // what the verifier hands the ledger: a SignedEct
        }

        @Setup(Level.Iteration)
        public void open() throws IOException {
            file = dir().resolve("ledger-bench-" + System.nanoTime() + ".jsonl");
            ledger = FileLedger.open(file);
            next.set(0);
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException {
            ledger.close();
            Files.deleteIfExists(file);
        }

        Object append() {
            int i = next.getAndIncrement();
            // the pool only runs out in very short runs (smoke); minting then costs ~50 µs, far below an fsync
            SignedEct s = i < pool.length ? pool[i] : fresh();
            return ledger.append(s);
        }
    }

    @State(Scope.Benchmark)
    public static class RawLog {
        static final byte[] RECORD = new byte[1024];

        static {
            Arrays.fill(RECORD, (byte) 'x');
            RECORD[RECORD.length - 1] = '\n';
        }

        Path file;
        FileChannel ch;

        @Setup(Level.Trial)
        public void open() throws IOException {
            file = Files.createTempFile(dir(), "raw-bench", ".log");
            ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            ch.close();
            Files.deleteIfExists(file);
        }

        synchronized void appendForce() throws IOException {
            ch.write(ByteBuffer.wrap(RECORD));
            ch.force(true);
        }
    }

    @Benchmark
    @Threads(1)
    public Object fileLedger1Appender(Ledger l) { return l.append(); }

    @Benchmark
    @Threads(8)
    public Object fileLedger8Appenders(Ledger l) { return l.append(); }

    /** Many requests in flight: group commit should cover more appends per force. */
    @Benchmark
    @Threads(32)
    public Object fileLedger32Appenders(Ledger l) { return l.append(); }

    @Benchmark
    @Threads(1)
    public void rawForceEach1Thread(RawLog log) throws IOException { log.appendForce(); }
}

package dev.ect.core.ledger;

import dev.ect.core.Ect;
import dev.ect.core.EctError;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An audit ledger in an append-only file (profile section 8): one entry per line, hash-chained,
 * each append forced to disk before it returns. Also the {@link dev.ect.core.dag.EctStore} of the
 * DAG rules: an in-memory index by {@code jti} and by {@code wid}, rebuilt when the file is opened.
 *
 * <pre>{@code
 * try (FileLedger ledger = FileLedger.open(Path.of("/var/lib/ect/ledger.jsonl"))) {
 *     EctVerifier verifier = EctVerifier.builder().verifierId(me).keySource(keys).ledger(ledger).build();
 *     ...
 * }
 * }</pre>
 *
 * <h2>File format</h2>
 *
 * UTF-8 (in fact pure ASCII) text; line {@code n} (from 1) holds the entry with {@code seq} n and
 * ends with a single {@code \n} (0x0A). There is no header and nothing else in the file. A line is
 * the entry's canonical form ({@link LedgerEntry#canonicalBytes()}) with its closing brace
 * replaced by <code>,"prev_hash":"&lt;64 hex&gt;","hash":"&lt;64 hex&gt;"&#125;</code>:
 *
 * <pre>
 * {"seq":1,"recorded_at":"2026-03-01T00:00:00.000Z","jti":"…","wid":"…","iss":"spiffe://example.com/a",
 *  "exec_act":"review_spec","pred":[],"compact":"eyJ…","prev_hash":"000…000","hash":"9f2…"}
 * </pre>
 *
 * (shown wrapped; a line has no whitespace). {@code hash} is the lowercase hex SHA-256 over the 64
 * ASCII characters of {@code prev_hash} followed by the canonical bytes, i.e. the line's text up to
 * {@code ,"prev_hash"} with a <code>&#125;</code> appended (L-02). The first {@code prev_hash} is 64 zeros.
 * Member order, the absence of whitespace and the escaping (only {@code \"}, {@code \\} and
 * lowercase {@code \}{@code u00XX}-style escapes for characters outside printable ASCII) are fixed,
 * so a reader can and does require each line to be byte for byte what this class would write: any
 * changed byte is detected, also one that JSON would tolerate.
 *
 * <h2>Durability and concurrency</h2>
 *
 * <ul>
 *   <li>L-05: {@link #append} returns only after its line was written and the file forced
 *       ({@link FileChannel#force(boolean) force(true)}). A new file's directory is forced as well.
 *   <li>Group commit: one writer thread takes every append queued while the previous force was
 *       running, writes them in one write and forces once, so N concurrent appenders share one
 *       fsync and throughput does not collapse to one fsync per entry. The appending threads never
 *       touch the channel (an interrupted caller can therefore not close it).
 *   <li>L-06: an ({@code iss}, {@code wid}, {@code jti}) already in the ledger or queued is refused
 *       at once with {@code dag_duplicate_jti} (ids compared in lower case, P-01).
 *   <li>A failed write is rolled back (the file truncated to its previous length): the entries of
 *       that batch fail with 503 {@code ledger_unavailable}, are not indexed, and the next append
 *       chains onto the last acknowledged entry. A failed force, or a rollback that fails, stops the
 *       ledger: every further append fails with {@code ledger_unavailable} until the file is opened
 *       again (after a failed fsync the state on disk is unknown; reopening checks it).
 *   <li>One process at a time: the file is locked ({@link FileChannel#tryLock()}), and one
 *       {@code FileLedger} per file per JVM.
 * </ul>
 *
 * <h2>Crashes</h2>
 *
 * Every acknowledged entry survives a crash ({@code kill -9}, power loss). An entry whose append
 * never returned may or may not be present. A crash in the middle of a write can leave a torn last
 * line (bytes after the last newline). {@link #open(Path)} reports it with a
 * {@link LedgerCorruptedException} naming the line; {@link Recovery#REPAIR_TORN_TAIL} removes it,
 * or, when it is a complete intact entry that only lacks its newline, completes it. That tail was
 * never acknowledged: an acknowledged line always includes its newline. Any other broken line is
 * never repaired: open fails, naming it.
 *
 * <p>Memory: the index holds every entry and its decoded ECT, roughly twice the file's size. For
 * very large ledgers use a database ledger.
 */
public final class FileLedger implements AuditLedger, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileLedger.class);
    /** Files opened by a FileLedger of this JVM (their real paths). */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();
    /** Most entries written (and forced) together. */
    static final int MAX_BATCH = 1024;

    /** What {@link #open(Path, Recovery)} does with a torn last line. */
    public enum Recovery {
        /** Refuse to open, with a {@link LedgerCorruptedException} naming the line (the default). */
        STRICT,
        /**
         * Remove the torn last line (bytes after the last newline; never acknowledged), or complete
         * it with its newline when it holds an intact next entry. Logged at WARN. Broken lines before
         * it are still refused.
         */
        REPAIR_TORN_TAIL
    }

    /** Opens the file channel; tests substitute one that fails. */
    @FunctionalInterface
    interface ChannelOpener {
        FileChannel open(Path file) throws IOException;
    }

    private final Path path;
    private final FileChannel channel;
    @SuppressWarnings("unused") // held until the channel closes
    private final FileLock fileLock;
    private final Clock clock;
    private final LedgerIndex index = new LedgerIndex();

    private final Object lock = new Object();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Set<String> reserved = new HashSet<>();
    private boolean closed;
    private String failure;
    private final Thread writer;

    // owned by the writer thread after open
    private long nextSeq;
    private String lastHash;
    private volatile long size;
    private final AtomicLong forces = new AtomicLong();
    /** What was acknowledged, published after the index holds it: what verifyChain compares the file with (L-10). */
    private volatile Head head;

    /** File length, entry count and last hash of the acknowledged entries, as one snapshot. */
    private record Head(long size, long entries, String lastHash) {}

    private static final class Pending {
        final SignedEct token;
        final String key;
        final CompletableFuture<LedgerEntry> result = new CompletableFuture<>();

        Pending(SignedEct token, String key) {
            this.token = token;
            this.key = key;
        }
    }

    private FileLedger(Path path, FileChannel channel, FileLock fileLock, Clock clock, Recovery recovery) throws IOException {
        this.path = path;
        this.channel = channel;
        this.fileLock = fileLock;
        this.clock = clock;
        load(recovery);
        this.writer = new Thread(this::writerLoop, "ect-file-ledger-writer[" + path.getFileName() + "]");
        this.writer.setDaemon(true);
    }

    /** Opens (or creates) a ledger file; a torn last line is refused ({@link Recovery#STRICT}). */
    public static FileLedger open(Path file) throws IOException { return open(file, Recovery.STRICT); }

    /** Opens (or creates) a ledger file, recording times from the system UTC clock. */
    public static FileLedger open(Path file, Recovery recovery) throws IOException {
        return open(file, recovery, Clock.systemUTC());
    }

    /**
     * Opens (or creates) a ledger file, reads and checks every line (L-04) and rebuilds the index.
     *
     * @param file the ledger file; created when absent (its directory must exist)
     * @param recovery what to do with a torn last line
     * @param clock the clock of {@link LedgerEntry#recordedAt()}
     * @throws LedgerCorruptedException when a line is broken, naming it
     * @throws IOException when the file cannot be opened or is locked by another process or
     *     already open in this JVM
     */
    public static FileLedger open(Path file, Recovery recovery, Clock clock) throws IOException {
        return open(file, recovery, clock,
                p -> FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    static FileLedger open(Path file, Recovery recovery, Clock clock, ChannelOpener opener) throws IOException {
        Objects.requireNonNull(file, "file cannot be null");
        Objects.requireNonNull(recovery, "recovery cannot be null");
        Objects.requireNonNull(clock, "clock cannot be null");
        Path abs = file.toAbsolutePath().normalize();
        boolean created = false;
        if (!Files.exists(abs)) {
            try {
                Files.createFile(abs);
                created = true;
            } catch (FileAlreadyExistsException e) {
                // created concurrently: open it
            }
        }
        Path real = abs.toRealPath();
        if (!Files.isRegularFile(real)) {
            throw new IOException(real + " is not a regular file");
        }
        if (!OPEN.add(real)) {
            throw new IOException("ledger file " + real + " is already open in this JVM");
        }
        FileChannel ch = null;
        try {
            ch = opener.open(real);
            FileLock fl;
            try {
                fl = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                fl = null;
            }
            if (fl == null) {
                throw new IOException("ledger file " + real + " is locked by another process");
            }
            if (created) {
                forceDirectory(real.getParent());
            }
            FileLedger ledger = new FileLedger(real, ch, fl, clock, recovery);
            ledger.writer.start();
            LOG.info("opened ledger {}: {} entries", real, ledger.index.size());
            return ledger;
        } catch (IOException | RuntimeException | Error e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            OPEN.remove(real);
            throw e;
        }
    }

    private static void forceDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.debug("cannot force directory {} (not supported here): {}", dir, e.toString());
        }
    }

    private void load(Recovery recovery) throws IOException {
        LedgerFile.Scan scan = LedgerFile.scan(channel, channel.size(), index::add);
        ChainVerification v = scan.verification();
        long end = scan.validEnd();
        LedgerFile.Tail tail = scan.tail();
        if (scan.brokenInside()) {
            throw new LedgerCorruptedException(path, v.brokenLine().orElse(-1), v.brokenSeq().orElse(-1), v.problem().orElse(""));
        }
        if (tail != null) {
            if (recovery == Recovery.STRICT) {
                throw new LedgerCorruptedException(path, tail.line(), v.brokenSeq().orElse(-1), v.problem().orElse("")
                        + "; open with Recovery.REPAIR_TORN_TAIL to " + (tail.entry() != null ? "complete" : "remove") + " it");
            }
            if (tail.entry() != null) {
                long at = tail.offset() + tail.length();
                ByteBuffer nl = ByteBuffer.wrap(new byte[] {'\n'});
                while (nl.hasRemaining()) {
                    at += channel.write(nl, at);
                }
                channel.force(true);
                index.add(tail.entry(), tail.token());
                end = at;
                LOG.warn("ledger {}: completed line {} (entry {}), which had lost only its newline", path, tail.line(),
                        tail.entry().seq());
            } else {
                channel.truncate(tail.offset());
                channel.force(true);
                LOG.warn("ledger {}: removed the torn last line {} ({} bytes, never acknowledged)", path, tail.line(),
                        tail.length());
            }
        }
        size = end;
        LedgerEntry last = index.last();
        nextSeq = last == null ? 1 : last.seq() + 1;
        lastHash = last == null ? LedgerEntry.GENESIS_HASH : last.hash();
        head = new Head(size, nextSeq - 1, lastHash);
    }

    /** The ledger file (its real path). */
    public Path path() { return path; }

    /** The number of entries. */
    public long size() { return index.size(); }

    /**
     * Appends the ECT as the next line and returns once the line is on disk (L-05), sharing the
     * force with concurrent appenders (group commit). Waits uninterruptibly: the outcome of an
     * append that was queued is always reported.
     */
    @Override
    public LedgerEntry append(SignedEct token) {
        Ect ect = Objects.requireNonNull(token, "token cannot be null").ect();
        Objects.requireNonNull(ect.jti(), "jti");
        String key = LedgerIndex.key(ect.iss(), ect.wid(), ect.jti());
        Pending p = new Pending(token, key);
        synchronized (lock) {
            if (closed) {
                throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ledger " + path + " is closed");
            }
            if (failure != null) {
                throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, failure);
            }
            if (index.contains(ect.iss(), ect.wid(), ect.jti()) || !reserved.add(key)) {
                throw duplicate(ect);
            }
            queue.add(p);
            lock.notifyAll();
        }
        try {
            return p.result.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE,
                    "ledger append failed: " + (cause == null ? e : cause.getMessage()), cause);
        }
    }

    static EctRejectedException duplicate(Ect ect) {
        return new EctRejectedException(EctError.of(ReasonCode.DAG_DUPLICATE_JTI, "L-06",
                "jti " + ect.jti() + " of this issuer is already in the ledger" + (ect.wid() == null ? "" : " for workflow " + ect.wid())));
    }

    private void writerLoop() {
        Throwable crash = null;
        List<Pending> batch = List.of();
        try {
            while (true) {
                batch = new ArrayList<>();
                String refuse;
                synchronized (lock) {
                    while (queue.isEmpty() && !closed) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            // nobody interrupts this thread; keep serving the queue
                        }
                    }
                    if (queue.isEmpty()) {
                        return; // closed and drained
                    }
                    while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
                        batch.add(queue.poll());
                    }
                    refuse = failure;
                }
                if (refuse != null) {
                    failAll(batch, new IOException(refuse));
                } else {
                    writeBatch(batch);
                }
            }
        } catch (Throwable t) { // an Error: fail the batch in flight and what is queued, refuse further appends
            crash = t;
            LOG.error("ledger {}: writer thread failed", path, t);
        } finally {
            if (crash != null) {
                List<Pending> left = new ArrayList<>(batch); // completing an already completed one is a no-op
                synchronized (lock) {
                    failure = "ledger " + path + " stopped: its writer failed (" + crash + "); open it again to recover";
                    left.addAll(queue);
                    queue.clear();
                }
                failAll(left, crash);
            }
        }
    }

    private void writeBatch(List<Pending> batch) {
        Instant now = clock.instant();
        long seq = nextSeq;
        String prev = lastHash;
        List<LedgerEntry> entries = new ArrayList<>(batch.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream(batch.size() * 1024);
        for (Pending p : batch) {
            LedgerEntry e = LedgerEntry.create(seq++, p.token, now, prev);
            prev = e.hash();
            out.writeBytes(LedgerFile.line(e));
            entries.add(e);
        }
        ByteBuffer buf = ByteBuffer.wrap(out.toByteArray());
        long start = size;
        boolean written = false;
        try {
            long at = start;
            while (buf.hasRemaining()) {
                at += channel.write(buf, at);
            }
            written = true;
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            boolean rolledBack = rollback(start);
            if (!written && rolledBack) {
                LOG.warn("ledger {}: write of {} entries failed and was rolled back: {}", path, batch.size(), e.toString());
            } else {
                String why = "ledger " + path + " stopped after a failed " + (written ? "force" : "write")
                        + (rolledBack ? "" : " and a failed rollback") + " (" + e + "); open it again to recover";
                LOG.error(why);
                synchronized (lock) {
                    failure = why;
                }
            }
            failAll(batch, e);
            return;
        }
        size = start + buf.capacity();
        nextSeq = seq;
        lastHash = prev;
        forces.incrementAndGet();
        for (int i = 0; i < batch.size(); i++) {
            index.add(entries.get(i), batch.get(i).token);
        }
        head = new Head(size, seq - 1, prev);
        synchronized (lock) {
            batch.forEach(p -> reserved.remove(p.key));
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result.complete(entries.get(i));
        }
    }

    /** Truncates the file back to {@code length}; true when that worked. */
    private boolean rollback(long length) {
        try {
            if (channel.size() > length) {
                channel.truncate(length);
            }
            channel.force(true);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.error("ledger {}: rollback to {} bytes failed: {}", path, length, e.toString());
            return false;
        }
    }

    private void failAll(List<Pending> batch, Throwable cause) {
        synchronized (lock) {
            batch.forEach(p -> reserved.remove(p.key));
        }
        batch.forEach(p -> p.result.completeExceptionally(cause));
    }

    @Override
    public List<LedgerEntry> entries(long fromSeq, int limit) { return index.entries(fromSeq, limit); }

    @Override
    public List<LedgerEntry> findEntries(String jti) { return index.findEntries(Objects.requireNonNull(jti, "jti")); }

    @Override
    public List<LedgerEntry> entriesOfWorkflow(String wid) { return index.ofWorkflow(wid); }

    @Override
    public Optional<LedgerEntry> findEntry(String wid, String jti) {
        return Optional.ofNullable(index.find(wid, Objects.requireNonNull(jti, "jti")));
    }

    @Override
    public Optional<LedgerEntry> findEntry(String iss, String wid, String jti) {
        return Optional.ofNullable(index.find(iss, wid, Objects.requireNonNull(jti, "jti")));
    }

    @Override
    public List<SignedEct> findByJti(String jti) { return index.findByJti(Objects.requireNonNull(jti, "jti")); }

    /**
     * Reads the file again, up to the last acknowledged entry, and checks it byte for byte (L-04)
     * <em>and against what this ledger acknowledged</em> (L-10): every entry read must be the one
     * appended (same hash), and the file must still hold all of them. So a file shortened, or
     * rewritten with a recomputed chain, underneath the live ledger is reported as broken at the
     * first entry that is missing or differs, never as intact. Runs on a helper thread, so an
     * interrupt of the caller cannot close the ledger's channel.
     *
     * @throws EctUnavailableException {@code ledger_unavailable} when the file cannot be read
     */
    @Override
    public ChainVerification verifyChain() {
        Head known = head;
        CompletableFuture<ChainVerification> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(compareWithKnown(known));
            } catch (IOException | RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, "ect-file-ledger-verify[" + path.getFileName() + "]");
        t.setDaemon(true);
        t.start();
        try {
            return f.join();
        } catch (CompletionException e) {
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "cannot read ledger " + path + ": " + e.getCause(),
                    e.getCause());
        }
    }

    /** The chain check of the file up to {@code known.size}, compared with the acknowledged entries (L-10). */
    private ChainVerification compareWithKnown(Head known) throws IOException {
        long[] firstDiff = {0};
        String[] diff = {null};
        ChainVerification v = LedgerFile.scan(channel, known.size(), (e, ect) -> {
            if (firstDiff[0] == 0 && e.seq() <= known.entries()) {
                List<LedgerEntry> k = index.entries(e.seq(), 1);
                if (k.isEmpty() || !k.get(0).hash().equals(e.hash())) {
                    firstDiff[0] = e.seq();
                    diff[0] = "the entry on disk (hash " + e.hash() + ") is not the one this ledger acknowledged"
                            + (k.isEmpty() ? "" : " (hash " + k.get(0).hash() + ")") + ": the file was rewritten underneath it";
                }
            }
        }).verification();
        long d = firstDiff[0];
        if (d > 0 && (v.ok() || d <= v.brokenSeq().orElse(Long.MAX_VALUE))) {
            String before = d == 1 ? LedgerEntry.GENESIS_HASH : index.entries(d - 1, 1).get(0).hash();
            return ChainVerification.broken(d - 1, d, d, diff[0], before);
        }
        if (v.ok() && (v.entriesChecked() != known.entries() || !v.lastHash().equals(known.lastHash()))) {
            long n = v.entriesChecked();
            return ChainVerification.broken(n, n + 1, n + 1, "the file holds " + n + (n == 1 ? " entry" : " entries")
                    + " but this ledger acknowledged " + known.entries() + ": the file was shortened underneath it", v.lastHash());
        }
        return v;
    }

    /** Number of forces (fsyncs) done by appends since open; with group commit usually fewer than the appends. */
    long forces() { return forces.get(); }

    /** Appends waiting for the writer. */
    int queued() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /**
     * Writes what is queued, stops the writer and closes the file (releasing its lock). Appends
     * after close fail with {@code ledger_unavailable}. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        try {
            channel.close(); // also releases the lock
        } catch (IOException e) {
            LOG.warn("ledger {}: close failed: {}", path, e.toString());
        } finally {
            OPEN.remove(path);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() { return "FileLedger{" + path + ", entries=" + index.size() + "}"; }
}

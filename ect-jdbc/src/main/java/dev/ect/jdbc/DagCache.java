package dev.ect.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.internal.Uuids;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link JdbcLedger}'s DAG cache: the stored rows of recently used {@code jti}s in memory, kept
 * exact for every DAG check by one <b>read round</b> that starts after the check began.
 *
 * <p><b>What a check sees.</b> A check first notes which of its ids the cache does not hold, then
 * waits for the next round. A round is one statement, run by this cache's thread for every check
 * waiting at that moment: the rows appended since the last round ({@code seq > applied}: the
 * catch-up) and every row of the ids those checks asked for, in one snapshot taken after each of
 * them began. Afterwards the check reads its ids from the cache and the round's answer. So it sees
 * every entry committed before it began, by any instance (what its own query would have seen, L-05,
 * V-13), with one statement per round instead of one (or two) per check.
 *
 * <p><b>Why the cache is exact.</b> A cached id holds <i>every</i> row of that {@code jti}: it is
 * made either from a round's answer for the id (all its rows in that snapshot) or from a caught-up
 * row that was the first of its {@code jti} when appended ({@code jti_shared} false, computed by
 * the appender under the chain-head lock, schema version 4); every later row of the id arrives by
 * the catch-up, which applies rows in {@code seq} order and adds each to its id when cached. An
 * evicted id is simply absent: the next check that needs it asks for it. Ids that are not plain
 * hex-and-dash text (UUIDs are) are never cached, so the cache's key (ASCII lower case, P-01) and
 * PostgreSQL's {@code lower()} cannot disagree about a letter.
 *
 * <p><b>Bounded.</b> At most {@code maxIds} ids (W-TinyLFU, so the often-used predecessors stay);
 * a row keeps its token text and, once read, the decoded token: about 2-3 KB per row (the
 * {@code FileLedger} index measured 3.1 KB per entry with its extra maps). A catch-up further
 * behind than {@code maxIds} rows (an instance that checked nothing for a while) empties the cache
 * and jumps to the head instead of reading every row.
 */
final class DagCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DagCache.class);
    /** Rows read per catch-up statement. */
    static final int PAGE = 1000;

    /**
     * One stored row of a jti: what the ancestor walk needs ({@code wid}, {@code pred}) always; its
     * token only once a lookup asked for it (a caught-up row is read without its token text, which
     * most instances never need: the child of a task usually reaches one instance of N), decoded
     * at the first read.
     */
    static final class Row {
        final long seq;
        final String jti;
        final String wid;
        final List<String> pred;
        final String hash;
        /** The token text; null for a row caught up without it (unless this JVM appended it). */
        final String compact;
        private volatile SignedEct token;

        Row(long seq, String jti, String wid, List<String> pred, String hash, String compact, SignedEct token) {
            this.seq = seq;
            this.jti = jti;
            this.wid = wid;
            this.pred = pred;
            this.hash = hash;
            this.compact = compact;
            this.token = token;
        }

        /** True when its token is known or can be decoded here (no statement needed). */
        boolean full() { return compact != null || token != null; }
    }

    /**
     * A row as a round read it: {@code asked} is the asked id it answers (canonical), null for a
     * catch-up row; {@code compact} is null for a catch-up row; {@code wid} empty when absent.
     */
    record Fetched(String asked, long seq, String jti, String wid, List<String> pred, String hash, String compact, Boolean shared) {}

    /** What a round reads: one statement. */
    interface Reader {
        /**
         * The rows after {@code applied} (at most {@code limit}, in seq order) and every row of each
         * of {@code ids} (canonical lower case), in one snapshot; throws
         * {@link EctUnavailableException} when the database fails.
         */
        List<Fetched> read(long applied, int limit, String[] ids);

        /** The head's seq. */
        long head();
    }

    /** One check waiting for a round. */
    private static final class Waiter {
        final String[] ask;
        final CompletableFuture<Map<String, List<Row>>> done = new CompletableFuture<>();

        Waiter(String[] ask) { this.ask = ask; }
    }

    private final Reader reader;
    private final Function<Row, SignedEct> decoder;
    private final Cache<String, Row[]> byJti;
    private final Cache<String, SignedEct> own;
    private final long maxIds;
    /** How long {@link #close()} waits for a round in flight (its statement is bounded by the statement timeout). */
    private final Duration closeWait;
    private final LinkedBlockingQueue<Waiter> waiting = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong asked = new AtomicLong();
    private final Waiter stop = new Waiter(new String[0]);
    private volatile boolean closed;
    /** The seq up to which every row was applied; -1 before the first round (which starts at the head). */
    private long applied = -1;

    DagCache(String name, int maxIds, Duration statementTimeout, Reader reader, Function<Row, SignedEct> decoder) {
        this.reader = reader;
        this.decoder = decoder;
        this.maxIds = maxIds;
        this.closeWait = statementTimeout.plusSeconds(1);
        // evictions run on the thread that adds (the round thread), so the bound holds when a round ends
        this.byJti = Caffeine.newBuilder().maximumSize(maxIds).executor(Runnable::run).build();
        this.own = Caffeine.newBuilder().maximumSize(4096).build();
        this.thread = new Thread(this::run, "ect-ledger-dag-" + name);
        thread.setDaemon(true);
    }

    /** True when every row is {@link Row#full()}. */
    private static boolean full(Row[] rows) {
        for (Row r : rows) {
            if (!r.full()) {
                return false;
            }
        }
        return true;
    }

    private static Row row(Fetched f, SignedEct token) {
        return new Row(f.seq(), f.jti(), f.wid(), f.pred(), f.hash(), f.compact(), token);
    }

    /** True for an id the cache may hold: hex digits, letters and '-' only (UUIDs), so lower() is ASCII's. */
    static boolean cacheable(String canonicalId) {
        if (canonicalId.isEmpty() || canonicalId.length() > 64) {
            return false;
        }
        for (int i = 0; i < canonicalId.length(); i++) {
            char c = canonicalId.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The token of a row, decoded once. */
    SignedEct token(Row r) {
        SignedEct t = r.token;
        if (t == null) {
            t = own.getIfPresent(r.hash);
            if (t == null) {
                if (r.compact == null) { // lookups return full rows only (see lookup)
                    throw new IllegalStateException("ledger entry " + r.seq + " was cached without its token");
                }
                t = decoder.apply(r);
            }
            r.token = t;
        }
        return t;
    }

    /** Tokens this JVM appended, by entry hash, so the catch-up does not decode them again. */
    void appended(String hash, SignedEct token) { own.put(hash, token); }

    /**
     * Every stored row of each id, as of a round that started after this call: one list per id, in
     * the order given, each in seq order.
     *
     * @param ids canonical lower-case ids
     * @throws EctUnavailableException {@code ledger_unavailable} when the round failed or did not end within {@code timeout}
     */
    List<List<Row>> lookup(List<String> ids, Duration timeout) {
        Set<String> ask = new LinkedHashSet<>();
        for (String id : ids) {
            Row[] cached = cacheable(id) ? byJti.getIfPresent(id) : null;
            if (cached == null || !full(cached)) {
                ask.add(id); // not cached, or a row caught up without its token
            }
        }
        Map<String, List<Row>> answered = await(new Waiter(ask.toArray(String[]::new)), timeout);
        List<List<Row>> out = new ArrayList<>(ids.size());
        List<String> lost = null;
        for (String id : ids) {
            List<Row> a = answered.get(id);
            if (a == null) {
                Row[] cached = byJti.getIfPresent(id);
                if (cached == null || !full(cached)) { // evicted, or a new row caught up, since the note: ask again (rare)
                    if (lost == null) {
                        lost = new ArrayList<>();
                    }
                    lost.add(id);
                    out.add(null);
                    continue;
                }
                a = List.of(cached);
            }
            out.add(a);
        }
        if (lost != null) {
            Map<String, List<Row>> again = await(new Waiter(lost.toArray(String[]::new)), timeout);
            for (int i = 0; i < ids.size(); i++) {
                if (out.get(i) == null) {
                    out.set(i, again.getOrDefault(ids.get(i), List.of()));
                }
            }
        }
        return out;
    }

    /**
     * The rows of one id if the cache holds them (complete as of the last round), else null. For
     * the ancestor walk right after {@link #lookup}: an ancestor's id that is not cached ends the
     * in-memory walk (the ledger then runs the exact walk in SQL).
     */
    Row[] cached(String canonicalId) { return cacheable(canonicalId) ? byJti.getIfPresent(canonicalId) : null; }

    private Map<String, List<Row>> await(Waiter w, Duration timeout) {
        if (closed) {
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ledger DAG cache is closed");
        }
        if (!started.get() && started.compareAndSet(false, true)) {
            thread.start();
        }
        waiting.add(w);
        try {
            return w.done.get(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ledger DAG lookup did not finish within "
                    + timeout.toMillis() + " ms (dagTimeout, ECT_DAG_TIMEOUT_MS)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ledger DAG lookup interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EctUnavailableException u) {
                throw new EctUnavailableException(u.reason(), u.getMessage(), u);
            }
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ledger DAG lookup failed: " + e.getCause(), e.getCause());
        }
    }

    private void run() {
        List<Waiter> round = new ArrayList<>();
        while (true) {
            Waiter first;
            try {
                first = waiting.take();
            } catch (InterruptedException e) {
                continue; // only close() ends the thread
            }
            round.clear();
            round.add(first);
            waiting.drainTo(round);
            boolean last = round.remove(stop);
            if (!round.isEmpty()) {
                try {
                    Map<String, List<Row>> answers = round(round);
                    round.forEach(w -> w.done.complete(answers));
                } catch (RuntimeException | Error e) {
                    round.forEach(w -> w.done.completeExceptionally(e));
                }
            }
            if (last) {
                return;
            }
        }
    }

    /** One round: catch up and answer every asked id, in one statement (more only when far behind). */
    private Map<String, List<Row>> round(List<Waiter> round) {
        rounds.incrementAndGet();
        Set<String> ids = new LinkedHashSet<>();
        round.forEach(w -> ids.addAll(Arrays.asList(w.ask)));
        asked.addAndGet(ids.size());
        if (applied < 0) {
            applied = reader.head(); // start at the head: older ids are read when asked for
        }
        List<Fetched> rows = reader.read(applied, PAGE, ids.toArray(String[]::new));
        Map<String, List<Row>> answers = new HashMap<>();
        for (String id : ids) {
            answers.put(id, new ArrayList<>(1));
        }
        int caughtUp = 0;
        for (Fetched f : rows) {
            if (f.asked() == null) {
                caughtUp++;
                apply(f);
            } else {
                List<Row> l = answers.get(f.asked());
                if (l != null) {
                    l.add(row(f, own.getIfPresent(f.hash())));
                }
            }
        }
        // every asked id's rows in that snapshot are all of them: cache them (merged with what
        // the catch-up added meanwhile, by seq)
        answers.forEach((id, l) -> {
            if (!l.isEmpty() && cacheable(id)) {
                byJti.asMap().merge(id, l.toArray(Row[]::new), DagCache::union);
            }
        });
        while (caughtUp == PAGE) { // far behind: page on, or jump to the head
            long head = reader.head();
            if (head - applied > maxIds) {
                LOG.debug("ledger DAG cache {} rows behind: emptied, continuing at the head", head - applied);
                byJti.invalidateAll();
                applied = head;
                break;
            }
            caughtUp = 0;
            for (Fetched f : reader.read(applied, PAGE, new String[0])) {
                caughtUp++;
                apply(f);
            }
        }
        Map<String, List<Row>> out = new HashMap<>();
        answers.forEach((id, l) -> out.put(id, List.copyOf(l)));
        return out;
    }

    /** Applies one caught-up row (in seq order): added to its id when cached, or as a new id when it is its jti's first row. */
    private void apply(Fetched f) {
        if (f.seq() <= applied) {
            return;
        }
        applied = f.seq();
        String id = Uuids.canonical(f.jti());
        if (!cacheable(id)) {
            return;
        }
        Row row = row(f, own.getIfPresent(f.hash()));
        if (Boolean.FALSE.equals(f.shared())) {
            byJti.asMap().merge(id, new Row[] {row}, DagCache::union);
        } else {
            byJti.asMap().computeIfPresent(id, (k, old) -> union(old, new Row[] {row}));
        }
    }

    /** Two row sets of one id as one, in seq order, each seq once. */
    static Row[] union(Row[] a, Row[] b) {
        if (b.length == 1 && (a.length == 0 || a[a.length - 1].seq < b[0].seq)) { // the usual case: a newer row
            Row[] out = Arrays.copyOf(a, a.length + 1);
            out[a.length] = b[0];
            return out;
        }
        Map<Long, Row> m = new java.util.TreeMap<>();
        for (Row r : a) {
            m.put(r.seq, r);
        }
        for (Row r : b) {
            Row old = m.get(r.seq);
            if (old == null || !old.full() && r.full()) {
                m.put(r.seq, r); // the one with its token wins
            }
        }
        return m.values().toArray(Row[]::new);
    }

    /** Rounds run and ids asked for so far (tests, measurements). */
    long[] counts() { return new long[] {rounds.get(), asked.get()}; }

    /** The ids held now (tests). */
    long size() { return byJti.estimatedSize(); }

    @Override
    public void close() {
        closed = true;
        waiting.add(stop);
        if (started.get()) {
            try {
                thread.join(closeWait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // checks still waiting (the round thread is gone) fail now instead of at their deadline
        for (Waiter w; (w = waiting.poll()) != null; ) {
            w.done.completeExceptionally(new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ledger DAG cache is closed"));
        }
    }
}

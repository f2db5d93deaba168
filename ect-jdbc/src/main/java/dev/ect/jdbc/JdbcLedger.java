package dev.ect.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ect.core.Ect;
import dev.ect.core.EctError;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.dag.AncestorWalk;
import dev.ect.core.dag.DagLookups;
import dev.ect.core.internal.SetOnce;
import dev.ect.core.internal.Uuids;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.jdbc.internal.Schema;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.jdbc.PgStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An audit ledger on PostgreSQL that several JVMs share (profile section 8): the ECT store of their
 * DAG checks and the record of every ECT they accepted.
 *
 * <ul>
 *   <li><b>L-01 append-only</b>, enforced by the database: triggers refuse every {@code UPDATE},
 *       {@code DELETE} and {@code TRUNCATE} of the ledger table, whoever issues it.
 *   <li><b>L-02 one hash chain</b>, also under concurrent appends from many JVMs: every write
 *       transaction first takes a transaction-scoped advisory lock ({@code pg_advisory_xact_lock})
 *       keyed by the ledger table, then reads the head, inserts {@code seq + 1} (and on) with the
 *       previous hash as {@code prev_hash}, and commits (which releases the lock). A trigger also
 *       refuses any row that does not continue the chain, so even a writer that bypasses this class
 *       cannot fork it.
 *   <li><b>Group commit</b> ({@link Builder#appendBatching(boolean)}, default on): one writer
 *       thread per ledger drains the appends waiting in this JVM and writes up to
 *       512 of them in one such transaction: one lock, one pre-check query (the
 *       batch's keys against the table, and the head), one round trip of inserts, one commit (one
 *       WAL flush). Chosen over a sequencer that numbers entries after they are durably queued
 *       because it needs no second table or protocol: the chain is still written only under the
 *       lock, so the trigger, {@link #verifyChain()} and old instances (one transaction per append)
 *       work unchanged, and several JVMs still interleave correctly (each batch continues whatever
 *       head it finds). The lock and the commit are paid once per batch instead of once per entry,
 *       which is what serialized replicas; a lone append costs one hand-over to the writer thread.
 *   <li><b>L-05 durable</b>: an entry is returned only after its transaction committed; with group
 *       commit, each call waits for the commit of its batch. A call still queued when the queue
 *       bound (2 &times; statement timeout + connect timeout, default 12 s) passes is removed and fails
 *       with {@code ledger_unavailable}; it is then certainly not appended. A call already taken
 *       into a batch waits for that batch's outcome, whose statements are each bounded by the
 *       statement and socket timeouts. {@link #close()} first appends what is queued.
 *   <li><b>L-06 / G-01</b>: {@code (iss, wid, jti)} is unique, ids compared in canonical lower
 *       case (P-01; an absent {@code wid} is stored as {@code ''}); a second append is
 *       {@code dag_duplicate_jti}. In a batch, a duplicate (of a row, or of an earlier call in the
 *       same batch, compared with PostgreSQL's own {@code lower()}, exactly as the unique index
 *       compares) fails only its own call; if the database still refuses one entry of a batch (a
 *       unique violation, or data it cannot store), the batch is rolled back and appended one call
 *       per transaction, so only that call fails. The same ({@code wid}, {@code jti}) from two issuers is recorded
 *       twice, and {@link #findByJti} returns both (G-07 is the DAG check's job).
 *   <li><b>L-11</b>: a schema already at this version is opened without DDL, so verifiers can run
 *       as a runtime role that may only {@code SELECT} and {@code INSERT} (see the README); a WARN
 *       is logged when the ledger runs as the table's owner or a superuser.
 *   <li><b>L-03 lookups</b> by {@code jti}, by {@code wid}, and the ancestors of a {@code jti}
 *       (one recursive query, bounded); <b>L-04</b> {@link #verifyChain()} walks every entry.
 *   <li><b>G-05 / V-13</b>: the DAG check is answered by the <b>DAG cache</b>
 *       ({@link Builder#dagCacheSize(int)}, default 10,000 ids; schema version 4): no statement
 *       of its own, but one <i>round</i> shared by every check waiting at that moment, which reads
 *       the rows appended since the last round (by any instance) and every row of the ids those
 *       checks do not find cached, in one snapshot taken after each of them began; so a check
 *       sees every entry committed before it began (L-05). The ancestor walk runs in memory over
 *       cached ids, and as one recursive query bounded by {@code maxAncestors} rows when an
 *       ancestor is not cached. Without the cache, the check's lookups are one statement
 *       ({@link #findByJtis}) and the walk ({@link #walkAncestors}) the probe of stored bounds on a
 *       version-3 schema read as it is, else the recursive query. Every wait and statement is
 *       bounded by the time left of the DAG check's deadline ({@code dagTimeout}, default 2 s).
 *   <li><b>Audits</b>: {@link Builder#createSchema(boolean) createSchema(false)} never issues DDL;
 *       a missing schema or table is then an error naming it, not an empty ledger.
 * </ul>
 *
 * <p>Entries are made by {@link LedgerEntry#create} and checked by {@link ChainVerification}: the
 * same canonical bytes and hash chain as {@code FileLedger} and {@code InMemoryLedger}, so a
 * chain exported from one can be checked against another.
 *
 * <p><b>Fails closed.</b> When the database cannot be reached, or a statement exceeds its timeout,
 * {@link #append} and every lookup (including the DAG check's {@link #findByJti}) throw
 * {@link EctUnavailableException} with {@code ledger_unavailable} (HTTP 503): an ECT is never
 * accepted without its entry. Connecting is bounded by the connect timeout (default 2 s), each
 * statement by {@code statement_timeout} (default 5 s), and a dead socket by the driver's socket
 * timeout (statement timeout + 5 s).
 *
 * <p><b>Recovers by itself.</b> The schema is created or migrated at construction; if the database
 * is down then, it is retried on each call until it succeeds. Broken pooled connections are dropped
 * by the pool (HikariCP); a call that failed on a broken connection is retried once on a fresh one,
 * and an append retried that way recognizes its own committed entry (by a random id of the call,
 * stored with the row) instead of reporting a duplicate; the same token appended by another
 * instance is still a duplicate (L-06), so a retry never accepts one token twice.
 * After a connection-level failure, calls open a direct connection instead of waiting for the pool
 * (whose reconnect back-off grows to 5 s): they fail fast while the database is down and succeed
 * on the first call once it is back; then the pool takes over again.
 *
 * <p>Thread-safe. {@link #close()} closes the connection pool.
 */
public final class JdbcLedger implements AuditLedger, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcLedger.class);

    /** The default schema. */
    public static final String DEFAULT_SCHEMA = "public";
    /** The default table name prefix: tables {@code ect_ledger} and {@code ect_schema_version}. */
    public static final String DEFAULT_TABLE_PREFIX = "ect_";
    /** The default bound on opening a connection (and on waiting for a pooled one): 2 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** The default {@code statement_timeout} of every statement, waits for the chain head included: 5 s. */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(5);
    /** The default most pooled connections: 8. */
    public static final int DEFAULT_MAX_POOL_SIZE = 8;
    /** The default most {@code jti}s in the DAG cache ({@link Builder#dagCacheSize(int)}): 10,000. */
    public static final int DEFAULT_DAG_CACHE_SIZE = 10_000;

    /** The most appends the writer thread puts into one transaction (append batching). */
    static final int MAX_BATCH = 512;
    private static final String APPEND_BATCH = "append batch";

    /** How many decoded tokens {@link #findByJti} keeps (by entry hash). */
    private static final int DECODED_CACHE_SIZE = 4096;

    private static final String COLUMNS = "seq, jti, wid, iss, exec_act, pred, recorded_at, compact, prev_hash, hash";

    private final HikariDataSource pool;
    private final Schema schema;
    private final Clock clock;
    private final String table;
    private final String target;
    private final AtomicBoolean migrated = new AtomicBoolean();
    /** False: never create or migrate the schema ({@link Builder#createSchema(boolean)}). */
    private final boolean createSchema;
    /** The schema version found (or made) by {@link #ensureSchema()}; the G-05 probe needs 3. */
    private volatile int schemaVersion;
    /** False after a connection-level failure: calls then open a direct connection (fail fast, recover at once). */
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private final org.postgresql.Driver driver = new org.postgresql.Driver();
    private final String driverUrl;
    private final Properties connectionProperties = new Properties();
    private final long statementTimeoutMillis;
    /** Tokens decoded from stored entries, by entry hash: the DAG check reads the same predecessors again and again. */
    private final Cache<String, SignedEct> decoded = Caffeine.newBuilder().maximumSize(DECODED_CACHE_SIZE).build();
    /** G-05 walks answered by the probe of indexes and bounds, and by the exact recursive walk. */
    private final AtomicLong probedWalks = new AtomicLong();
    private final AtomicLong exactWalks = new AtomicLong();
    private final AtomicLong walkCalls = new AtomicLong();
    /** {@link #findByJtis}'s statement, and the same with the G-05 probe ({@link #lookupForCheck}). */
    private final String lookupsSql;
    private final String lookupsWithProbeSql;
    /** The G-05 probe alone ({@link #walkAncestors}). */
    private final String probeOnlySql;
    private final AtomicLong decodes = new AtomicLong();
    /** The group-commit writer; null when append batching is off. */
    private final Writer writer;
    /** The DAG check's cache of stored rows ({@link Builder#dagCacheSize(int)}); null when off. */
    private final DagCache dagCache;
    /** The DAG cache's round statement (catch-up and the asked ids in one snapshot), for schema version 4 and older. */
    private final String roundSql;
    private final String roundSqlBefore4;
    /** Walks the DAG cache answered in memory (tests, measurements). */
    private final AtomicLong cachedWalks = new AtomicLong();

    private JdbcLedger(Builder b) {
        this.schema = new Schema(b.schema != null ? b.schema : b.urlSchema != null ? b.urlSchema
                : JdbcUrls.currentSchema(b.url).orElse(DEFAULT_SCHEMA), b.tablePrefix);
        this.clock = b.clock;
        this.createSchema = b.createSchema;
        this.table = schema.ledgerTable();
        // one index probe on lower(jti) per id (the OFFSET 0 fence keeps each a lookup of its own);
        // built once: the DAG check runs one of them per request
        String lookup = "SELECT u.i, t.jti, t.hash, t.compact, t.seq FROM unnest(?::text[]) WITH ORDINALITY AS u(j, i)"
                + " CROSS JOIN LATERAL (SELECT seq, jti, hash, compact FROM " + table + " WHERE lower(jti) = lower(u.j) OFFSET 0) t";
        this.lookupsSql = lookup + " ORDER BY u.i, t.seq";
        this.probeOnlySql = probeSql();
        this.lookupsWithProbeSql = "WITH p AS (" + probeOnlySql + ") SELECT l.i, l.jti, l.hash, l.compact, p.named, p.late,"
                + " p.found, p.known, p.upper_sum, p.lower_max FROM p LEFT JOIN (" + lookup + ") l ON true ORDER BY l.i, l.seq";
        this.target = JdbcUrls.redact(b.url) + " " + table;
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("ect-ledger-" + schema.schema() + "-" + schema.prefix() + "ledger");
        hc.setDriverClassName("org.postgresql.Driver");
        hc.setJdbcUrl(b.url);
        hc.setMaximumPoolSize(b.maxPoolSize);
        hc.setMinimumIdle(Math.min(2, b.maxPoolSize));
        hc.setConnectionTimeout(Math.max(250, b.connectTimeout.toMillis()));
        hc.setValidationTimeout(Math.max(250, Math.min(b.connectTimeout.toMillis(), 1000)));
        hc.setInitializationFailTimeout(-1); // start without the database; calls fail closed until it is up
        hc.setConnectionInitSql(sessionSettings(b.statementTimeout.toMillis()));
        int connectSeconds = (int) Math.max(1, (b.connectTimeout.toMillis() + 999) / 1000);
        connectionProperties.setProperty("connectTimeout", String.valueOf(connectSeconds));
        connectionProperties.setProperty("loginTimeout", String.valueOf(connectSeconds));
        connectionProperties.setProperty("socketTimeout", String.valueOf(b.statementTimeout.toSeconds() + 5));
        connectionProperties.setProperty("tcpKeepAlive", "true");
        connectionProperties.setProperty("ApplicationName", "ect-ledger");
        // an append batch's rows go in as one multi-row INSERT instead of one statement per row (the
        // triggers still run per row, in order, and see the rows before theirs in the same statement):
        // 23 % less PostgreSQL CPU per row in pgbench on this schema, within the noise end to end
        // (BENCHMARKS.md §8c)
        connectionProperties.setProperty("reWriteBatchedInserts", "true");
        connectionProperties.forEach((k, v) -> hc.addDataSourceProperty((String) k, v));
        this.driverUrl = b.url;
        this.statementTimeoutMillis = b.statementTimeout.toMillis();
        this.pool = new HikariDataSource(hc);
        long socketMillis = TimeUnit.SECONDS.toMillis(b.statementTimeout.toSeconds() + 5);
        // queued: at most one batch ahead of it (lock wait and statements, each bounded by statement_timeout);
        // taken: the safety net over the batch's statements (each bounded by the socket timeout) and one retry
        this.writer = b.appendBatching ? new Writer(2 * b.statementTimeout.toMillis() + b.connectTimeout.toMillis(),
                2 * (b.connectTimeout.toMillis() + 4 * socketMillis)) : null;
        // the catch-up reads no token text (most rows are never looked up on this instance; see DagCache.Row)
        String round = "SELECT * FROM ((SELECT NULL::text AS asked, seq, jti, wid, pred, hash, NULL::text AS compact, %1$s AS shared"
                + " FROM " + table + " WHERE seq > ? ORDER BY seq LIMIT ?) UNION ALL (SELECT u.j, x.seq, x.jti, x.wid, x.pred, x.hash,"
                + " x.compact, x.shared FROM unnest(?::text[]) AS u(j) CROSS JOIN LATERAL (SELECT seq, jti, wid, pred, hash, compact,"
                + " %1$s AS shared FROM " + table + " WHERE lower(jti) = lower(u.j) OFFSET 0) x)) r ORDER BY asked NULLS FIRST, seq";
        this.roundSql = round.formatted("jti_shared");
        this.roundSqlBefore4 = round.formatted("NULL::boolean"); // no jti_shared: caught-up rows make no cached id
        this.dagCache = b.dagCacheSize == 0 ? null : new DagCache(table, b.dagCacheSize, b.statementTimeout,
                new DagCache.Reader() {
                    @Override
                    public List<DagCache.Fetched> read(long applied, int limit, String[] ids) {
                        return readRound(applied, limit, ids);
                    }

                    @Override
                    public long head() { return size(); }
                }, r -> decode(r.jti, r.hash, r.compact));
        if (!b.verifiedTls && !JdbcUrls.loopbackHost(b.url)) {
            LOG.warn("ledger {}: the connection is not verified TLS; set sslmode=verify-full (K-06) unless the network is"
                    + " trusted for plain text", target);
        }
        try {
            ensureSchema();
        } catch (EctUnavailableException e) {
            if (!createSchema && e.getCause() instanceof IllegalStateException) {
                LOG.debug("ledger {}: {}", target, e.getMessage()); // every call says so (createSchema false)
            } else {
                LOG.warn("ledger {} not usable at start; will {} the schema on first use: {}", target,
                        createSchema ? "create/migrate" : "look for", e.getMessage());
            }
            markUnreachable(e.getCause());
        }
    }

    /**
     * A ledger with every default for a PostgreSQL JDBC URL, e.g.
     * {@code jdbc:postgresql://127.0.0.1:5432/ect?user=ect&password=...}; the URL's
     * {@code currentSchema} parameter, when present, is the schema.
     */
    public static JdbcLedger fromUrl(String jdbcUrl) { return builder(jdbcUrl).build(); }

    /**
     * A builder for a PostgreSQL JDBC URL ({@code jdbc:postgresql://host[:port]/database?...}).
     * Besides the driver's own parameters the URL may carry this ledger's options, so that one
     * variable ({@code ECT_JDBC_URL}) can configure a deployment: {@code ect.schema},
     * {@code ect.tablePrefix}, {@code ect.connectTimeout} and {@code ect.statementTimeout}
     * (milliseconds), {@code ect.maxPoolSize}, {@code ect.appendBatching} and
     * {@code ect.createSchema} ({@code true} or {@code false}); they are removed before the URL
     * reaches the driver.
     * An unknown {@code ect.*} option is an error. Builder setters override URL options; the schema
     * defaults to {@code ect.schema}, else the driver's {@code currentSchema}, else {@code public}.
     *
     * <p>K-06: TLS must verify the server. {@code sslmode=verify-full} (or {@code ssl=true}, which
     * the driver treats as verify-full) is passed to the driver as is and fails closed (503) when the
     * server cannot be verified; {@code sslmode} {@code allow}, {@code prefer}, {@code require} or
     * {@code verify-ca} and {@code sslfactory=...NonValidatingFactory} are refused here.
     * {@code sslmode=disable} is plain text; without any {@code ssl}/{@code sslmode} parameter the
     * driver's default (opportunistic, unverified TLS) applies, and a WARN is logged unless the host
     * is a loopback address.
     *
     * @throws IllegalArgumentException when it is not a PostgreSQL JDBC URL, or asks for unverified
     *     TLS (the message never shows a password)
     */
    public static Builder builder(String jdbcUrl) { return new Builder(jdbcUrl); }

    /** The schema-qualified ledger table, e.g. {@code public.ect_ledger}. */
    public String table() { return table; }

    /** The pooled data source (tests). Not API: a caller holding it could write to the ledger's tables. */
    DataSource dataSource() { return pool; }

    // ---------------------------------------------------------------- append (V-15, L-01, L-02, L-05, L-06)

    /**
     * Appends the ECT as the next entry and returns after the commit (L-05). With append batching
     * (the default) the entry is handed to this ledger's writer thread, which appends it together
     * with every other append waiting in this JVM in one transaction holding the chain-head lock
     * (L-01, L-02) and completes each waiting call once that transaction committed; a duplicate in
     * the batch fails only its own call. Without batching the call runs its own transaction.
     *
     * @throws EctRejectedException {@code dag_duplicate_jti} when ({@code iss}, {@code wid},
     *     {@code jti}) is already present (L-06), in any letter case (P-01), or is appended in the
     *     same batch by an earlier call
     * @throws EctUnavailableException {@code ledger_unavailable} when the database failed, or the
     *     append waited longer than the bound on the writer's queue (see the class comment); the
     *     entry is then not in the ledger
     */
    @Override
    public LedgerEntry append(SignedEct token) {
        Objects.requireNonNull(token, "token cannot be null");
        // names this call's row, so that a retry recognizes its own first attempt and nothing else (L-06)
        String appendId = UUID.randomUUID().toString();
        if (writer != null) {
            return writer.append(token, appendId);
        }
        return appendAlone(token, appendId);
    }

    /** One append in its own transaction (batching off, and the fall-back of a batch that hit a unique violation). */
    private LedgerEntry appendAlone(SignedEct token, String appendId) {
        return call("append", retry -> {
            try (Connection c = connection()) {
                c.setAutoCommit(false);
                try {
                    LedgerEntry e = appendIn(c, token, retry, appendId);
                    c.commit();
                    if (dagCache != null) {
                        dagCache.appended(e.hash(), token);
                    }
                    return e;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c, e);
                    throw e;
                }
            }
        });
    }

    /**
     * The rows whose {@code lower(jti)} is {@code id} (an SQL expression already in lower case), as a
     * fenced subquery: {@code OFFSET 0} keeps the planner from pushing the caller's {@code iss} and
     * {@code wid} tests into it, so the only plan is a probe of the {@code lower(jti)} index, never a
     * walk of the {@code lower(wid)} index over a whole workflow (which a generic plan made while the
     * ledger was fresh chose; see {@link #sessionSettings}).
     */
    private String rowsOfJti(String id) {
        return "(SELECT * FROM " + table + " WHERE lower(jti) = " + id + " OFFSET 0)";
    }

    /** Takes the chain-head lock of this ledger (released by commit, rollback or a dead connection). */
    private void lockHead(Connection c) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            lock.setInt(1, Schema.APPEND_LOCK_CLASS);
            lock.setString(2, table);
            lock.execute();
        }
    }

    /** The head's {@code seq} and {@code hash}; {@code 0} and the genesis hash for an empty ledger. Call under the lock. */
    private Head head(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT seq, hash FROM " + table + " ORDER BY seq DESC LIMIT 1")) {
            return rs.next() ? new Head(rs.getLong(1), rs.getString(2)) : new Head(0, LedgerEntry.GENESIS_HASH);
        }
    }

    private record Head(long seq, String hash) {}

    private PreparedStatement prepareInsert(Connection c) throws SQLException {
        if (schemaVersion >= 4) {
            return c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS + ", append_id, jti_shared) VALUES (?,?,?,?,?,?,?,?,?,?,?::uuid,?)");
        }
        return c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS + ", append_id) VALUES (?,?,?,?,?,?,?,?,?,?,?::uuid)");
    }

    /**
     * Binds one row; {@code shared} (schema version 4): another row with the same {@code lower(jti)}
     * is already in the ledger or earlier in the batch (the DAG cache's {@code jti_shared}).
     */
    private void bindInsert(Connection c, PreparedStatement ins, LedgerEntry entry, String appendId, boolean shared) throws SQLException {
        if (schemaVersion >= 4) {
            ins.setBoolean(12, shared);
        }
        ins.setLong(1, entry.seq());
        ins.setString(2, entry.jti());
        ins.setString(3, entry.wid() == null ? "" : entry.wid());
        ins.setString(4, entry.iss());
        ins.setString(5, entry.execAct());
        ins.setArray(6, c.createArrayOf("text", entry.pred().toArray()));
        ins.setTimestamp(7, Timestamp.from(entry.recordedAt()));
        ins.setString(8, entry.compact());
        ins.setString(9, entry.prevHash());
        ins.setString(10, entry.hash());
        ins.setString(11, appendId);
    }

    private LedgerEntry appendIn(Connection c, SignedEct token, boolean retry, String appendId) throws SQLException {
        Ect ect = token.ect();
        lockHead(c);
        String wid = ect.wid() == null ? "" : ect.wid();
        boolean shared = false;
        try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + ", append_id, iss = ? AND lower(wid) = lower(?) AS same_key FROM "
                + rowsOfJti("lower(?)") + " x ORDER BY 12 DESC LIMIT 1")) {
            q.setString(1, ect.iss());
            q.setString(2, wid);
            q.setString(3, ect.jti());
            try (ResultSet rs = q.executeQuery()) {
                boolean row = rs.next();
                if (row && !rs.getBoolean("same_key")) {
                    shared = true; // another issuer's or workflow's row carries this jti (the DAG cache's jti_shared)
                } else if (row) {
                    // Only this call's own first attempt, committed before the connection broke, is
                    // "ours". The same token appended by another instance (no shared replay store)
                    // is a duplicate: taking it as ours would accept one token twice.
                    if (retry && appendId.equals(rs.getString("append_id"))) {
                        return entry(rs);
                    }
                    throw duplicate(ect);
                }
            }
        }
        Head head = head(c);
        // recordedAt is truncated to milliseconds by LedgerEntry: timestamptz keeps it exactly
        LedgerEntry entry = LedgerEntry.create(head.seq() + 1, token, clock.instant(), head.hash());
        try (PreparedStatement ins = prepareInsert(c)) {
            bindInsert(c, ins, entry, appendId, shared);
            ins.executeUpdate();
        }
        return entry;
    }

    // ---------------------------------------------------------------- group commit (append batching)

    /** True for SQL errors that one entry can cause (a unique violation, bad data): its batch is then appended one by one. */
    static boolean isEntryFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (SQLException s = t instanceof SQLException x ? x : null; s != null; s = s.getNextException()) {
                String state = s.getSQLState();
                if (state != null && (state.equals("23505") || state.startsWith("22"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Appends a batch in one transaction under the chain-head lock: one query finds every entry of
     * the batch already in the table (by the unique key, lowered by PostgreSQL itself, so the
     * in-batch check below compares exactly what the unique index compares), duplicates fail only
     * their own call, the others are chained in order, inserted in one round trip and committed
     * together. Returns, per call, its {@link LedgerEntry} or its {@link EctRejectedException}.
     */
    private Object[] appendBatch(List<Pending> batch, boolean retry) throws SQLException {
        int n = batch.size();
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                lockHead(c);
                String[] iss = new String[n];
                String[] wid = new String[n];
                String[] jti = new String[n];
                for (int i = 0; i < n; i++) {
                    Ect ect = batch.get(i).ect;
                    iss[i] = ect.iss();
                    wid[i] = ect.wid() == null ? "" : ect.wid();
                    jti[i] = ect.jti();
                }
                String[] keys = new String[n];
                boolean[] shared = new boolean[n];
                String[] lowerJti = new String[n];
                LedgerEntry[] existing = new LedgerEntry[n];
                String[] existingId = new String[n];
                Head head = null;
                // one round trip after the lock (a statement of its own, so this one's snapshot sees
                // every entry committed before the lock was granted): the batch's keys as the unique
                // index sees them, the rows already holding them, and the chain head
                try (PreparedStatement q = c.prepareStatement("SELECT b.i, b.lw, b.lj, " + prefixed("t") + ", t.append_id,"
                        + " h.seq AS head_seq, h.hash AS head_hash, t.same_key"
                        + " FROM (SELECT u.i, u.s, lower(u.w) AS lw, lower(u.j) AS lj"
                        + "       FROM unnest(?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS u(s, w, j, i)) b"
                        // LATERAL: one probe of the jti index per batch entry, whatever the planner thinks
                        // of the table's size (a hash join over the whole ledger otherwise); iss and wid
                        // are tested outside the fence (rowsOfJti). The row of the same key if there is one, else
                        // any row of the jti (then the new row's jti_shared is true, for the DAG cache)
                        + " LEFT JOIN LATERAL (SELECT y.*, y.iss = b.s AND lower(y.wid) = b.lw AS same_key FROM " + rowsOfJti("b.lj")
                        + "       y ORDER BY same_key DESC LIMIT 1) t ON true"
                        + " LEFT JOIN (SELECT seq, hash FROM " + table + " ORDER BY seq DESC LIMIT 1) h ON true")) {
                    q.setArray(1, c.createArrayOf("text", iss));
                    q.setArray(2, c.createArrayOf("text", wid));
                    q.setArray(3, c.createArrayOf("text", jti));
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            if (head == null) {
                                long headSeq = rs.getLong("head_seq");
                                head = rs.wasNull() ? new Head(0, LedgerEntry.GENESIS_HASH) : new Head(headSeq, rs.getString("head_hash"));
                            }
                            int i = (int) rs.getLong(1) - 1;
                            lowerJti[i] = rs.getString(3);
                            // NUL cannot occur in PostgreSQL text: an unambiguous separator
                            keys[i] = iss[i] + '\u0000' + rs.getString(2) + '\u0000' + rs.getString(3);
                            if (rs.getObject("seq") != null && rs.getBoolean("same_key")) {
                                existing[i] = entry(rs);
                                existingId[i] = rs.getString("append_id");
                            } else if (rs.getObject("seq") != null) {
                                shared[i] = true; // another issuer's or workflow's row carries this jti
                            }
                        }
                    }
                }
                Object[] out = new Object[n];
                Set<String> seen = new HashSet<>();
                Set<String> jtisInBatch = new HashSet<>();
                if (head == null) {
                    throw new SQLException("the batch pre-check returned no row", "XX000");
                }
                long seq = head.seq();
                String prev = head.hash();
                int rows = 0;
                try (PreparedStatement ins = prepareInsert(c)) {
                    for (int i = 0; i < n; i++) {
                        Pending p = batch.get(i);
                        if (existing[i] != null) {
                            // only this call's own first attempt is "ours" (see appendIn)
                            out[i] = retry && p.appendId.equals(existingId[i]) ? existing[i] : duplicate(p.ect);
                        } else if (!seen.add(keys[i])) {
                            out[i] = duplicate(p.ect); // an earlier call of this batch has the same (iss, wid, jti)
                        } else {
                            LedgerEntry e = LedgerEntry.create(++seq, p.token, clock.instant(), prev);
                            prev = e.hash();
                            boolean earlier = !jtisInBatch.add(lowerJti[i]); // an earlier row of this batch carries the jti
                            bindInsert(c, ins, e, p.appendId, shared[i] || earlier);
                            ins.addBatch();
                            rows++;
                            out[i] = e;
                        }
                    }
                    if (rows > 0) {
                        ins.executeBatch();
                    }
                }
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            }
        }
    }

    /** One waiting {@link #append} call. */
    private static final class Pending {
        static final int QUEUED = 0;
        static final int TAKEN = 1;
        static final int CANCELLED = 2;

        final SignedEct token;
        final Ect ect;
        final String appendId;
        final AtomicInteger state = new AtomicInteger(QUEUED);
        final CompletableFuture<LedgerEntry> result = new CompletableFuture<>();

        Pending(SignedEct token, String appendId) {
            this.token = token;
            this.ect = token == null ? null : token.ect();
            this.appendId = appendId;
        }
    }

    /**
     * The ledger's writer thread (group commit): drains the appends waiting in this JVM and
     * appends up to {@link #MAX_BATCH} of them in one transaction; started by the first append.
     */
    private final class Writer implements Runnable {
        private final Pending stop = new Pending(null, null);
        private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
        private final Thread thread;
        private final AtomicBoolean started = new AtomicBoolean();
        private final long queueWaitNanos;
        private final long batchWaitNanos;
        private volatile boolean closed;

        Writer(long queueWaitMillis, long batchWaitMillis) {
            this.queueWaitNanos = TimeUnit.MILLISECONDS.toNanos(queueWaitMillis);
            this.batchWaitNanos = TimeUnit.MILLISECONDS.toNanos(batchWaitMillis);
            this.thread = new Thread(this, "ect-ledger-writer-" + table);
            thread.setDaemon(true);
        }

        int queued() { return queue.size(); }

        LedgerEntry append(SignedEct token, String appendId) {
            if (closed) {
                throw closedException();
            }
            if (!started.get() && started.compareAndSet(false, true)) {
                thread.start();
            }
            Pending p = new Pending(token, appendId);
            queue.add(p);
            if (closed && p.state.compareAndSet(Pending.QUEUED, Pending.CANCELLED)) {
                throw closedException(); // close() raced with this call: the writer may be gone
            }
            return await(p);
        }

        /**
         * Waits for the commit. While the call is still queued it gives up after the queue bound
         * (then it is certainly not appended); once the writer took it, it waits for the batch's
         * outcome, whose statements are each bounded by the statement and socket timeouts.
         */
        private LedgerEntry await(Pending p) {
            boolean interrupted = false;
            boolean taken = false;
            long deadline = System.nanoTime() + queueWaitNanos;
            try {
                while (true) {
                    try {
                        return p.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        interrupted = true;
                        if (p.state.compareAndSet(Pending.QUEUED, Pending.CANCELLED)) {
                            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE,
                                    "ledger " + target + ": append interrupted before it was written", e);
                        }
                    } catch (TimeoutException e) {
                        if (!taken) {
                            if (p.state.compareAndSet(Pending.QUEUED, Pending.CANCELLED)) {
                                throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ledger " + target
                                        + ": append waited more than " + TimeUnit.NANOSECONDS.toMillis(queueWaitNanos)
                                        + " ms for the writer; not appended", e);
                            }
                            taken = true; // in a batch in flight: wait for its outcome (its statements are bounded)
                            deadline = System.nanoTime() + batchWaitNanos;
                            continue;
                        }
                        LOG.error("ledger {}: the batch holding jti {} did not finish within {} ms", target, p.ect.jti(),
                                TimeUnit.NANOSECONDS.toMillis(batchWaitNanos));
                        throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE,
                                "ledger " + target + ": append did not finish in time", e);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof EctRejectedException r) {
                            throw new EctRejectedException(r.error(), r);
                        }
                        throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, e.getCause().getMessage(), e.getCause());
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void run() {
            List<Pending> batch = new ArrayList<>(MAX_BATCH);
            while (true) {
                Pending first;
                try {
                    first = queue.take();
                } catch (InterruptedException e) {
                    continue; // only close() ends the writer
                }
                batch.clear();
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                boolean last = batch.remove(stop);
                batch.removeIf(p -> !p.state.compareAndSet(Pending.QUEUED, Pending.TAKEN));
                if (!batch.isEmpty()) {
                    write(List.copyOf(batch));
                }
                if (last) {
                    return;
                }
            }
        }

        private void write(List<Pending> batch) {
            Object[] out;
            try {
                out = call(APPEND_BATCH, retry -> appendBatch(batch, retry));
            } catch (EctUnavailableException e) {
                if (isEntryFault(e.getCause())) {
                    // one entry's fault (a duplicate the pre-check could not see, data the database
                    // refuses): append each on its own, so it fails alone and the others go in
                    LOG.debug("ledger {}: a batch of {} failed on one entry ({}); appending one by one", target, batch.size(),
                            describe(e.getCause()));
                    for (Pending p : batch) {
                        try {
                            p.result.complete(appendAlone(p.token, p.appendId));
                        } catch (RuntimeException x) {
                            p.result.completeExceptionally(x);
                        }
                    }
                    return;
                }
                batch.forEach(p -> p.result.completeExceptionally(e));
                return;
            } catch (RuntimeException | Error e) {
                batch.forEach(p -> p.result.completeExceptionally(e));
                return;
            }
            for (int i = 0; i < out.length; i++) {
                Pending p = batch.get(i);
                if (out[i] instanceof LedgerEntry e) {
                    if (dagCache != null) {
                        dagCache.appended(e.hash(), p.token); // the catch-up need not decode it again
                    }
                    p.result.complete(e);
                } else {
                    p.result.completeExceptionally((Throwable) out[i]);
                }
            }
        }

        /** Appends what is queued, then stops the thread (bounded: each batch is bounded by the timeouts). */
        void close() {
            closed = true;
            queue.add(stop);
            if (started.get()) {
                try {
                    thread.join(TimeUnit.NANOSECONDS.toMillis(queueWaitNanos + batchWaitNanos));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private EctUnavailableException closedException() {
            return new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ledger " + target + " is closed");
        }
    }

    private static EctRejectedException duplicate(Ect ect) {
        return new EctRejectedException(EctError.of(ReasonCode.DAG_DUPLICATE_JTI, "L-06",
                "jti " + ect.jti() + " is already in the ledger" + (ect.wid() == null ? "" : " for workflow " + ect.wid())));
    }

    // ---------------------------------------------------------------- lookups (L-03)

    /**
     * All ECTs with this {@code jti} (in any letter case), in any workflow and from any issuer, in
     * chain order: the DAG check's store (V-13).
     */
    @Override
    public List<SignedEct> findByJti(String jti) {
        Objects.requireNonNull(jti, "jti");
        return decode(findEntries(jti));
    }

    private List<SignedEct> decode(List<LedgerEntry> entries) {
        List<SignedEct> out = new ArrayList<>(entries.size());
        for (LedgerEntry e : entries) {
            // an entry never changes (L-01) and its hash covers the compact token: decode it once
            out.add(decoded(e.jti(), e.hash(), e.compact()));
        }
        return List.copyOf(out);
    }

    /** The entries with this {@code jti}, in any workflow, in chain order (L-03). */
    @Override
    public List<LedgerEntry> findEntries(String jti) {
        Objects.requireNonNull(jti, "jti");
        return query("lookup by jti", "SELECT " + COLUMNS + " FROM " + table + " WHERE lower(jti) = lower(?) ORDER BY seq", jti);
    }

    /** The entry of ({@code wid}, {@code jti}) (L-03, L-06). */
    @Override
    public Optional<LedgerEntry> findEntry(String wid, String jti) {
        Objects.requireNonNull(jti, "jti");
        List<LedgerEntry> found = call("lookup by wid and jti", retry -> {
            try (Connection c = connection();
                 PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM " + rowsOfJti("lower(?)")
                         + " x WHERE lower(wid) = lower(?) ORDER BY seq")) {
                q.setString(1, jti);
                q.setString(2, wid == null ? "" : wid);
                return list(q);
            }
        });
        return found.stream().findFirst();
    }

    /** Every entry of a workflow, in chain order; a null {@code wid} selects the entries without one (L-03). */
    @Override
    public List<LedgerEntry> entriesOfWorkflow(String wid) {
        return query("lookup by wid", "SELECT " + COLUMNS + " FROM " + table + " WHERE lower(wid) = lower(?) ORDER BY seq",
                wid == null ? "" : wid);
    }

    /**
     * Entries {@code fromSeq} .. {@code fromSeq + limit - 1}, in chain order (paging, L-03).
     *
     * @throws IllegalArgumentException when {@code fromSeq < 1} or {@code limit < 0}
     */
    @Override
    public List<LedgerEntry> entries(long fromSeq, int limit) {
        if (fromSeq < 1) {
            throw new IllegalArgumentException("fromSeq must be >= 1");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0");
        }
        if (limit == 0) {
            return List.of();
        }
        return call("read entries", retry -> {
            try (Connection c = connection();
                 PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table + " WHERE seq >= ? ORDER BY seq LIMIT ?")) {
                q.setLong(1, fromSeq);
                q.setInt(2, limit);
                return list(q);
            }
        });
    }

    /**
     * The ancestors of the entries with this {@code jti} (L-03): every entry reachable through
     * {@code pred} within the same workflow, nearest first (by the length of the shortest path,
     * then by {@code seq}), each once; predecessors not in the ledger are skipped. One recursive
     * query; it never looks deeper than {@code limit} levels, so it is bounded even on a damaged
     * graph, and returns at most {@code limit} entries (the nearest ones). Ids are compared in
     * canonical lower case (P-01), the start {@code jti} as well as every {@code pred} element.
     * Bounded in time by the statement timeout; see {@link #ancestors(String, int, Duration)}.
     *
     * @throws IllegalArgumentException when {@code limit < 0}
     */
    @Override
    public List<LedgerEntry> ancestors(String jti, int limit) { return ancestors(jti, limit, null); }

    /**
     * {@link #ancestors(String, int)} bounded by a deadline of its own: the one recursive query runs
     * with {@code statement_timeout} = {@code timeout} (for example what is left of a
     * verification's time budget), so a walk over a huge or damaged graph ends as
     * {@code ledger_unavailable} (503) instead of holding the request. Never cut silently: within
     * the deadline the answer is complete up to {@code limit}.
     *
     * @param timeout at least 1 ms; {@code null} means the ledger's statement timeout (default 5 s)
     * @throws EctUnavailableException {@code ledger_unavailable} when the deadline passed or the
     *     database failed
     * @throws IllegalArgumentException when {@code limit < 0} or {@code timeout} is under 1 ms
     */
    public List<LedgerEntry> ancestors(String jti, int limit, Duration timeout) {
        Objects.requireNonNull(jti, "jti");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0");
        }
        if (timeout != null && timeout.toMillis() < 1) {
            throw new IllegalArgumentException("timeout must be at least 1 ms");
        }
        if (limit == 0) {
            return List.of();
        }
        // (seq, depth) pairs are distinct under UNION, and depth stops at limit: at most
        // entries x limit rows, never one per path (a DAG of diamonds has exponentially many paths).
        // Each pred element is looked up through the lower(jti) index: the LATERAL subquery with
        // OFFSET 0 is a fence the planner cannot flatten or push the wid test into, so every level
        // costs one index probe per element whatever the statistics say. (Joining on wid and
        // "lower(jti) = ANY(lower(pred::text)::text[])" let the planner hash the whole workflow
        // and scan it once per level: 38 s for a 3,000-entry chain instead of ~25 ms.)
        String step = " CROSS JOIN LATERAL unnest(%1$s.pred) AS x(j)"
                + " CROSS JOIN LATERAL (SELECT q.seq, q.wid, q.pred FROM " + table + " q WHERE lower(q.jti) = lower(x.j) OFFSET 0) p";
        String sql = "WITH RECURSIVE anc(seq, wid, pred, depth) AS ("
                + " SELECT p.seq, p.wid, p.pred, 1 FROM " + table + " s" + String.format(step, "s")
                + "   WHERE lower(s.jti) = lower(?) AND lower(p.wid) = lower(s.wid)"
                + " UNION"
                + " SELECT p.seq, p.wid, p.pred, a.depth + 1 FROM anc a" + String.format(step, "a")
                + "   WHERE a.depth < ? AND lower(p.wid) = lower(a.wid)"
                + "), nearest AS (SELECT seq, min(depth) AS depth FROM anc GROUP BY seq ORDER BY 2, 1 LIMIT ?)"
                + " SELECT " + prefixed("t") + " FROM " + table + " t JOIN nearest n ON n.seq = t.seq"
                + " WHERE lower(t.jti) <> lower(?) ORDER BY n.depth, t.seq";
        return call("ancestors", retry -> {
            try (Connection c = connection()) {
                if (timeout != null) {
                    c.setAutoCommit(false); // SET LOCAL: this transaction only, the pooled connection keeps its timeout
                }
                try (PreparedStatement q = c.prepareStatement(sql)) {
                    if (timeout != null) {
                        try (Statement st = c.createStatement()) {
                            st.execute("SET LOCAL statement_timeout = " + timeout.toMillis());
                        }
                    }
                    q.setString(1, jti);
                    q.setInt(2, limit);
                    q.setInt(3, limit + 1); // one spare: a damaged graph may lead back to the start
                    q.setString(4, jti);
                    List<LedgerEntry> found = list(q);
                    return found.size() > limit ? List.copyOf(found.subList(0, limit)) : found;
                } finally {
                    if (timeout != null) {
                        rollbackQuietly(c, null);
                        c.setAutoCommit(true);
                    }
                }
            }
        });
    }

    /**
     * The G-05 ancestor walk of the DAG check, answered in the common case by one probe of indexes
     * and stored bounds instead of a walk, and otherwise by the exact walk (one recursive query);
     * the answer is always the one the exact walk gives.
     *
     * <p><b>The probe</b> (one statement, one snapshot): (1) does any entry of the child's
     * workflow name {@code jti} in {@code pred} (a GIN index over the lower-cased {@code pred}
     * ids)? Only then can a walk reach an entry naming the child, whatever the G-02 policy, so
     * without one the outcome depends only on how many entries are reachable. (2) The stored
     * bounds of the start entries (every entry of the parents' ids in the workflow): if the
     * longest {@code pred} path from one of them ({@code anc_lower}) is longer than {@code limit},
     * more than {@code limit} are reachable: {@link AncestorWalk.Outcome#LIMIT_EXCEEDED}; if the
     * sum of their upper bounds ({@code anc_upper}: 1 + the sum over an entry's resolved
     * predecessors, an over-count on diamonds) is at most {@code limit}, and no entry of the
     * workflow was recorded after an entry naming it (which would leave the earlier bounds short),
     * all are within the bound: {@link AncestorWalk.Outcome#COMPLETE}, with {@code visited} 0
     * (none was examined). The bounds are computed by the database when a row is inserted (schema
     * version 3); rows older than that have none, and walks through them are exact.
     *
     * <p><b>The exact walk</b>, when the probe hits or the bounds do not decide: one recursive
     * query from the entries of the parents' ids in their workflow, through {@code pred} within
     * that workflow (every entry carrying an id, from any issuer, each entry once, ids in lower
     * case, P-01), breadth first. The query stops producing rows after {@code limit + 1}
     * (PostgreSQL evaluates a recursive query only as far as its reader fetches), so it is bounded
     * on any graph, a cycle included. Answers {@link AncestorWalk.Outcome#REACHED_TARGET} when one
     * of the first {@code limit} entries names {@code jti}, {@link AncestorWalk.Outcome#LIMIT_EXCEEDED}
     * when a {@code limit + 1}st exists.
     *
     * @param timeout the time left of the DAG check's deadline: the query timeout of the probe and
     *     then of the walk with what is left (each capped by the statement timeout); beyond it 503
     *     {@code ledger_unavailable}
     */
    @Override
    public AncestorWalk walkAncestors(List<SignedEct> parents, String jti, int limit, Duration timeout) {
        Objects.requireNonNull(parents, "parents");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(timeout, "timeout");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1");
        }
        if (parents.isEmpty()) {
            return AncestorWalk.complete(0);
        }
        walkCalls.incrementAndGet();
        if (dagCache != null) {
            long begin = System.nanoTime();
            // the parents' ids through a round: every id the walk reads is then as fresh as the check
            List<String> ids = new ArrayList<>(parents.size() + 1);
            parents.forEach(p -> ids.addAll(p.ect().pred()));
            if (!ids.isEmpty()) {
                dagCache.lookup(ids.stream().map(Uuids::canonical).distinct().toList(), timeout);
            }
            return walkCachedOrInSql(parents, jti, limit, begin, timeout);
        }
        return walkInSql(parents, jti, limit, timeout);
    }

    /**
     * The walk over the DAG cache (right after a round), or, when an ancestor is not cached, in SQL
     * with what is left of {@code timeout} since {@code begin}.
     */
    private AncestorWalk walkCachedOrInSql(List<SignedEct> parents, String jti, int limit, long begin, Duration timeout) {
        AncestorWalk walk = cachedWalk(parents, Uuids.canonical(jti), limit);
        if (walk != null) {
            cachedWalks.incrementAndGet();
            return walk;
        }
        return walkInSql(parents, jti, limit, timeLeft(begin, timeout));
    }

    /** What is left of {@code timeout} since {@code begin} (nanoTime); 503 when nothing is: the walk is not started. */
    private Duration timeLeft(long begin, Duration timeout) {
        long left = timeout.toNanos() - (System.nanoTime() - begin);
        if (left <= 0) {
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ledger " + target
                    + ": ancestor walk not started: the DAG check's deadline passed (dagTimeout, ECT_DAG_TIMEOUT_MS)");
        }
        return Duration.ofNanos(left);
    }

    /** {@link #walkAncestors} in SQL: the probe of a version-3 schema when it decides, else the exact walk. */
    private AncestorWalk walkInSql(List<SignedEct> parents, String jti, int limit, Duration timeout) {
        long begin = System.nanoTime();
        String wid = parents.get(0).ect().wid(); // the child's workflow: every parent is in it (G-03)
        String[] start = new String[parents.size()];
        for (int i = 0; i < start.length; i++) {
            start[i] = parents.get(i).ect().jti().toLowerCase(Locale.ROOT);
        }
        String widValue = wid == null ? "" : wid;
        AncestorWalk probed = probeWalk(start, widValue, jti, limit, timeout);
        if (probed != null) {
            probedWalks.incrementAndGet();
            return probed;
        }
        Duration left = timeLeft(begin, timeout);
        exactWalks.incrementAndGet();
        return exactWalk(start, widValue, jti, limit, left);
    }

    /** Walks answered by the probe and by the exact walk, in this order (tests, measurements). */
    long[] walkCounts() { return new long[] {probedWalks.get(), exactWalks.get()}; }

    /** Calls of {@link #walkAncestors} so far (tests: a DAG check the lookups decided makes none). */
    long walkCalls() { return walkCalls.get(); }

    /**
     * The probe of {@link #walkAncestors}: the outcome when the indexes and stored bounds decide
     * it, else null. One statement; each subquery reads one index (the OFFSET 0 fences keep the
     * planner from trading them for the {@code lower(wid)} index, which covers the whole workflow).
     */
    private AncestorWalk probeWalk(String[] start, String wid, String jti, int limit, Duration timeout) {
        String sql = probeOnlySql;
        return call("ancestor walk probe", retry -> {
            if (schemaVersion != 3) {
                return null; // no bounds: an older schema read as it is (createSchema false), or version 4 (none kept)
            }
            try (Connection c = connection(); PreparedStatement q = c.prepareStatement(sql)) {
                limitTime(q, timeout);
                bindProbe(c, q, start, wid, jti);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    return probed(rs, limit);
                }
            } catch (SQLException e) {
                throw deadlineOr(e, "ancestor walk", timeout);
            }
        });
    }

    /** Binds the probe's parameters 1..5: the child's {@code jti}, its workflow, the start ids (lower case). */
    private static void bindProbe(Connection c, PreparedStatement q, String[] start, String wid, String jti) throws SQLException {
        q.setString(1, jti);
        q.setString(2, wid);
        q.setString(3, wid);
        q.setArray(4, c.createArrayOf("text", start));
        q.setString(5, wid);
    }

    /**
     * The probe's decision from its row: {@code dag_too_deep} by the stored lower bound, "no cycle,
     * within the limit" by the upper bounds when nothing names the child and no entry of the workflow
     * came late, or null: only the exact walk can tell.
     */
    private static AncestorWalk probed(ResultSet rs, int limit) throws SQLException {
        if (rs.getBoolean("named")) {
            return null; // an entry names the child: only the walk tells whether it is reachable
        }
        if (rs.getLong("lower_max") > limit) {
            return AncestorWalk.limitExceeded(limit);
        }
        if (!rs.getBoolean("late") && rs.getLong("known") == rs.getLong("found") && rs.getLong("upper_sum") <= limit) {
            return AncestorWalk.complete(0);
        }
        return null;
    }

    /**
     * G-05's probe (schema version 3): does an entry of the workflow name the child's {@code jti}
     * (only then can a walk reach it), did any entry of the workflow come late, and the stored bounds
     * of the start entries. One row; parameters as {@link #bindProbe}.
     */
    private String probeSql() {
        return "SELECT EXISTS (SELECT 1 FROM (SELECT wid FROM " + table + " WHERE " + schema.lowerIdsFunction()
                + "(pred) @> ARRAY[lower(?)] OFFSET 0) n WHERE lower(n.wid) = lower(?)) AS named,"
                + " EXISTS (SELECT 1 FROM " + table + " WHERE late AND lower(wid) = lower(?)) AS late,"
                + " s.found, s.known, s.upper_sum, s.lower_max"
                + " FROM (SELECT count(*) AS found, count(p.anc_upper) AS known, least(sum(p.anc_upper), 4294967296) AS upper_sum,"
                + "       coalesce(max(coalesce(p.anc_lower, 1)), 0) AS lower_max"
                + "       FROM (SELECT wid, anc_upper, anc_lower FROM " + table + " WHERE lower(jti) = ANY(?) OFFSET 0) p"
                + "       WHERE lower(p.wid) = lower(?)) s";
    }

    /** {@link #walkAncestors} without the probe: always the exact walk (tests compare the two). */
    AncestorWalk exactWalkAncestors(List<SignedEct> parents, String jti, int limit, Duration timeout) {
        if (parents.isEmpty()) {
            return AncestorWalk.complete(0);
        }
        String[] start = parents.stream().map(p -> p.ect().jti().toLowerCase(Locale.ROOT)).toArray(String[]::new);
        String wid = parents.get(0).ect().wid();
        return exactWalk(start, wid == null ? "" : wid, jti, limit, timeout);
    }

    /** The exact G-05 walk of {@link #walkAncestors} in one recursive query. */
    AncestorWalk exactWalk(String[] start, String wid, String jti, int limit, Duration timeout) {
        // Every node is in the start's workflow, so wid is a constant filter. It sits outside an
        // OFFSET 0 subquery so that each step is an index lookup on lower(jti) alone: without table
        // statistics (a young ledger) the planner would otherwise hash-join on wid, which scans
        // the whole workflow once per step. UNION keeps each entry once (a cycle ends the recursion).
        String step = "(SELECT seq, wid, pred FROM " + table + " WHERE lower(jti) = ANY(%s) OFFSET 0) p WHERE lower(p.wid) = lower(?)";
        String sql = "WITH RECURSIVE anc(seq, pred) AS ("
                + " SELECT p.seq, p.pred FROM " + step.formatted("?")
                + " UNION"
                + " SELECT p.seq, p.pred FROM anc a CROSS JOIN LATERAL " + step.formatted("lower(a.pred::text)::text[]")
                + "), firsts AS (SELECT pred, row_number() OVER () AS n FROM (SELECT pred FROM anc LIMIT ?) l)"
                + " SELECT count(*), coalesce(min(n) FILTER (WHERE n <= ? AND lower(?) = ANY(lower(pred::text)::text[])), 0)"
                + " FROM firsts";
        return call("ancestor walk", retry -> {
            try (Connection c = connection(); PreparedStatement q = c.prepareStatement(sql)) {
                limitTime(q, timeout);
                q.setArray(1, c.createArrayOf("text", start));
                q.setString(2, wid);
                q.setString(3, wid);
                q.setInt(4, limit + 1);
                q.setInt(5, limit);
                q.setString(6, jti);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    int rows = rs.getInt(1);
                    int firstHit = rs.getInt(2);
                    if (firstHit > 0) {
                        return AncestorWalk.reachedTarget(firstHit);
                    }
                    return rows > limit ? AncestorWalk.limitExceeded(limit) : AncestorWalk.complete(rows);
                }
            } catch (SQLException e) {
                throw deadlineOr(e, "ancestor walk", timeout);
            }
        });
    }

    /**
     * {@link #findByJti(String)} with the time left of the DAG check's deadline as the statement's
     * query timeout (capped by the statement timeout); beyond it 503 {@code ledger_unavailable}.
     */
    @Override
    public List<SignedEct> findByJti(String jti, Duration timeout) {
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(timeout, "timeout");
        // the DAG check needs the tokens only: each row's token and its hash (the key of the decoded
        // tokens), not the other columns; a token is decoded once per ledger (by hash), not on every lookup
        return call("lookup by jti", retry -> {
            try (Connection c = connection(); PreparedStatement q = c.prepareStatement("SELECT jti, hash, compact FROM " + table
                    + " WHERE lower(jti) = lower(?) ORDER BY seq")) {
                limitTime(q, timeout);
                q.setString(1, jti);
                List<SignedEct> out = new ArrayList<>(1);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(decoded(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
                return List.copyOf(out);
            } catch (SQLException e) {
                throw deadlineOr(e, "lookup by jti", timeout);
            }
        });
    }

    /**
     * The DAG check's lookups (G-01's {@code jti} and every {@code pred} entry) in <b>one</b> query
     * instead of one per id, with the time left of the DAG check's deadline as its query timeout
     * (capped by the statement timeout); beyond it 503 {@code ledger_unavailable}. Like
     * {@link #findByJti(String, Duration)}: ids in lower case (P-01), every workflow and issuer,
     * chain order, only each row's token and hash read, each token decoded once.
     */
    @Override
    public List<List<SignedEct>> findByJtis(List<String> jtis, Duration timeout) {
        if (dagCache != null) {
            Objects.requireNonNull(jtis, "jtis");
            Objects.requireNonNull(timeout, "timeout");
            return jtis.isEmpty() ? List.of() : cachedLookups(jtis, timeout);
        }
        return lookups(jtis, timeout, null, 0).found();
    }

    /**
     * The DAG check's lookups and its G-05 probe in <b>one</b> statement (schema version 3): the rows
     * of the child's {@code jti} and of each {@code pred} entry (as {@link #findByJtis}), and the
     * probe of {@link #walkAncestors} for the child from its {@code pred} entries in its workflow
     * (an entry of the workflow naming the child, late entries, the stored bounds). When the probe
     * decides G-05 the result carries the walk; otherwise the validator asks {@link #walkAncestors},
     * which runs the exact walk. One round trip per DAG check instead of two.
     */
    @Override
    public DagLookups lookupForCheck(Ect child, List<String> ids, int limit, Duration timeout) {
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(timeout, "timeout");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1");
        }
        if (dagCache != null) {
            long begin = System.nanoTime();
            List<List<SignedEct>> found = cachedLookups(ids, timeout);
            if (ids.size() < 2 || ids.size() != child.pred().size() + 1) {
                return DagLookups.of(found);
            }
            List<SignedEct> parents = parentsOf(child, found);
            if (parents == null) {
                return DagLookups.of(found);
            }
            return DagLookups.of(found, parents.isEmpty() ? AncestorWalk.complete(0)
                    : walkCachedOrInSql(parents, Uuids.canonical(child.jti()), limit, begin, timeout));
        }
        if (ids.size() < 2 || ids.size() != child.pred().size() + 1) {
            return DagLookups.of(findByJtis(ids, timeout)); // no pred (no walk), or not the validator's shape
        }
        return lookups(ids, timeout, child, limit);
    }

    /** The lookups of {@code jtis}; with {@code child} (and schema version 3) the G-05 probe in the same statement. */
    private DagLookups lookups(List<String> jtis, Duration timeout, Ect child, int limit) {
        Objects.requireNonNull(jtis, "jtis");
        Objects.requireNonNull(timeout, "timeout");
        if (jtis.isEmpty()) {
            return DagLookups.of(List.of());
        }
        String[] ids = jtis.toArray(String[]::new);
        return call("lookup by jtis", retry -> {
            // the probe rides along only on a version-3 schema (an older one read as it is has no bounds)
            boolean probe = child != null && schemaVersion == 3;
            String sql = probe ? lookupsWithProbeSql : lookupsSql;
            try (Connection c = connection(); PreparedStatement q = c.prepareStatement(sql)) {
                limitTime(q, timeout);
                if (probe) {
                    String[] start = new String[ids.length - 1];
                    for (int i = 1; i < ids.length; i++) {
                        start[i - 1] = ids[i].toLowerCase(Locale.ROOT);
                    }
                    bindProbe(c, q, start, child.wid() == null ? "" : child.wid(), ids[0]);
                    q.setArray(6, c.createArrayOf("text", ids));
                } else {
                    q.setArray(1, c.createArrayOf("text", ids));
                }
                List<List<SignedEct>> out = new ArrayList<>(ids.length);
                for (int i = 0; i < ids.length; i++) {
                    out.add(new ArrayList<>(1));
                }
                AncestorWalk walk = null;
                try (ResultSet rs = q.executeQuery()) {
                    boolean first = true;
                    while (rs.next()) {
                        if (probe && first) {
                            walk = probed(rs, limit); // the probe's columns are the same on every row
                            first = false;
                        }
                        long i = rs.getLong(1);
                        if (!rs.wasNull()) { // the probe's row alone when nothing is stored under any id
                            out.get((int) i - 1).add(decoded(rs.getString(2), rs.getString(3), rs.getString(4)));
                        }
                    }
                }
                List<List<SignedEct>> result = new ArrayList<>(ids.length);
                out.forEach(l -> result.add(List.copyOf(l)));
                if (walk != null) {
                    probedWalks.incrementAndGet();
                    return DagLookups.of(List.copyOf(result), walk);
                }
                return DagLookups.of(List.copyOf(result));
            } catch (SQLException e) {
                throw deadlineOr(e, "lookup by jtis", timeout);
            }
        });
    }


    // ---------------------------------------------------------------- the DAG cache (schema version 4)

    /** One round of the DAG cache: the rows after {@code applied} and every row of {@code ids}, one statement, one snapshot. */
    private List<DagCache.Fetched> readRound(long applied, int limit, String[] ids) {
        String sql = schemaVersion >= 4 ? roundSql : roundSqlBefore4;
        return call("DAG cache round", retry -> {
            try (Connection c = connection(); PreparedStatement q = c.prepareStatement(sql)) {
                q.setLong(1, applied);
                q.setInt(2, limit);
                q.setArray(3, c.createArrayOf("text", ids));
                List<DagCache.Fetched> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        Object shared = rs.getObject(8);
                        out.add(new DagCache.Fetched(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                                List.of((String[]) rs.getArray(5).getArray()), rs.getString(6), rs.getString(7),
                                shared == null ? null : (Boolean) shared));
                    }
                }
                return out;
            }
        });
    }

    /** The DAG check's lookups from the DAG cache: every stored token of each id, as of a round after this call. */
    private List<List<SignedEct>> cachedLookups(List<String> jtis, Duration timeout) {
        List<String> ids = new ArrayList<>(jtis.size());
        for (String j : jtis) {
            ids.add(Uuids.canonical(Objects.requireNonNull(j, "jti")));
        }
        List<List<DagCache.Row>> rows = dagCache.lookup(ids, timeout);
        List<List<SignedEct>> out = new ArrayList<>(rows.size());
        for (List<DagCache.Row> l : rows) {
            if (l.isEmpty()) {
                out.add(List.of());
            } else if (l.size() == 1) {
                out.add(List.of(dagCache.token(l.get(0))));
            } else {
                SignedEct[] t = new SignedEct[l.size()];
                for (int i = 0; i < t.length; i++) {
                    t[i] = dagCache.token(l.get(i));
                }
                out.add(List.of(t));
            }
        }
        return out;
    }

    /**
     * G-05 in memory over the DAG cache, depth first as {@code EctStore}'s default walk (every ECT
     * carrying an id in the node's workflow followed, each id once); null when an ancestor's id is
     * not cached (then only the exact walk in SQL can tell).
     */
    private AncestorWalk cachedWalk(List<SignedEct> parents, String jti, int limit) {
        java.util.ArrayDeque<WalkNode> todo = new java.util.ArrayDeque<>();
        Set<String> looked = new HashSet<>();
        for (SignedEct p : parents) {
            todo.add(new WalkNode(p.ect().wid() == null ? "" : p.ect().wid(), p.ect().pred()));
            looked.add(Uuids.canonical(p.ect().jti()));
        }
        int visited = 0;
        while (!todo.isEmpty()) {
            WalkNode node = todo.pop();
            if (++visited > limit) {
                return AncestorWalk.limitExceeded(limit);
            }
            for (String p : node.pred()) {
                if (Uuids.same(p, jti)) {
                    return AncestorWalk.reachedTarget(visited);
                }
                String id = Uuids.canonical(p);
                if (!looked.add(id)) {
                    continue;
                }
                DagCache.Row[] rows = dagCache.cached(id);
                if (rows == null) {
                    return null; // not cached (or not stored: only the ledger can tell which)
                }
                for (DagCache.Row r : rows) { // every row of the id (the cache holds an id's rows only)
                    if (Uuids.same(r.wid, node.wid())) {
                        todo.push(new WalkNode(r.wid, r.pred));
                    }
                }
            }
        }
        return AncestorWalk.complete(visited);
    }

    /** A node of {@link #cachedWalk}: its workflow ({@code ""} when absent) and {@code pred}, all the walk reads. */
    private record WalkNode(String wid, List<String> pred) {}

    /** The parents the validator's G-05 walk starts from: each pred's one stored ECT in the child's workflow. */
    private static List<SignedEct> parentsOf(Ect child, List<List<SignedEct>> found) {
        List<SignedEct> parents = new ArrayList<>(child.pred().size());
        for (int i = 1; i < found.size(); i++) {
            SignedEct one = null;
            int n = 0;
            for (SignedEct f : found.get(i)) {
                if (Uuids.same(f.ect().wid(), child.wid())) {
                    n++;
                    one = f;
                }
            }
            if (n > 1) {
                return null; // G-07 refuses the child before any walk
            }
            if (one != null) {
                parents.add(one);
            }
        }
        return parents;
    }

    /** The ids the DAG cache holds now (tests). */
    long dagCacheIds() { return dagCache == null ? 0 : dagCache.size(); }

    /** Walks and rounds of the DAG cache: {walks answered in memory, rounds, ids asked} (tests, measurements). */
    long[] dagCacheCounts() {
        long[] c = dagCache == null ? new long[2] : dagCache.counts();
        return new long[] {cachedWalks.get(), c[0], c[1]};
    }

    /** A stored token with its ECT, decoded once per entry hash. */
    private SignedEct decoded(String jti, String hash, String compact) {
        SignedEct e = decoded.getIfPresent(hash);
        if (e == null) {
            e = decode(jti, hash, compact);
            decoded.put(hash, e);
        }
        return e;
    }

    /** Decodes a stored token (the DAG cache keeps what it decoded with its row, so it calls this directly). */
    private SignedEct decode(String jti, String hash, String compact) {
        decodes.incrementAndGet();
        // LedgerEntry decodes with ect-core's one codec; only the token matters here
        return new LedgerEntry(0, compact, jti, null, null, null, List.of(), Instant.EPOCH, "", hash).signed();
    }

    /** Tokens decoded by lookups so far (tests, measurements). */
    long decodes() { return decodes.get(); }

    /** The statement's query timeout: the time left, but never more than the statement timeout. */
    private void limitTime(PreparedStatement q, Duration timeout) throws SQLException {
        long ms = Math.max(1, Math.min(statementTimeoutMillis, (timeout.toNanos() + 999_999) / 1_000_000));
        q.unwrap(PgStatement.class).setQueryTimeoutMs(ms);
    }

    /** A statement cancelled by the query timeout (SQLState 57014) ran out of the DAG check's time: say so. */
    private SQLException deadlineOr(SQLException e, String what, Duration timeout) {
        if ("57014".equals(e.getSQLState()) && timeout.toMillis() < statementTimeoutMillis) {
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ledger " + target + ": " + what
                    + " cancelled at the DAG check's deadline (dagTimeout, ECT_DAG_TIMEOUT_MS; " + timeout.toMillis()
                    + " ms were left)", e);
        }
        return e;
    }

    /** The number of entries (the head's {@code seq}). */
    public long size() {
        return call("size", retry -> {
            try (Connection c = connection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * Checks the whole chain (L-04) with {@link ChainVerification}: sequence numbers without gaps,
     * each {@code prev_hash} equal to the previous hash, each hash recomputed, the stored fields
     * equal to the token's claims, no ({@code wid}, {@code jti}) twice; the result names the first
     * broken entry. Streams the table through a cursor; the statement timeout does not apply.
     */
    @Override
    public ChainVerification verifyChain() {
        return call("verify chain", retry -> {
            try (Connection c = connection()) {
                c.setAutoCommit(false); // the driver streams with a cursor only inside a transaction
                try (Statement st = c.createStatement()) {
                    st.execute("SET TRANSACTION READ ONLY");
                    st.execute("SET LOCAL statement_timeout = 0");
                    st.setFetchSize(500);
                    try (ResultSet rs = st.executeQuery("SELECT " + COLUMNS + " FROM " + table + " ORDER BY seq")) {
                        return ChainVerification.of(() -> new RowIterator(rs));
                    } catch (UncheckedSql e) {
                        throw e.getCause();
                    }
                } finally {
                    rollbackQuietly(c, null);
                    c.setAutoCommit(true);
                }
            }
        });
    }

    /** Entries read lazily from a result set, for {@link ChainVerification#of(Iterable)}. */
    private static final class RowIterator implements Iterator<LedgerEntry> {
        private final ResultSet rs;
        private Boolean hasNext;

        RowIterator(ResultSet rs) { this.rs = rs; }

        @Override
        public boolean hasNext() {
            if (hasNext == null) {
                try {
                    hasNext = rs.next();
                } catch (SQLException e) {
                    throw new UncheckedSql(e);
                }
            }
            return hasNext;
        }

        @Override
        public LedgerEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            hasNext = null;
            try {
                return entry(rs);
            } catch (SQLException e) {
                throw new UncheckedSql(e);
            }
        }
    }

    private static final class UncheckedSql extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedSql(SQLException e) { super(e); }

        @Override
        public synchronized SQLException getCause() { return (SQLException) super.getCause(); }
    }

    /** True when the database answers within the timeouts; for health checks. Never throws. */
    public boolean isAvailable() {
        try (Connection c = connection()) {
            boolean ok = c.isValid((int) Math.max(1, pool.getValidationTimeout() / 1000));
            if (ok && reachable.compareAndSet(false, true)) {
                LOG.info("ledger {} is reachable again", target);
            }
            return ok;
        } catch (SQLException | RuntimeException e) {
            markUnreachable(e);
            return false;
        }
    }

    /**
     * A pooled connection; after a connection-level failure, or when the pool cannot hand one out
     * in time, a direct one. The pool reconnects in the background with a back-off of up to 5 s;
     * the direct connection makes a call fail fast while the database is down (a refused connect
     * is immediate) and succeed on the first call once it is back, without waiting for the pool.
     */
    private Connection connection() throws SQLException {
        if (!reachable.get()) {
            return direct();
        }
        try {
            return pool.getConnection();
        } catch (SQLTransientConnectionException e) {
            try {
                return direct();
            } catch (SQLException d) {
                e.addSuppressed(d);
                throw e;
            }
        }
    }

    /**
     * The settings of every session of the ledger's own (pool or direct): the statement timeout, and
     * {@code enable_seqscan = off}. Every statement the ledger runs on the request path is an index
     * lookup, and PostgreSQL caches a prepared statement's generic plan: planned while the table is
     * still small (a fresh ledger, before autovacuum has analyzed it) it would scan the whole table on
     * every later execution, for as long as the connection lives. Measured in the multi-instance load
     * test (BENCHMARKS.md §8b): the G-05 probe took 3.4 ms instead of 0.05 ms per execution.
     *
     * <p>And {@code plan_cache_mode = force_generic_plan} (PostgreSQL 12 or later): with the default
     * ({@code auto}) PostgreSQL kept custom plans for the DAG check's statement and the batch
     * pre-check, planning them afresh at every execution: the DAG check's statement cost 407 µs of
     * server CPU per execution in pgbench instead of 95 µs with the generic plan, and the pre-check's
     * bind 251 µs instead of 76 µs in the multi-instance load test ({@code log_statement_stats},
     * BENCHMARKS.md §8c). A generic plan is planned once per connection, usually while the ledger is
     * still fresh and without statistics, so every statement here is written to leave the planner no
     * plan but index probes of the ids it looks up (OFFSET 0 fences around the {@code jti}
     * conditions); {@code JdbcNoTableScanTest} counts the index entries read per verification.
     */
    private static String sessionSettings(long statementTimeoutMillis) {
        return "SET statement_timeout = " + statementTimeoutMillis + "; SET enable_seqscan = off;"
                + " SET plan_cache_mode = force_generic_plan";
    }

    private Connection direct() throws SQLException {
        Connection c = driver.connect(driverUrl, connectionProperties);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver does not accept the URL", "08001");
        }
        try (Statement st = c.createStatement()) {
            st.execute(sessionSettings(statementTimeoutMillis));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Appends what is already queued (append batching), then closes the connection pool. Later appends are 503. */
    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
        if (dagCache != null) {
            dagCache.close();
        }
        pool.close();
    }

    /** Appends waiting for the writer thread (tests). */
    int queuedAppends() { return writer == null ? 0 : writer.queued(); }

    @Override
    public String toString() { return "JdbcLedger{" + target + "}"; }

    // ---------------------------------------------------------------- plumbing

    @FunctionalInterface
    private interface Work<T> {
        T run(boolean retry) throws SQLException;
    }

    /**
     * Runs the work, creating the schema first when that has not succeeded yet. A failure on a
     * broken connection is retried once on a fresh one; anything else that is not the token's
     * fault is {@code ledger_unavailable}.
     */
    private <T> T call(String what, Work<T> work) {
        try {
            ensureSchema();
            T result;
            try {
                result = work.run(false);
            } catch (SQLException e) {
                if (!isBrokenConnection(e)) {
                    throw e;
                }
                LOG.debug("ledger {}: {} failed on a broken connection, retrying once: {}", target, what, e.toString());
                result = work.run(true);
            }
            if (reachable.compareAndSet(false, true)) {
                LOG.info("ledger {} is reachable again", target);
            }
            return result;
        } catch (EctRejectedException e) {
            throw e;
        } catch (EctUnavailableException e) {
            markUnreachable(e.getCause() != null ? e.getCause() : e);
            throw e;
        } catch (SQLException | RuntimeException e) {
            if (!markUnreachable(e) && !(APPEND_BATCH.equals(what) && isEntryFault(e))) { // a batch's entry fault: retried one by one
                LOG.warn("ledger {}: {} failed (503 ledger_unavailable): {}", target, what, describe(e));
            }
            throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE,
                    "ledger " + target + ": " + what + " failed: " + describe(e), e);
        }
    }

    /** Records a connection-level failure; returns false for other failures (timeouts, SQL errors). */
    private boolean markUnreachable(Throwable e) {
        if (!isConnectionFailure(e)) {
            return false;
        }
        if (reachable.compareAndSet(true, false)) {
            LOG.warn("ledger {} is unreachable, refusing ECTs (503 ledger_unavailable): {}", target, describe(e));
        }
        return true;
    }

    private static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLException s && isBrokenConnection(s)) {
                return true;
            }
        }
        return false;
    }

    private void ensureSchema() {
        if (migrated.get()) {
            return;
        }
        synchronized (migrated) {
            if (migrated.get()) {
                return;
            }
            try (Connection c = connection()) {
                if (createSchema) {
                    int before = schema.migrate(c);
                    if (before < Schema.LATEST) {
                        LOG.info("ledger {}: schema migrated from version {} to {}", target, before, Schema.LATEST);
                    }
                    schemaVersion = Schema.LATEST;
                } else {
                    schemaVersion = schema.inspect(c); // never any DDL; a missing schema or table is an error
                }
                warnWhenOwner(c);
                migrated.set(true);
            } catch (IllegalStateException e) {
                if (createSchema) {
                    throw schemaFailed(e);
                }
                // ect.createSchema=false: the schema is not there (or too new); say so plainly, and no retry will create it
                throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ledger " + target + ": " + e.getMessage(), e);
            } catch (SQLException | RuntimeException e) {
                throw schemaFailed(e);
            }
        }
    }

    private EctUnavailableException schemaFailed(Exception e) {
        return new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ledger " + target + ": "
                + (createSchema ? "creating the schema failed: " : "reading the schema failed: ") + describe(e), e);
    }

    /** L-11: the owner (or a superuser) can switch the append-only triggers off; the verifier should not run as one. */
    private void warnWhenOwner(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT t.tableowner = current_user OR r.rolsuper"
                + " FROM pg_tables t, pg_roles r WHERE r.rolname = current_user AND t.schemaname = ? AND t.tablename = ?")) {
            q.setString(1, schema.schema());
            q.setString(2, schema.prefix() + "ledger");
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next() && rs.getBoolean(1)) {
                    LOG.warn("ledger {}: connected as the table's owner or a superuser, who can disable the append-only"
                            + " triggers (L-11); run verifiers as a runtime role with SELECT and INSERT only (see the ect-jdbc README)", target);
                }
            }
        }
    }

    /** SQLState class 08 (connection exception), 57P01..03 (server shutting down / restarting). */
    static boolean isBrokenConnection(SQLException e) {
        if (e instanceof SQLTransientConnectionException) {
            return false; // the pool could not get a connection in time: retrying would only wait again
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        String state = e instanceof SQLException s && s.getSQLState() != null ? " [SQLState " + s.getSQLState() + "]" : "";
        return e.getClass().getSimpleName() + state + ": " + e.getMessage();
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            }
        }
    }

    private List<LedgerEntry> query(String what, String sql, String arg) {
        return call(what, retry -> {
            try (Connection c = connection(); PreparedStatement q = c.prepareStatement(sql)) {
                q.setString(1, arg);
                return list(q);
            }
        });
    }

    private static List<LedgerEntry> list(PreparedStatement q) throws SQLException {
        List<LedgerEntry> out = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                out.add(entry(rs));
            }
        }
        return List.copyOf(out);
    }

    private static String prefixed(String alias) {
        StringBuilder sb = new StringBuilder();
        for (String col : COLUMNS.split(", ")) {
            sb.append(sb.length() == 0 ? "" : ", ").append(alias).append('.').append(col);
        }
        return sb.toString();
    }

    private static LedgerEntry entry(ResultSet rs) throws SQLException {
        Array pred = rs.getArray("pred");
        String wid = rs.getString("wid");
        return new LedgerEntry(rs.getLong("seq"), rs.getString("compact"), rs.getString("jti"), wid.isEmpty() ? null : wid,
                rs.getString("iss"), rs.getString("exec_act"), Arrays.asList((String[]) pred.getArray()),
                rs.getTimestamp("recorded_at").toInstant(), rs.getString("prev_hash"), rs.getString("hash"));
    }

    /**
     * Options of a {@link JdbcLedger}. Every option has a default; each may be set once.
     */
    public static final class Builder {
        private final String url;
        private final boolean verifiedTls;
        private String schema;
        private String urlSchema;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private Clock clock = Clock.systemUTC();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
        private int maxPoolSize = DEFAULT_MAX_POOL_SIZE;
        private boolean appendBatching = true;
        private boolean batchingSet;
        private int dagCacheSize = DEFAULT_DAG_CACHE_SIZE;
        private boolean dagCacheSet;
        private boolean createSchema = true;
        private boolean createSet;
        private boolean prefixSet;
        private boolean clockSet;
        private boolean connectSet;
        private boolean statementSet;
        private boolean poolSet;

        private Builder(String url) {
            Objects.requireNonNull(url, "jdbcUrl cannot be null");
            Map.Entry<String, Map<String, String>> split = JdbcUrls.splitOptions(JdbcUrls.check(url.trim()));
            this.url = split.getKey();
            this.verifiedTls = JdbcUrls.checkTls(this.url);
            split.getValue().forEach(this::option);
        }

        /** An {@code ect.*} URL option, so ECT_JDBC_URL alone can configure a deployment; setters override it. */
        private void option(String name, String value) {
            try {
                switch (name) {
                    case "schema" -> urlSchema = new Schema(value, DEFAULT_TABLE_PREFIX).schema();
                    case "tablePrefix" -> tablePrefix = new Schema(DEFAULT_SCHEMA, value).prefix();
                    case "connectTimeout" -> connectTimeout = positive(Duration.ofMillis(Long.parseLong(value)), "connectTimeout");
                    case "statementTimeout" -> statementTimeout = positive(Duration.ofMillis(Long.parseLong(value)), "statementTimeout");
                    case "maxPoolSize" -> {
                        maxPoolSize = Integer.parseInt(value);
                        if (maxPoolSize < 1) {
                            throw new IllegalArgumentException("maxPoolSize must be >= 1");
                        }
                    }
                    case "appendBatching" -> {
                        if (!value.equals("true") && !value.equals("false")) {
                            throw new IllegalArgumentException("the JDBC URL option ect.appendBatching must be true or false");
                        }
                        appendBatching = Boolean.parseBoolean(value);
                    }
                    case "dagCacheSize" -> dagCacheSize = dagCacheSizeOf(Integer.parseInt(value));
                    case "createSchema" -> {
                        if (!value.equals("true") && !value.equals("false")) {
                            throw new IllegalArgumentException("the JDBC URL option ect.createSchema must be true or false");
                        }
                        createSchema = Boolean.parseBoolean(value);
                    }
                    default -> throw new IllegalArgumentException("unknown JDBC URL option 'ect." + name
                            + "' (known: ect.schema, ect.tablePrefix, ect.connectTimeout, ect.statementTimeout, ect.maxPoolSize,"
                            + " ect.appendBatching, ect.dagCacheSize, ect.createSchema)");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the JDBC URL option ect." + name + " must be a number", e);
            }
        }

        /**
         * The schema of the ledger's tables, created when missing; default the URL's
         * {@code currentSchema}, else {@value #DEFAULT_SCHEMA}. A lowercase SQL identifier.
         */
        public Builder schema(String s) {
            Objects.requireNonNull(s, "schema cannot be null");
            SetOnce.check(schema != null, "schema");
            new Schema(s, DEFAULT_TABLE_PREFIX); // validates
            schema = s;
            return this;
        }

        /** The prefix of the table names (empty allowed); default {@value #DEFAULT_TABLE_PREFIX}. */
        public Builder tablePrefix(String p) {
            Objects.requireNonNull(p, "tablePrefix cannot be null");
            new Schema(DEFAULT_SCHEMA, p); // validates
            prefixSet = SetOnce.mark(prefixSet, "tablePrefix");
            tablePrefix = p;
            return this;
        }

        /** The clock of the entries' {@code recordedAt}; default the system UTC clock. */
        public Builder clock(Clock c) {
            Objects.requireNonNull(c, "clock cannot be null");
            clockSet = SetOnce.mark(clockSet, "clock");
            clock = c;
            return this;
        }

        /** The bound on opening a connection and on waiting for a pooled one; default 2 s (at least 250 ms is used). */
        public Builder connectTimeout(Duration d) {
            Duration v = positive(d, "connectTimeout");
            connectSet = SetOnce.mark(connectSet, "connectTimeout");
            connectTimeout = v;
            return this;
        }

        /** PostgreSQL's {@code statement_timeout} for every statement (lock waits included); default 5 s. */
        public Builder statementTimeout(Duration d) {
            Duration v = positive(d, "statementTimeout");
            statementSet = SetOnce.mark(statementSet, "statementTimeout");
            statementTimeout = v;
            return this;
        }

        /** The most pooled connections; default 8. */
        public Builder maxPoolSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxPoolSize must be >= 1");
            }
            poolSet = SetOnce.mark(poolSet, "maxPoolSize");
            maxPoolSize = n;
            return this;
        }

        /**
         * Group commit (default {@code true}): the appends waiting in this JVM are appended by one
         * writer thread, up to 512 per transaction, under one chain-head
         * lock and one commit; each call still returns only after its entry committed (L-05), and a
         * duplicate fails only its own call (L-06). {@code false}: each append is its own
         * transaction (the lock and a commit per entry, the path before group commit; several times slower with
         * concurrent appenders, see BENCHMARKS.md). URL option {@code ect.appendBatching}.
         */
        public Builder appendBatching(boolean on) {
            batchingSet = SetOnce.mark(batchingSet, "appendBatching");
            appendBatching = on;
            return this;
        }

        /**
         * Whether the ledger may create and migrate its schema (default {@code true}: a missing
         * schema and tables are created, an older version migrated, at the first use).
         * {@code false}: never any DDL; a schema, ledger table or version table that does not
         * exist (or this role cannot see) is an error, {@code ledger_unavailable} with a message
         * naming it, on every call; an older schema version is read as it is (with the exact
         * G-05 walk; appends may fail). For audits ({@code ect ledger verify --jdbc-url} sets it):
         * otherwise a mistyped schema, opened by a role that may create one, reads as an empty,
         * intact ledger. URL option {@code ect.createSchema}.
         */
        public Builder createSchema(boolean create) {
            createSet = SetOnce.mark(createSet, "createSchema");
            createSchema = create;
            return this;
        }

        /**
         * The most {@code jti}s the DAG cache holds (default {@value #DEFAULT_DAG_CACHE_SIZE}; 0:
         * no cache). With the cache, a DAG check (V-13, G-01..G-07) costs no statement of its own:
         * it waits for the cache's next <i>round</i>, one statement run for every check waiting at
         * that moment, which reads the rows appended since the last round (by any instance) and
         * every row of the ids the waiting checks do not find cached, in one snapshot taken after
         * each of them began; so a check still sees every entry committed before it began (L-05).
         * The G-05 walk runs in memory over cached ids, and as one recursive statement when an
         * ancestor is not cached. Memory: about 2-3 KB per cached row (its token, decoded once).
         * Without the cache each check runs its own statement (and the exact walk in SQL on schema
         * version 4). URL option {@code ect.dagCacheSize}.
         *
         * @throws IllegalArgumentException when {@code n} is negative or over 10,000,000
         */
        public Builder dagCacheSize(int n) {
            dagCacheSet = SetOnce.mark(dagCacheSet, "dagCacheSize");
            dagCacheSize = dagCacheSizeOf(n);
            return this;
        }

        private static int dagCacheSizeOf(int n) {
            if (n < 0 || n > 10_000_000) {
                throw new IllegalArgumentException("dagCacheSize must be 0..10000000 (0: no DAG cache)");
            }
            return n;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name + " cannot be null");
            if (d.toMillis() < 1) {
                throw new IllegalArgumentException(name + " must be at least 1 ms");
            }
            return d;
        }

        /**
         * Builds the ledger and creates or migrates its schema. Does not fail when the database is
         * down: calls then fail with {@code ledger_unavailable} until it is back.
         */
        public JdbcLedger build() { return new JdbcLedger(this); }
    }
}

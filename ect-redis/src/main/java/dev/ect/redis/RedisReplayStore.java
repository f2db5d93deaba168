package dev.ect.redis;

import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.internal.SetOnce;
import dev.ect.core.replay.ReplayStore;
import dev.ect.redis.internal.RedisConnections;
import dev.ect.redis.internal.RedisUrl;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * A replay store shared by every verifier instance that points at the same Redis (profile P-04).
 *
 * <p>Check-and-record is one atomic Redis command (P-02): {@code SET key nonce NX PX ttl}, where
 * {@code ttl} is {@code keepUntil} minus now on the injected {@link Clock}, at least 1 ms (P-01).
 * Redis expires the key by itself, so the store never grows beyond the tokens still inside their
 * replay window.
 *
 * <p>Keys: {@code prefix + iss + ':' + wid + ':' + jti} (default prefix
 * {@value #DEFAULT_KEY_PREFIX}; an absent {@code wid} is the empty string). {@code '%'} and
 * {@code ':'} inside {@code iss}, {@code wid} and {@code jti} are percent-encoded, so exactly two
 * {@code ':'} separate them and two different triples never share a key. For a SPIFFE issuer and
 * the UUIDs of the profile the key reads
 * {@code ect:replay:spiffe%3A//example.com/agent/a:<wid>:<jti>}. The issuer is part of the key
 * (G-01, P-01), so one issuer cannot make another's token a replay by sending its id first. Keys
 * of the earlier ({@code wid}, {@code jti}) format are never read again and expire by their TTL.
 *
 * <p><b>Fails closed.</b> Any Redis error (refused connection, timeout, authentication, a full or
 * read-only server) throws {@link EctUnavailableException} with {@code replay_store_unavailable}
 * (HTTP 503): a token is never accepted without its replay key recorded. Connecting is bounded by
 * the connect timeout (default 1 s), each command by the command timeout (default 500 ms), and
 * waiting for a pooled connection by the command timeout too.
 *
 * <p><b>Recovers by itself.</b> Connections come from a pool; a broken connection is dropped, and
 * after a connection error every idle connection is dropped too (they all pointed at the server
 * that went away). When the error was not a timeout, the command is retried once on a fresh
 * connection. The retry is safe: the value stored is a random nonce of this call, so if the first
 * attempt did reach Redis the retry reads its own nonce back and still reports a fresh token rather
 * than a false replay. Once Redis is back, the next call succeeds; no restart needed.
 *
 * <p><b>Pipelining (group commit).</b> By default (standalone and Sentinel URLs; see
 * {@link Builder#pipelining(boolean)}) the calls of many request threads share round trips: each
 * call queues its {@code SET NX PX} and waits; one daemon thread per store takes everything queued
 * (up to 512 commands, never waiting for more to arrive, so a lone call goes out at once), sends it
 * as one pipeline on one pooled connection and hands each call its own reply. Every guarantee
 * above and below holds per call: each command is still one {@code SET NX} of its own key (P-02);
 * an error reply fails only its own call; a caller waits at most the connect plus the command
 * timeout for its reply and then fails closed (503); after a timeout of the pipeline's connection
 * its calls fail without a retry; when the connection broke otherwise, each of its calls is retried
 * once on its own, on a fresh connection, with the nonce read-back described above. With
 * {@link Builder#waitForReplicas(int, Duration)} one {@code WAIT} ends the pipeline and covers all
 * of its writes (they share the connection); too few acknowledgements delete the keys the pipeline
 * recorded and fail those calls with 503. A key recorded for a caller that had already given up
 * (503) is deleted again. Cluster URLs keep one command per call (the keys of one pipeline would
 * belong to different masters).
 *
 * <p><b>TLS (K-06).</b> With {@code rediss://} the server's certificate chain AND its host name are
 * verified (endpoint identification {@code HTTPS}: the URL's host must be a DNS or IP subject
 * alternative name of the certificate). The trusted CAs are the JVM's default trust store, or the
 * PEM file of the {@code caFile} URL option / {@link Builder#caCertificates(Path)}, or an
 * {@link SSLContext} of {@link Builder#sslContext(SSLContext)} (e.g. with a client key for mutual
 * TLS). A certificate that does not verify is a failed connection: 503
 * {@code replay_store_unavailable}, like any other.
 *
 * <p><b>Sentinel and Cluster.</b> {@code redis-sentinel://host1:26379,host2:26379/mymaster} sends
 * every command to the master that the sentinels name, and follows a failover
 * ({@code +switch-master}) without a restart; {@code redis-cluster://host1:6379,host2:6379} sends
 * each key to the master of its slot (each command has one key, so SET NX PX stays one atomic
 * command on one node, P-02). While no master serves the key (the master died and no replica has
 * taken over yet) every token is refused with 503; afterwards the same store works again.
 * Replication is asynchronous: a key the old master acknowledged but had not yet sent to the
 * replica that takes over is lost, and that token could be accepted once more. With
 * {@link Builder#waitForReplicas(int, Duration)} a token is accepted only after that many replicas
 * acknowledged its key ({@code WAIT}). TLS ({@code rediss-sentinel://}, {@code rediss-cluster://})
 * verifies every node the store talks to, including the ones the sentinels or the slot map name.
 *
 * <p>Thread-safe. {@link #close()} sends what is already queued, stops the pipelining thread and
 * releases the pool; calls after it fail with 503.
 */
public final class RedisReplayStore implements ReplayStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisReplayStore.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The default key prefix. */
    public static final String DEFAULT_KEY_PREFIX = "ect:replay:";
    /** The default bound on opening a connection: 1 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** The default bound on one command (and on waiting for a pooled connection): 500 ms. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(500);
    /** The default most connections open at once: 16. */
    public static final int DEFAULT_MAX_CONNECTIONS = 16;
    /** The default bound on {@code WAIT} when {@link Builder#waitForReplicas} is used, in ms: {@value}. */
    public static final long DEFAULT_WAIT_TIMEOUT_MILLIS = 100;
    private static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofMillis(DEFAULT_WAIT_TIMEOUT_MILLIS);

    private final RedisConnections pool;
    private final int waitReplicas;
    private final Duration waitTimeout;
    private final Clock clock;
    private final String prefix;
    private final String target;
    private final AtomicBoolean available = new AtomicBoolean(true);
    /** The group-commit thread's queue, or null: one command per call (Cluster, or pipelining off). */
    private final ReplayPipeline pipeline;

    private RedisReplayStore(Builder b) {
        this.clock = b.clock;
        this.prefix = b.keyPrefix;
        this.waitReplicas = b.waitReplicas;
        this.waitTimeout = b.waitTimeout;
        DefaultJedisClientConfig.Builder cc = clientConfig(b);
        if (b.multi == null) {
            URI uri = b.uri;
            HostAndPort hp = JedisURIHelper.getHostAndPort(uri);
            this.target = uri.getScheme() + "://" + hp + "/" + JedisURIHelper.getDBIndex(uri);
            cc.database(JedisURIHelper.getDBIndex(uri));
            String user = JedisURIHelper.getUser(uri);
            String password = JedisURIHelper.getPassword(uri);
            if (password != null) {
                cc.user(user).password(password);
            }
            this.pool = RedisConnections.single(hp, cc.build(), poolConfig(b));
        } else {
            RedisUrl u = b.multi;
            if (u.password() != null) {
                cc.user(u.user()).password(u.password());
            }
            Set<HostAndPort> nodes = new LinkedHashSet<>(u.nodes());
            if (u.mode() == RedisUrl.Mode.SENTINEL) {
                this.target = u.describe(b.database);
                cc.database(b.database);
                DefaultJedisClientConfig.Builder sc = clientConfig(b);
                if (b.sentinelPassword != null) {
                    sc.password(b.sentinelPassword);
                }
                this.pool = RedisConnections.sentinel(u.masterName(), nodes, cc.build(), sc.build(), poolConfig(b));
            } else {
                this.target = u.describe(0);
                this.pool = RedisConnections.cluster(nodes, cc.build(), poolConfig(b));
            }
        }
        boolean pipelined = b.pipelining == null ? b.mode() != RedisUrl.Mode.CLUSTER : b.pipelining;
        // a caller waits as long as one command may take on a new connection; then 503
        this.pipeline = pipelined ? new ReplayPipeline(pool, waitReplicas, waitTimeout.toMillis(),
                b.connectTimeout.toMillis() + b.commandTimeout.toMillis(), target) : null;
    }

    /** Timeouts and TLS, the same for every node (data nodes and sentinels). */
    private static DefaultJedisClientConfig.Builder clientConfig(Builder b) {
        DefaultJedisClientConfig.Builder cc = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis(b.connectTimeout))
                .socketTimeoutMillis(millis(b.commandTimeout))
                .ssl(b.tls)
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (b.tls) {
            // K-06: JSSE checks the certificate chain but not the host name unless asked to
            SSLParameters params = new SSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            cc.sslParameters(params);
            if (b.sslContext != null) {
                cc.sslSocketFactory(b.sslContext.getSocketFactory());
            }
        }
        return cc;
    }

    private static <T> GenericObjectPoolConfig<T> poolConfig(Builder b) {
        GenericObjectPoolConfig<T> pc = new GenericObjectPoolConfig<>();
        pc.setMaxTotal(b.maxConnections);
        pc.setMaxIdle(b.maxConnections);
        pc.setMinIdle(0);
        pc.setBlockWhenExhausted(true);
        pc.setMaxWait(b.commandTimeout);
        pc.setJmxEnabled(false);
        return pc;
    }

    private static int millis(Duration d) { return (int) Math.min(Integer.MAX_VALUE, d.toMillis()); }

    /**
     * A store with every default for the URL {@code redis://[[user]:password@]host[:port][/db]}
     * ({@code rediss://} for TLS), or a Sentinel or Cluster URL (see {@link #builder(String)}).
     *
     * @throws IllegalArgumentException when the URL is not a Redis URL
     */
    public static RedisReplayStore fromUrl(String url) { return builder(url).build(); }

    /**
     * A builder for the URL {@code redis://[[user]:password@]host[:port][/db][?options]}
     * ({@code rediss://} for TLS); port default 6379, database default 0. Or Sentinel:
     * {@code redis-sentinel://[[user]:password@]host[:port][,host[:port]...]/masterName[?options]}
     * (sentinel port default 26379, the user info is the master's, {@code db} and
     * {@code sentinelPassword} are options); or Cluster:
     * {@code redis-cluster://[[user]:password@]host[:port][,host[:port]...][?options]} (seed nodes,
     * port default 6379, database 0 only); {@code rediss-sentinel://} and {@code rediss-cluster://}
     * for TLS. Also {@code waitReplicas} and {@code waitTimeout} (ms), see
     * {@link Builder#waitForReplicas(int, Duration)}, and {@code pipelining} ({@code true} or
     * {@code false}), see {@link Builder#pipelining(boolean)}. Options, so that one
     * variable ({@code ECT_REDIS_URL}) can configure a deployment: {@code keyPrefix},
     * {@code connectTimeout} and {@code commandTimeout} (milliseconds), {@code maxConnections},
     * and for {@code rediss://} only {@code caFile} (a PEM file of the CA certificates to trust
     * instead of the JVM's trust store, K-06); e.g.
     * {@code redis://redis:6379/0?keyPrefix=orders:replay:&commandTimeout=250} or
     * {@code rediss://redis.internal:6380/0?caFile=/etc/ect/redis-ca.pem}. An unknown option is an
     * error. Builder setters override URL options.
     *
     * @throws IllegalArgumentException when the URL is not a Redis URL (the message never shows a password)
     */
    public static Builder builder(String url) { return new Builder(url); }

    @Override
    public boolean checkAndRecord(String iss, String wid, String jti, Instant keepUntil) {
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(keepUntil, "keepUntil");
        String key = key(prefix, iss, wid, jti);
        long ttl = Math.max(1, keepUntil.toEpochMilli() - clock.millis());
        String nonce = nonce();
        try {
            boolean fresh = pipeline != null ? pipelined(key, nonce, ttl) : record(key, nonce, ttl);
            if (available.compareAndSet(false, true)) {
                LOG.info("replay store {} is reachable again", target);
            }
            return fresh;
        } catch (RuntimeException e) {
            if (available.compareAndSet(true, false)) {
                LOG.warn("replay store {} is unavailable, refusing tokens (503 replay_store_unavailable): {}", target, e.toString());
            } else {
                LOG.debug("replay store {} still unavailable for jti {}: {}", target, jti, e.toString());
            }
            throw new EctUnavailableException(ReasonCode.REPLAY_STORE_UNAVAILABLE,
                    "replay store " + target + " failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Deletes the key of ({@code iss}, {@code wid}, {@code jti}) so the token may be presented again; the
     * verifier calls it when the ledger append (V-15) failed after the key was recorded. Only the
     * instance that just recorded the key calls it (SET NX admits one), so it never removes a key
     * another instance depends on.
     *
     * @throws EctUnavailableException {@code replay_store_unavailable} when Redis cannot be reached
     *     (the key then stays until it expires)
     */
    @Override
    public void forget(String iss, String wid, String jti) {
        Objects.requireNonNull(jti, "jti");
        try (Jedis j = pool.getResource()) {
            j.del(key(prefix, iss, wid, jti));
        } catch (RuntimeException e) {
            if (e instanceof JedisConnectionException) {
                pool.clear();
            }
            throw new EctUnavailableException(ReasonCode.REPLAY_STORE_UNAVAILABLE,
                    "replay store " + target + " failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /** One {@code SET NX PX} on a pooled connection, and the retry rule on a connection error. */
    private boolean record(String key, String nonce, long ttl) {
        try {
            return setIfAbsent(key, nonce, ttl, false);
        } catch (JedisConnectionException e) {
            pool.clear(); // the idle connections most likely point at the same dead server
            if (isTimeout(e)) {
                throw e; // a slow or hung server: fail fast instead of doubling the wait
            }
            return setIfAbsent(key, nonce, ttl, true);
        }
    }

    /**
     * The same command through the group-commit thread, which shares one round trip among the
     * calls queued at the same time. When that pipeline's connection broke (not a timeout), this
     * call is retried once on its own, as {@link #record} would: the pipeline may have reached
     * Redis, so the retry reads its own nonce back.
     */
    private boolean pipelined(String key, String nonce, long ttl) {
        return switch (pipeline.setIfAbsent(key, nonce, ttl)) {
            case FRESH -> true;
            case REPLAY -> false;
            case RETRY -> setIfAbsent(key, nonce, ttl, true);
        };
    }

    private boolean setIfAbsent(String key, String nonce, long ttlMillis, boolean retry) {
        try (Jedis j = pool.getResource()) {
            if ("OK".equals(j.set(key, nonce, SetParams.setParams().nx().px(ttlMillis)))) {
                awaitReplicas(j, key);
                return true;
            }
            // On a retry the first attempt may have reached Redis before the connection broke:
            // the key then holds this call's own nonce, and the token is fresh, not a replay.
            boolean own = retry && nonce.equals(j.get(key));
            if (own && waitReplicas > 0) {
                // WAIT counts the writes of its own connection, and that one broke: nothing can
                // confirm the replicas have the key, so refuse (503) and let the client retry
                discard(j, key);
                throw new JedisException("the replay key was written on a connection that broke before WAIT");
            }
            return own;
        }
    }

    /**
     * With {@code waitReplicas(n)}: {@code WAIT n timeout} on the connection that wrote the key.
     * Fewer acknowledgements: the key is deleted again (the token was not accepted, so the client
     * may retry it) and the call fails, 503.
     */
    private void awaitReplicas(Jedis j, String key) {
        if (waitReplicas == 0) {
            return;
        }
        long acked = pool.waitReplicas(j, waitReplicas, waitTimeout.toMillis());
        if (acked < waitReplicas) {
            discard(j, key);
            throw new JedisException("only " + acked + " of " + waitReplicas + " replicas acknowledged the replay key within "
                    + waitTimeout.toMillis() + " ms");
        }
    }

    private static void discard(Jedis j, String key) {
        try {
            j.del(key);
        } catch (RuntimeException e) {
            LOG.debug("could not delete a replay key that was not confirmed: {}", e.toString());
        }
    }

    static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String nonce() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * The Redis key of ({@code iss}, {@code wid}, {@code jti}) (P-01, G-01):
     * {@code prefix + enc(iss) + ':' + enc(wid) + ':' + enc(jti)}, where {@code enc}
     * percent-encodes {@code '%'} and {@code ':'} and an absent {@code iss} or {@code wid} is empty.
     * The verifier passes {@code wid} and {@code jti} in canonical lower case; they are used as
     * given.
     */
    static String key(String prefix, String iss, String wid, String jti) {
        return prefix + encode(iss == null ? "" : iss) + ':' + encode(wid == null ? "" : wid) + ':' + encode(jti);
    }

    private static String encode(String s) {
        if (s.indexOf(':') < 0 && s.indexOf('%') < 0) {
            return s;
        }
        return s.replace("%", "%25").replace(":", "%3A");
    }

    /** The key prefix in use. */
    public String keyPrefix() { return prefix; }

    /**
     * True when Redis answers a PING within the timeouts; for health checks. Never throws.
     */
    public boolean isAvailable() {
        try {
            return pool.ping();
        } catch (RuntimeException e) {
            pool.clear();
            return false;
        }
    }

    /**
     * Sends what is queued for the group-commit thread (waiting at most the connect plus the command
     * timeout), stops it, and closes the connection pool. Later calls fail with 503.
     */
    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.close();
        }
        pool.close();
    }

    /** How many pipelines the group-commit thread sent; 0 without pipelining (for tests). */
    long pipelines() { return pipeline == null ? 0 : pipeline.pipelines(); }

    /** How many calls were retried on their own after their pipeline's connection broke (for tests). */
    long pipelineRetries() { return pipeline == null ? 0 : pipeline.retries(); }

    /** True when calls go through the group-commit thread. */
    boolean isPipelined() { return pipeline != null; }

    @Override
    public String toString() { return "RedisReplayStore{" + target + ", prefix=" + prefix + "}"; }

    /**
     * Options of a {@link RedisReplayStore}. Every option has a default; each may be set once.
     */
    public static final class Builder {
        private final URI uri;
        private final RedisUrl multi;
        private final boolean tls;
        private Clock clock = Clock.systemUTC();
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int database;
        private String sentinelPassword;
        private int waitReplicas;
        private Duration waitTimeout = DEFAULT_WAIT_TIMEOUT;
        private SSLContext sslContext;
        private Path urlCaFile;
        private boolean clockSet;
        private boolean prefixSet;
        private boolean connectSet;
        private boolean commandSet;
        private boolean maxSet;
        private boolean waitSet;
        private boolean sentinelPasswordSet;
        private Boolean pipelining; // null: the default of the URL's form
        private boolean pipeliningSet;

        private Builder(String url) {
            Objects.requireNonNull(url, "url cannot be null");
            if (RedisUrl.modeOf(url.trim()) != RedisUrl.Mode.SINGLE) {
                this.uri = null;
                this.multi = RedisUrl.parse(url);
                this.tls = multi.tls();
                applyQuery(multi.rawQuery());
                return;
            }
            URI u;
            try {
                u = new URI(url.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a Redis URL (redis://host:port[/db])", e);
            }
            if (!JedisURIHelper.isRedisScheme(u) && !JedisURIHelper.isRedisSSLScheme(u)) {
                throw new IllegalArgumentException("not a Redis URL: the scheme must be redis://, rediss://, "
                        + "redis-sentinel://, rediss-sentinel://, redis-cluster:// or rediss-cluster://");
            }
            if (u.getHost() == null || u.getHost().isEmpty()) {
                throw new IllegalArgumentException("the Redis URL has no host");
            }
            String path = u.getPath();
            if (path != null && path.length() > 1 && !path.substring(1).matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("the Redis URL's path must be a database number, e.g. /0");
            }
            this.uri = u;
            this.multi = null;
            this.tls = JedisURIHelper.isRedisSSLScheme(u);
            applyQuery(u.getRawQuery());
        }

        private RedisUrl.Mode mode() { return multi == null ? RedisUrl.Mode.SINGLE : multi.mode(); }

        /** URL query options, so ECT_REDIS_URL alone can configure a deployment; setters override them. */
        private void applyQuery(String query) {
            if (query == null || query.isEmpty()) {
                return;
            }
            boolean sentinel = mode() == RedisUrl.Mode.SENTINEL;
            for (String kv : query.split("&")) {
                int eq = kv.indexOf('=');
                String name = eq < 0 ? kv : kv.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                try {
                    switch (name) {
                        case "keyPrefix" -> keyPrefix = value;
                        case "connectTimeout" -> connectTimeout = positive(Duration.ofMillis(Long.parseLong(value)), "connectTimeout");
                        case "commandTimeout" -> commandTimeout = positive(Duration.ofMillis(Long.parseLong(value)), "commandTimeout");
                        case "maxConnections" -> {
                            maxConnections = Integer.parseInt(value);
                            if (maxConnections < 1) {
                                throw new IllegalArgumentException("maxConnections must be >= 1");
                            }
                        }
                        case "caFile" -> {
                            if (value.isEmpty()) {
                                throw new IllegalArgumentException("the Redis URL option caFile needs a file name");
                            }
                            urlCaFile = Path.of(value);
                        }
                        case "waitReplicas" -> {
                            waitReplicas = Integer.parseInt(value);
                            if (waitReplicas < 0) {
                                throw new IllegalArgumentException("waitReplicas must be >= 0");
                            }
                        }
                        case "waitTimeout" -> waitTimeout = positive(Duration.ofMillis(Long.parseLong(value)), "waitTimeout");
                        case "pipelining" -> {
                            if (!value.equals("true") && !value.equals("false")) {
                                throw new IllegalArgumentException("the Redis URL option pipelining must be true or false");
                            }
                            if (value.equals("true") && mode() == RedisUrl.Mode.CLUSTER) {
                                throw new IllegalArgumentException("the Redis URL option pipelining=true is not supported for "
                                        + "redis-cluster:// (each call sends its own command there)");
                            }
                            pipelining = Boolean.valueOf(value);
                        }
                        case "db" -> {
                            if (!sentinel) {
                                throw new IllegalArgumentException("the Redis URL option db is for redis-sentinel:// only"
                                        + (multi == null ? " (redis:// names the database in the path, e.g. /2)" : " (a cluster has only database 0)"));
                            }
                            if (!value.matches("[0-9]{1,5}")) {
                                throw new IllegalArgumentException("the Redis URL option db must be a database number");
                            }
                            database = Integer.parseInt(value);
                        }
                        case "sentinelPassword" -> {
                            if (!sentinel) {
                                throw new IllegalArgumentException("the Redis URL option sentinelPassword is for redis-sentinel:// only");
                            }
                            sentinelPassword = value;
                        }
                        default -> throw new IllegalArgumentException("unknown Redis URL option '" + name
                                + "' (known: keyPrefix, connectTimeout, commandTimeout, maxConnections, caFile, waitReplicas, waitTimeout, pipelining"
                                + (sentinel ? ", db, sentinelPassword)" : ")"));
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("the Redis URL option " + name + " must be a number", e);
                }
            }
        }

        /**
         * After each recorded key, {@code WAIT replicas timeout}: the token is accepted only once
         * {@code replicas} replicas acknowledged the key, so a failover to one of them (Sentinel,
         * Cluster) cannot forget it. Fewer acknowledgements within {@code timeout}: the key is
         * deleted again and the verification fails with 503 {@code replay_store_unavailable} (the
         * client may retry). Same as the URL options {@code waitReplicas} and {@code waitTimeout}
         * (ms). Default: 0 replicas (no WAIT), timeout {@value RedisReplayStore#DEFAULT_WAIT_TIMEOUT_MILLIS} ms. The
         * timeout must be below the command timeout. {@code WAIT} confirms the replicas received
         * the key, not that anyone wrote it to disk.
         *
         * @throws IllegalArgumentException when {@code replicas} is negative or the timeout is below 1 ms
         * @throws IllegalStateException when already set
         */
        public Builder waitForReplicas(int replicas, Duration timeout) {
            if (replicas < 0) {
                throw new IllegalArgumentException("waitForReplicas replicas must be >= 0");
            }
            Duration t = positive(timeout, "waitForReplicas timeout");
            waitSet = SetOnce.mark(waitSet, "waitForReplicas");
            waitReplicas = replicas;
            waitTimeout = t;
            return this;
        }

        /**
         * Whether concurrent calls share round trips (group commit): each call queues its
         * {@code SET NX PX} and waits; one daemon thread per store sends everything queued (up to
         * 512 commands) in one pipeline on one pooled connection, with one {@code WAIT} at its end
         * when {@link #waitForReplicas} is set, and hands each call its own reply. Each command is
         * still one atomic {@code SET NX} (P-02), and the fail-closed, retry and {@code WAIT} rules
         * are those of a single call; a lone call is sent at once (the thread never waits to fill a
         * pipeline). A call waits at most the connect plus the command timeout for its reply, then
         * fails with 503 {@code replay_store_unavailable}. Off: each call sends its own command on a
         * pooled connection (one round trip per call). Same as the URL option {@code pipelining}
         * ({@code true} or {@code false}), which this overrides.
         *
         * <p>Default: on for {@code redis://}, {@code rediss://} and Sentinel URLs; off for Cluster
         * URLs, which only support off (the keys of one pipeline would belong to different masters).
         *
         * @throws IllegalStateException when {@code on} with a Cluster URL, or when already set
         */
        public Builder pipelining(boolean on) {
            if (on && mode() == RedisUrl.Mode.CLUSTER) {
                throw new IllegalStateException("pipelining is not supported for redis-cluster:// "
                        + "(each call sends its own command there)");
            }
            pipeliningSet = SetOnce.mark(pipeliningSet, "pipelining");
            pipelining = on;
            return this;
        }

        /**
         * The password of the sentinels themselves ({@code requirepass} in their configuration), for
         * {@code redis-sentinel://} only; the URL's user info is the master's. Same as the URL option
         * {@code sentinelPassword}, which this overrides. Default: none (the sentinels need no AUTH).
         *
         * @throws IllegalStateException when the URL is not a Sentinel URL, or when already set
         */
        public Builder sentinelPassword(String password) {
            Objects.requireNonNull(password, "sentinelPassword cannot be null");
            if (mode() != RedisUrl.Mode.SENTINEL) {
                throw new IllegalStateException("sentinelPassword needs a redis-sentinel:// URL");
            }
            sentinelPasswordSet = SetOnce.mark(sentinelPasswordSet, "sentinelPassword");
            sentinelPassword = password;
            return this;
        }

        /** The clock that turns {@code keepUntil} into a TTL; default the system UTC clock. */
        public Builder clock(Clock c) {
            Objects.requireNonNull(c, "clock cannot be null");
            clockSet = SetOnce.mark(clockSet, "clock");
            clock = c;
            return this;
        }

        /**
         * The prefix of every key; default {@value #DEFAULT_KEY_PREFIX}. Give each deployment (or
         * test) its own when several share one Redis database.
         */
        public Builder keyPrefix(String p) {
            Objects.requireNonNull(p, "keyPrefix cannot be null");
            prefixSet = SetOnce.mark(prefixSet, "keyPrefix");
            keyPrefix = p;
            return this;
        }

        /** The bound on opening a TCP connection (and TLS handshake); default 1 s. */
        public Builder connectTimeout(Duration d) {
            Duration v = positive(d, "connectTimeout");
            connectSet = SetOnce.mark(connectSet, "connectTimeout");
            connectTimeout = v;
            return this;
        }

        /** The bound on one command's reply and on waiting for a free pooled connection; default 500 ms. */
        public Builder commandTimeout(Duration d) {
            Duration v = positive(d, "commandTimeout");
            commandSet = SetOnce.mark(commandSet, "commandTimeout");
            commandTimeout = v;
            return this;
        }

        /** The most connections open at once; default 16. */
        public Builder maxConnections(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConnections must be >= 1");
            }
            maxSet = SetOnce.mark(maxSet, "maxConnections");
            maxConnections = n;
            return this;
        }


        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name + " cannot be null");
            if (d.toMillis() < 1) {
                throw new IllegalArgumentException(name + " must be at least 1 ms");
            }
            return d;
        }

        /**
         * Trust exactly the CA certificates of this PEM file for {@code rediss://} (K-06), instead
         * of the JVM's default trust store; the host name is verified either way. Same as the URL
         * option {@code caFile}, which this overrides. Default: none (the JVM's trust store).
         *
         * @throws IllegalArgumentException when the file cannot be read or holds no certificate
         * @throws IllegalStateException when the URL is not {@code rediss://}, or the trust was already set
         */
        public Builder caCertificates(Path pemFile) {
            Objects.requireNonNull(pemFile, "caCertificates cannot be null");
            requireTls("caCertificates");
            SetOnce.check(sslContext != null, "caCertificates/sslContext");
            sslContext = trusting(pemFile);
            return this;
        }

        /**
         * The TLS context of {@code rediss://} connections (its trust managers, and key managers for
         * mutual TLS); the host name is still verified (K-06). Overrides the URL option
         * {@code caFile}. Default: the JVM's default context.
         *
         * @throws IllegalStateException when the URL is not {@code rediss://}, or the trust was already set
         */
        public Builder sslContext(SSLContext context) {
            Objects.requireNonNull(context, "sslContext cannot be null");
            requireTls("sslContext");
            SetOnce.check(sslContext != null, "caCertificates/sslContext");
            sslContext = context;
            return this;
        }

        private void requireTls(String option) {
            if (!tls) {
                throw new IllegalStateException(option + " needs a rediss:// URL (TLS)");
            }
        }

        /** A TLS context trusting exactly the certificates of a PEM file. */
        static SSLContext trusting(Path pemFile) {
            try (InputStream in = Files.newInputStream(pemFile)) {
                List<Certificate> certs = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
                if (certs.isEmpty()) {
                    throw new IllegalArgumentException("the CA file " + pemFile + " holds no certificate");
                }
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                for (int i = 0; i < certs.size(); i++) {
                    ks.setCertificateEntry("ca-" + i, certs.get(i));
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), null);
                return ctx;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot read the CA file " + pemFile + ": " + e.getMessage(), e);
            }
        }

        /** Builds the store. Does not connect: Redis need not be up yet. */
        public RedisReplayStore build() {
            if (urlCaFile != null && sslContext == null) {
                requireTlsForUrlOption();
                sslContext = trusting(urlCaFile);
            }
            if (waitReplicas > 0 && waitTimeout.compareTo(commandTimeout) >= 0) {
                throw new IllegalArgumentException("the WAIT timeout (" + waitTimeout.toMillis()
                        + " ms) must be below the command timeout (" + commandTimeout.toMillis() + " ms)");
            }
            return new RedisReplayStore(this);
        }

        private void requireTlsForUrlOption() {
            if (!tls) {
                throw new IllegalArgumentException("the Redis URL option caFile needs a rediss:// URL (TLS)");
            }
        }
    }
}

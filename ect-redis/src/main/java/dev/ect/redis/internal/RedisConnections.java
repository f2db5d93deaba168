package dev.ect.redis.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.args.Rawable;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Where the replay store's commands go: one Redis node, the master that Redis Sentinel names, or
 * the master of a key's slot in a Redis Cluster. Not API: used by {@code RedisReplayStore} only.
 *
 * <p>All three hand out a {@link Jedis} per command ({@link #getResource()}, closed after use) and
 * drop their connections after a connection error ({@link #clear()}), so the store's one code
 * path (SET NX PX, the nonce read-back on a retry, DEL) works on each. None connects before the
 * first command: Sentinel and Cluster resolve the master on first use and again after a failure.
 */
public abstract class RedisConnections implements AutoCloseable {
    RedisConnections() {}

    /** A connection (pooled) for key commands; close it after use. */
    public abstract Jedis getResource();

    /** Drops idle connections (after a connection error) and, for Cluster, re-reads the slot map. */
    public abstract void clear();

    /** True when the master answers PING (Cluster: every slot has a master, and each says cluster_state:ok). */
    public abstract boolean ping();

    /**
     * {@code WAIT replicas timeout} on the connection that just wrote: how many replicas
     * acknowledged this connection's writes.
     */
    public long waitReplicas(Jedis j, int replicas, long timeoutMillis) {
        return j.waitReplicas(replicas, timeoutMillis);
    }

    @Override
    public abstract void close();

    /** One node, through a {@link JedisPool}. */
    public static RedisConnections single(HostAndPort node, JedisClientConfig config, GenericObjectPoolConfig<Jedis> pool) {
        return new Single(new JedisPool(pool, node, config));
    }

    /**
     * The master that the sentinels name for {@code masterName}, through a
     * {@link JedisSentinelPool}, which follows {@code +switch-master} to the new master after a
     * failover. Created on first use (it asks the sentinels at once), and again while that fails.
     */
    public static RedisConnections sentinel(String masterName, Set<HostAndPort> sentinels, JedisClientConfig master,
            JedisClientConfig sentinel, GenericObjectPoolConfig<Jedis> pool) {
        return new Sentinel(masterName, sentinels, master, sentinel, pool);
    }

    /**
     * The master of each key's slot in a Redis Cluster; the slot map is read from the first seed
     * node that answers, on first use, and again after a connection error or a {@code MOVED}.
     */
    public static RedisConnections cluster(Set<HostAndPort> seeds, JedisClientConfig config,
            GenericObjectPoolConfig<Connection> pool) {
        return new Cluster(seeds, config, pool);
    }

    private static final class Single extends RedisConnections {
        private final JedisPool pool;

        Single(JedisPool pool) { this.pool = pool; }

        @Override public Jedis getResource() { return pool.getResource(); }

        @Override public void clear() { pool.clear(); }

        @Override public boolean ping() {
            try (Jedis j = pool.getResource()) {
                return "PONG".equals(j.ping());
            }
        }

        @Override public void close() { pool.close(); }
    }

    private static final class Sentinel extends RedisConnections {
        private final String masterName;
        private final Set<HostAndPort> sentinels;
        private final JedisClientConfig masterConfig;
        private final JedisClientConfig sentinelConfig;
        private final GenericObjectPoolConfig<Jedis> poolConfig;
        private volatile JedisSentinelPool pool;
        private boolean closed;

        Sentinel(String masterName, Set<HostAndPort> sentinels, JedisClientConfig master, JedisClientConfig sentinel,
                GenericObjectPoolConfig<Jedis> pool) {
            this.masterName = masterName;
            this.sentinels = Set.copyOf(sentinels);
            this.masterConfig = master;
            this.sentinelConfig = sentinel;
            this.poolConfig = pool;
        }

        private JedisSentinelPool pool() {
            JedisSentinelPool p = pool;
            if (p != null) {
                return p;
            }
            synchronized (this) {
                if (closed) {
                    throw new JedisException("the replay store is closed");
                }
                if (pool == null) {
                    try {
                        pool = new JedisSentinelPool(masterName, sentinels, poolConfig, masterConfig, sentinelConfig);
                    } catch (JedisException e) {
                        // not a JedisConnectionException: asking every sentinel again at once would only double the wait
                        throw new JedisException("no sentinel named a master for '" + masterName + "'", e);
                    }
                }
                return pool;
            }
        }

        @Override public Jedis getResource() { return pool().getResource(); }

        @Override public void clear() {
            JedisSentinelPool p = pool;
            if (p != null) {
                p.clear();
            }
        }

        @Override public boolean ping() {
            try (Jedis j = getResource()) {
                return "PONG".equals(j.ping());
            }
        }

        @Override public synchronized void close() {
            closed = true;
            if (pool != null) {
                pool.close();
            }
        }
    }

    private static final class Cluster extends RedisConnections {
        private final Set<HostAndPort> seeds;
        private final JedisClientConfig config;
        private final GenericObjectPoolConfig<Connection> poolConfig;
        private volatile ClusterConnectionProvider provider;
        private boolean closed;

        Cluster(Set<HostAndPort> seeds, JedisClientConfig config, GenericObjectPoolConfig<Connection> pool) {
            this.seeds = Set.copyOf(seeds);
            this.config = config;
            this.poolConfig = pool;
        }

        private ClusterConnectionProvider provider() {
            ClusterConnectionProvider p = provider;
            if (p != null) {
                return p;
            }
            synchronized (this) {
                if (closed) {
                    throw new JedisException("the replay store is closed");
                }
                if (provider == null) {
                    // throws JedisClusterOperationException when no seed answers CLUSTER SLOTS
                    provider = new ClusterConnectionProvider(seeds, config, poolConfig);
                }
                return provider;
            }
        }

        @Override public Jedis getResource() { return new Jedis(new SlotConnection(provider())); }

        @Override public void clear() {
            ClusterConnectionProvider p = provider;
            if (p != null) {
                try {
                    p.renewSlotCache(); // a master may have moved (failover): read the slot map again
                } catch (RuntimeException ignored) {
                    // no node answered; the next command fails (503) and renews again
                }
            }
        }

        @Override public long waitReplicas(Jedis j, int replicas, long timeoutMillis) {
            return ((SlotConnection) j.getConnection()).waitReplicas(replicas, timeoutMillis);
        }

        @Override public boolean ping() {
            ClusterConnectionProvider p = provider();
            // every slot has a master in the slot map, and each of those masters answers and says the cluster is ok
            Set<HostAndPort> masters = new LinkedHashSet<>();
            for (int slot = 0; slot < Protocol.CLUSTER_HASHSLOTS; slot++) {
                HostAndPort node = p.getNode(slot);
                if (node == null) {
                    return false;
                }
                masters.add(node);
            }
            for (HostAndPort node : masters) {
                try (Connection c = p.getConnection(node)) {
                    String info = c.executeCommand(new CommandObject<>(
                            new CommandArguments(Protocol.Command.CLUSTER).add("INFO"), BuilderFactory.STRING));
                    if (info == null || !info.contains("cluster_state:ok")) {
                        return false;
                    }
                }
            }
            return true;
        }

        @Override public synchronized void close() {
            closed = true;
            if (provider != null) {
                provider.close();
            }
        }
    }

    /**
     * The {@link Connection} behind a Cluster {@link Jedis}: each key command goes to the master
     * of its key's slot (one key per command, as the store only sends single-key commands), and
     * follows one {@code MOVED} or {@code ASK} redirection (the command did not run where it was
     * refused, so sending it on is safe). It holds the node connection until closed, so a
     * {@code WAIT} after a {@code SET} runs on the connection that wrote. A connection error is not
     * retried here: the store drops the connections and retries once itself, reading its nonce
     * back. It never opens a socket of its own.
     */
    static final class SlotConnection extends Connection {
        private final ClusterConnectionProvider provider;
        private Connection pinned;
        private int pinnedSlot = -1;

        SlotConnection(ClusterConnectionProvider provider) {
            super(() -> {
                throw new JedisClusterOperationException("a Redis Cluster connection only sends single-key commands");
            });
            this.provider = provider;
        }

        @Override
        public <T> T executeCommand(CommandObject<T> command) {
            int slot = slotOf(command.getArguments());
            Connection c = connectionFor(slot);
            try {
                return c.executeCommand(command);
            } catch (JedisMovedDataException moved) {
                provider.renewSlotCache(c);
                release();
                return connectionFor(slot).executeCommand(command);
            } catch (JedisAskDataException ask) {
                // the slot is being migrated and the key is already on the target node
                try (Connection target = provider.getConnection(ask.getTargetNode())) {
                    target.executeCommand(Protocol.Command.ASKING);
                    return target.executeCommand(command);
                }
            } catch (JedisConnectionException e) {
                release();
                throw e;
            }
        }

        long waitReplicas(int replicas, long timeoutMillis) {
            if (pinned == null) {
                throw new JedisClusterOperationException("WAIT before any write");
            }
            return pinned.executeCommand(new CommandObject<>(new CommandArguments(Protocol.Command.WAIT)
                    .add(replicas).add(timeoutMillis), BuilderFactory.LONG));
        }

        private Connection connectionFor(int slot) {
            if (pinned != null && pinnedSlot == slot) {
                return pinned;
            }
            release();
            pinned = provider.getConnectionFromSlot(slot);
            pinnedSlot = slot;
            return pinned;
        }

        private void release() {
            Connection c = pinned;
            pinned = null;
            pinnedSlot = -1;
            if (c != null) {
                c.close(); // back to its node's pool (or dropped when broken)
            }
        }

        private static int slotOf(CommandArguments args) {
            List<Object> keys = args.getKeys();
            if (keys.size() != 1) {
                throw new JedisClusterOperationException("a Redis Cluster connection only sends single-key commands");
            }
            Object key = keys.get(0);
            if (key instanceof String s) {
                return JedisClusterCRC16.getSlot(s);
            }
            if (key instanceof byte[] b) {
                return JedisClusterCRC16.getSlot(b);
            }
            return JedisClusterCRC16.getSlot(((Rawable) key).getRaw());
        }

        @Override public boolean isBroken() { return false; }

        @Override public void close() { release(); }

        @Override public String toString() { return "SlotConnection{slot=" + pinnedSlot + "}"; }
    }
}

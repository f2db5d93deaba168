package dev.ect.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A real 3-master Redis Cluster on free ports, plus one replica of the first master, started and
 * killed by the test ({@code redis-server --cluster-enabled yes}, then {@code redis-cli --cluster
 * create}, then {@code CLUSTER MEET}/{@code CLUSTER REPLICATE}); node timeout 1 s, no persistence.
 * The temp directory (nodes.conf files) is removed by {@link #close()}.
 */
final class RedisClusterNodes implements AutoCloseable {
    final Path dir;
    final List<RedisServerProcess> masters = new ArrayList<>();
    final RedisServerProcess replica;
    /** A hash tag whose slot the first master (the one with the replica) serves. */
    final String tagOfFirstMaster;
    private final List<RedisServerProcess> all = new ArrayList<>();
    private final Map<RedisServerProcess, Integer> busPorts = new HashMap<>();

    private RedisClusterNodes(Path dir) {
        this.dir = dir;
        try {
            for (int i = 0; i < 3; i++) {
                masters.add(node("m" + i));
            }
            replica = node("r0");
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            for (RedisServerProcess m : masters) {
                create.add("127.0.0.1:" + m.port());
            }
            create.add("--cluster-yes");
            run(create);
            RedisServerProcess first = masters.get(0);
            String firstId;
            int[] range;
            try (Jedis j = connect(first)) {
                firstId = j.clusterMyId();
                range = slotRange(j.clusterNodes(), firstId);
            }
            try (Jedis r = connect(replica)) {
                meet(r, first.port(), busPorts.get(first));
                Poll.until(Duration.ofSeconds(20), "the new node knows the first master",
                        () -> r.clusterNodes().contains(firstId));
                r.clusterReplicate(firstId);
            }
            Poll.until(Duration.ofSeconds(30), "the replica is in sync and every node says cluster_state:ok", () -> {
                if (!RedisSentinelSet.info(replica.port(), "replication").contains("master_link_status:up")) {
                    return false;
                }
                for (RedisServerProcess n : all) {
                    try (Jedis j = connect(n)) {
                        if (!j.clusterInfo().contains("cluster_state:ok") || !j.clusterNodes().contains("slave " + firstId)) {
                            return false;
                        }
                    }
                }
                return true;
            });
            String tag = null;
            for (int i = 0; tag == null; i++) {
                int slot = JedisClusterCRC16.getSlot("t" + i);
                if (slot >= range[0] && slot <= range[1]) {
                    tag = "t" + i;
                }
            }
            tagOfFirstMaster = tag;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    static RedisClusterNodes start(Path dir) { return new RedisClusterNodes(dir); }

    private RedisServerProcess node(String name) {
        Path d;
        try {
            d = Files.createDirectories(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int bus = RedisServerProcess.freePort();
        RedisServerProcess p = RedisServerProcess.launch("--dir", d.toString(), "--cluster-enabled", "yes",
                "--cluster-config-file", d.resolve("nodes.conf").toString(), "--cluster-node-timeout", "1000",
                // the bus port would be port + 10000, which can be taken or above 65535 for a free port
                "--cluster-port", String.valueOf(bus));
        all.add(p);
        busPorts.put(p, bus);
        return p;
    }

    /** The first slot range a node serves, from CLUSTER NODES. */
    private static int[] slotRange(String clusterNodes, String id) {
        for (String line : clusterNodes.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].equals(id) && f.length > 8) {
                String[] r = f[8].split("-");
                return new int[] {Integer.parseInt(r[0]), Integer.parseInt(r[r.length - 1])};
            }
        }
        throw new IllegalStateException("no slots for " + id + " in\n" + clusterNodes);
    }

    /** CLUSTER MEET with the node's bus port (Jedis' clusterMeet assumes port + 10000). */
    static void meet(Jedis from, int port, int busPort) {
        from.sendCommand(Protocol.Command.CLUSTER, "MEET", "127.0.0.1", String.valueOf(port), String.valueOf(busPort));
    }

    static Jedis connect(RedisServerProcess p) { return new Jedis("127.0.0.1", p.port(), 2000); }

    /** The cluster URL naming every master as a seed. */
    String url() {
        StringBuilder sb = new StringBuilder("redis-cluster://");
        for (int i = 0; i < masters.size(); i++) {
            sb.append(i == 0 ? "" : ",").append("127.0.0.1:").append(masters.get(i).port());
        }
        return sb.toString();
    }

    private void run(List<String> cmd) {
        Path out = dir.resolve("redis-cli.log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd + " failed:\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("redis-cli must be installed for these tests: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (RedisServerProcess p : all) {
            try {
                p.kill();
            } catch (RuntimeException ignored) {
                // keep killing the others
            }
        }
        RedisSentinelSet.deleteTree(dir);
    }
}

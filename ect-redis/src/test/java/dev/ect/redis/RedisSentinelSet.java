package dev.ect.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;

/**
 * A real Sentinel set on free ports, started and killed by the test: one master, one replica and
 * one {@code redis-server --sentinel} (quorum 1, master down after 500 ms) with a generated
 * configuration file in a temp directory, removed by {@link #close()}. No persistence.
 */
final class RedisSentinelSet implements AutoCloseable {
    static final String MASTER = "ectmaster";

    final Path dir;
    final RedisServerProcess master;
    final RedisServerProcess replica;
    final RedisServerProcess sentinel;
    private final List<RedisServerProcess> all = new ArrayList<>();

    private RedisSentinelSet(Path dir, List<String> tlsServerArgs, List<String> tlsSentinelConf) {
        this.dir = dir;
        try {
            master = add(RedisServerProcess.launch(with(tlsServerArgs, "--dir", mkdir("master"))));
            replica = add(RedisServerProcess.launch(with(tlsServerArgs, "--dir", mkdir("replica"),
                    "--replicaof", "127.0.0.1", String.valueOf(master.port()))));
            Poll.until(Duration.ofSeconds(20), "the replica is in sync with the master",
                    () -> info(replica.port(), "replication").contains("master_link_status:up"));
            int port = RedisServerProcess.freePort();
            Path conf = dir.resolve("sentinel.conf");
            List<String> lines = new ArrayList<>(List.of(
                    "port " + port,
                    "bind 127.0.0.1",
                    "dir " + mkdir("sentinel"),
                    "sentinel monitor " + MASTER + " 127.0.0.1 " + master.port() + " 1",
                    "sentinel down-after-milliseconds " + MASTER + " 500",
                    "sentinel failover-timeout " + MASTER + " 5000"));
            lines.addAll(tlsSentinelConf);
            write(conf, lines);
            sentinel = add(RedisServerProcess.launchCommand(port, List.of("redis-server", conf.toString(), "--sentinel"),
                    "+monitor master"));
            // the sentinel must know the replica before it can fail over to it
            Poll.until(Duration.ofSeconds(20), "the sentinel knows the replica", () -> {
                try (Jedis s = new Jedis("127.0.0.1", sentinel.port(), 1000)) {
                    List<Map<String, String>> replicas = s.sentinelReplicas(MASTER);
                    return replicas.size() == 1 && !replicas.get(0).get("flags").contains("down");
                }
            });
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Master, replica and sentinel in plain TCP. */
    static RedisSentinelSet start(Path dir) { return new RedisSentinelSet(dir, List.of(), List.of()); }

    static void write(Path file, List<String> lines) {
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RedisServerProcess add(RedisServerProcess p) {
        all.add(p);
        return p;
    }

    private static String[] with(List<String> base, String... more) {
        List<String> l = new ArrayList<>(base);
        l.addAll(List.of(more));
        return l.toArray(new String[0]);
    }

    private String mkdir(String name) {
        try {
            return Files.createDirectories(dir.resolve(name)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String info(int port, String section) {
        try (Jedis j = new Jedis("127.0.0.1", port, 1000)) {
            return j.info(section);
        }
    }

    /** The Sentinel URL of the set; a dead sentinel address comes first, which the client skips. */
    String url(int deadPort) {
        return "redis-sentinel://127.0.0.1:" + deadPort + ",127.0.0.1:" + sentinel.port() + "/" + MASTER;
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
        deleteTree(dir);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

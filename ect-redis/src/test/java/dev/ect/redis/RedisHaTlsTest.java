package dev.ect.redis;

import static dev.ect.redis.RedisSentinelTest.assertReplay;
import static dev.ect.redis.RedisSentinelTest.assertUnavailable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * K-06 for Sentinel and Cluster: {@code rediss-sentinel://} and {@code rediss-cluster://} verify
 * the certificate and the host name of every node, including the master a sentinel names and the
 * nodes a cluster's slot map names (not only the hosts in the URL). Real TLS-only servers, with
 * certificates made in the test by a throw-away CA.
 */
class RedisHaTlsTest {
    @TempDir
    Path dir;

    final TestTokens tokens = new TestTokens(Clock.systemUTC());
    final List<RedisServerProcess> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        processes.forEach(RedisServerProcess::kill);
    }

    private RedisServerProcess track(RedisServerProcess p) {
        processes.add(p);
        return p;
    }

    private Path mkdir(String name) {
        try {
            return Files.createDirectories(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A TLS-only master and a TLS-only sentinel (quorum 1) watching it; returns the sentinel's port. */
    private int tlsSentinel(TestCa.Leaf leaf) {
        RedisServerProcess master = track(RedisServerProcess.launchTls(leaf, "--dir", mkdir("master").toString()));
        int port = RedisServerProcess.freePort();
        Path conf = dir.resolve("sentinel.conf");
        RedisSentinelSet.write(conf, List.of("port 0", "tls-port " + port, "bind 127.0.0.1", "dir " + mkdir("sentinel"),
                "tls-cert-file " + leaf.certificate(), "tls-key-file " + leaf.key(), "tls-ca-cert-file " + leaf.ca(),
                "tls-auth-clients no", "tls-replication yes",
                "sentinel monitor m 127.0.0.1 " + master.port() + " 1"));
        track(RedisServerProcess.launchCommand(port, List.of("redis-server", conf.toString(), "--sentinel"), "+monitor master"));
        return port;
    }

    /** Two TLS-only cluster nodes (cluster bus over TLS too) sharing the 16384 slots; returns their ports. */
    private int[] tlsCluster(TestCa ca, TestCa.Leaf leaf) {
        int[] ports = new int[2];
        int[] bus = new int[2];
        List<Jedis> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Path d = mkdir("node" + i);
                bus[i] = RedisServerProcess.freePort();
                RedisServerProcess p = track(RedisServerProcess.launchTls(leaf, "--dir", d.toString(), "--cluster-enabled", "yes",
                        "--cluster-config-file", d.resolve("nodes.conf").toString(), "--cluster-node-timeout", "1000",
                        "--cluster-port", String.valueOf(bus[i]), "--tls-cluster", "yes",
                        "--tls-replication", "yes"));
                ports[i] = p.port();
                nodes.add(new Jedis(new HostAndPort("127.0.0.1", p.port()), DefaultJedisClientConfig.builder().ssl(true)
                        .sslSocketFactory(ca.trustingContext().getSocketFactory()).socketTimeoutMillis(2000).build()));
            }
            nodes.get(0).clusterAddSlotsRange(0, 8191);
            nodes.get(1).clusterAddSlotsRange(8192, 16383);
            RedisClusterNodes.meet(nodes.get(0), ports[1], bus[1]);
            Poll.until(Duration.ofSeconds(20), "both TLS nodes say cluster_state:ok",
                    () -> nodes.stream().allMatch(j -> j.clusterInfo().contains("cluster_state:ok")));
            return ports;
        } finally {
            nodes.forEach(Jedis::close);
        }
    }

    /** The failure is the host name check of 127.0.0.1 (the named node), not e.g. the seed or sentinel being unreachable. */
    static void assertRefusedFor127001(Runnable r) {
        assertThatThrownBy(r::run).satisfies(e -> {
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                chain.append(t).append('\n');
                for (Throwable s : t.getSuppressed()) {
                    chain.append(s).append('\n');
                }
            }
            assertThat(chain.toString()).contains("No subject alternative names matching IP address 127.0.0.1");
        });
    }

    @Test
    @DisplayName("K-06 rediss-sentinel:// with caFile: sentinel and master verified (IP SAN), the store works")
    void k06SentinelOverTlsWorksWithTheCaFile() {
        TestCa ca = TestCa.create(dir, "Redis CA");
        int sentinel = tlsSentinel(ca.issue("local", "IP:127.0.0.1"));
        try (RedisReplayStore store = RedisReplayStore.fromUrl("rediss-sentinel://127.0.0.1:" + sentinel + "/m?caFile=" + ca.certificate)) {
            EctVerifier v = tokens.verifier(store);
            String token = tokens.mint();
            assertThat(v.verify(token)).isNotNull();
            assertReplay(() -> v.verify(token));
            assertThat(store.isAvailable()).isTrue();
        }
    }

    @Test
    @DisplayName("K-06 rediss-sentinel://: the master the sentinel names is host-checked too (certificate without its IP) -> 503")
    void k06TheMasterNamedByTheSentinelIsHostChecked() {
        TestCa ca = TestCa.create(dir, "Redis CA");
        // valid for localhost only: the sentinel is reached as localhost, the master it names is 127.0.0.1
        int sentinel = tlsSentinel(ca.issue("local", "DNS:localhost"));
        try (RedisReplayStore store = RedisReplayStore.fromUrl("rediss-sentinel://localhost:" + sentinel + "/m?caFile=" + ca.certificate)) {
            EctVerifier v = tokens.verifier(store);
            String token = tokens.mint();
            assertUnavailable(() -> v.verify(token));
            assertUnavailable(() -> v.verify(token));
            assertRefusedFor127001(() -> v.verify(token));
        }
    }

    @Test
    @DisplayName("K-06 rediss-cluster:// with caFile: every node verified (IP SAN), the store works on both nodes' slots")
    void k06ClusterOverTlsWorksWithTheCaFile() {
        TestCa ca = TestCa.create(dir, "Redis CA");
        int[] ports = tlsCluster(ca, ca.issue("local", "IP:127.0.0.1"));
        try (RedisReplayStore store = RedisReplayStore.fromUrl("rediss-cluster://127.0.0.1:" + ports[0] + "?caFile=" + ca.certificate)) {
            EctVerifier v = tokens.verifier(store);
            for (int i = 0; i < 10; i++) { // random keys: both nodes' slots
                String token = tokens.mint();
                assertThat(v.verify(token)).isNotNull();
                assertReplay(() -> v.verify(token));
            }
            assertThat(store.isAvailable()).isTrue();
        }
    }

    @Test
    @DisplayName("K-06 rediss-cluster://: nodes named by the slot map are host-checked too (certificate without their IP) -> 503")
    void k06NodesNamedByTheSlotMapAreHostChecked() {
        TestCa ca = TestCa.create(dir, "Redis CA");
        int[] ports = tlsCluster(ca, ca.issue("local", "DNS:localhost"));
        // the seed is reached as localhost (valid); CLUSTER SLOTS names 127.0.0.1, which the certificate does not
        try (RedisReplayStore store = RedisReplayStore.fromUrl("rediss-cluster://localhost:" + ports[0] + "?caFile=" + ca.certificate)) {
            EctVerifier v = tokens.verifier(store);
            String token = tokens.mint();
            assertUnavailable(() -> v.verify(token));
            assertUnavailable(() -> v.verify(token));
            assertRefusedFor127001(() -> v.verify(token));
        }
    }
}

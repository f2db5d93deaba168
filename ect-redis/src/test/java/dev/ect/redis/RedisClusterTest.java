package dev.ect.redis;

import static dev.ect.redis.RedisSentinelTest.accepts;
import static dev.ect.redis.RedisSentinelTest.assertReplay;
import static dev.ect.redis.RedisSentinelTest.assertUnavailable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.SignedEct;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.spi.EctStores;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;

/**
 * The replay store on a real 3-master Redis Cluster (plus one replica), child processes on free
 * ports: each key is one slot, so SET NX PX stays one atomic command on one master (P-02); exactly
 * once across two store instances (P-04); {@code ECT_REDIS_URL} with a cluster URL; a master
 * crash: 503 until the cluster promoted its replica, then the same store works. The failover test
 * runs last, since it kills a master.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterTest {
    static Path dir;
    static RedisClusterNodes cluster;

    final TestTokens tokens = new TestTokens(Clock.systemUTC());

    @BeforeAll
    static void startCluster() throws Exception {
        dir = Files.createTempDirectory("ect-cluster-");
        cluster = RedisClusterNodes.start(dir);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        } else if (dir != null) {
            RedisSentinelSet.deleteTree(dir);
        }
    }

    static String url(String prefix, String options) {
        return cluster.url() + "?keyPrefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8) + options;
    }

    static String prefix() { return TestRedis.uniquePrefix(RedisClusterTest.class); }

    static long keys(RedisServerProcess node, String prefix) {
        try (Jedis j = RedisClusterNodes.connect(node)) {
            return j.keys(prefix + "*").size();
        }
    }

    @Test
    @Order(1)
    @DisplayName("P-04 P-02 Cluster: 8 threads on two store instances accept each token exactly once; keys spread over every master")
    void p04EachTokenIsAcceptedOnceAcrossTwoInstancesUnderEightThreads() throws Exception {
        String prefix = prefix();
        try (RedisReplayStore a = RedisReplayStore.fromUrl(url(prefix, ""));
             RedisReplayStore b = RedisReplayStore.fromUrl(url(prefix, ""))) {
            Race.Result r = Race.run(tokens, List.of(tokens.verifier(a), tokens.verifier(b)), 60, 8);
            assertThat(r.accepted()).isEqualTo(60);
            assertThat(r.replays()).isEqualTo(60 * 7);
            assertThat(r.other()).isEmpty();
            assertThat(a.isAvailable()).isTrue();
            assertThat(a.toString()).startsWith("RedisReplayStore{redis-cluster://");
        }
        long total = 0;
        for (RedisServerProcess m : cluster.masters) {
            long n = keys(m, prefix);
            assertThat(n).as("keys on master %s", m.port()).isPositive();
            total += n;
        }
        assertThat(total).isEqualTo(60);
    }

    @Test
    @Order(2)
    @DisplayName("P-04 ECT_REDIS_URL=redis-cluster://... through EctStores (ServiceLoader): accepted once, then replay")
    void p04EctStoresAcceptsAClusterUrl() {
        String prefix = prefix();
        try (EctStores stores = EctStores.fromEnvironment(Map.of(EctStores.REDIS_URL_ENV, url(prefix, "")), tokens.clock)) {
            assertThat(stores.replayStore()).get().isInstanceOf(RedisReplayStore.class);
            EctVerifier v = stores.applyTo(EctVerifier.builder().verifierId(TestTokens.B).clock(tokens.clock)
                    .keySource(tokens.keys)).build();
            String token = tokens.mint();
            assertThat(v.verify(token)).isNotNull();
            assertReplay(() -> v.verify(token));
        }
    }

    @Test
    @Order(3)
    @DisplayName("P-04 Cluster: waitReplicas=1 runs WAIT on the master that wrote; a master without a replica cannot confirm (503, no key left)")
    void p04WaitRunsOnTheMasterThatWroteTheKey() {
        String confirmedPrefix = "{" + cluster.tagOfFirstMaster + "}" + prefix();
        try (RedisReplayStore store = RedisReplayStore.fromUrl(url(confirmedPrefix, "&waitReplicas=1&waitTimeout=300"))) {
            EctVerifier v = tokens.verifier(store);
            assertThat(v.verify(tokens.mint())).isNotNull();
            assertThat(keys(cluster.replica, confirmedPrefix)).isEqualTo(1); // already on the replica
        }
        // the other masters have no replica: the same option refuses there, and removes its key again
        String otherTag = null;
        for (int i = 0; otherTag == null; i++) {
            if (!sameMaster("o" + i, cluster.tagOfFirstMaster)) {
                otherTag = "o" + i;
            }
        }
        String unconfirmedPrefix = "{" + otherTag + "}" + prefix();
        try (RedisReplayStore store = RedisReplayStore.fromUrl(url(unconfirmedPrefix, "&waitReplicas=1&waitTimeout=100"))) {
            EctVerifier v = tokens.verifier(store);
            String token = tokens.mint();
            assertUnavailable(() -> v.verify(token));
            for (RedisServerProcess m : cluster.masters) {
                assertThat(keys(m, unconfirmedPrefix)).isZero();
            }
        }
    }

    @Test
    @Order(4)
    @DisplayName("P-04 V-15 Cluster: a token whose ledger append failed is forgotten (DEL on its slot's master), so the retry is accepted once")
    void p04ForgetDeletesTheKeyOnItsSlotsMaster() {
        String prefix = prefix();
        AtomicBoolean ledgerDown = new AtomicBoolean(true);
        InMemoryLedger memory = new InMemoryLedger();
        AuditLedger flaky = new AuditLedger() {
            @Override public LedgerEntry append(SignedEct token) {
                if (ledgerDown.getAndSet(false)) {
                    throw new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "ledger down");
                }
                return memory.append(token);
            }

            @Override public List<LedgerEntry> entries(long fromSeq, int limit) { return memory.entries(fromSeq, limit); }

            @Override public List<LedgerEntry> findEntries(String jti) { return memory.findEntries(jti); }

            @Override public List<LedgerEntry> entriesOfWorkflow(String wid) { return memory.entriesOfWorkflow(wid); }
        };
        try (RedisReplayStore store = RedisReplayStore.fromUrl(url(prefix, ""))) {
            EctVerifier v = EctVerifier.builder().verifierId(TestTokens.B).clock(tokens.clock).keySource(tokens.keys)
                    .replayStore(store).ledger(flaky).build();
            String token = tokens.mint();
            assertThatThrownBy(() -> v.verify(token)).isInstanceOfSatisfying(EctUnavailableException.class,
                    e -> assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE));
            long left = 0;
            for (RedisServerProcess m : cluster.masters) {
                left += keys(m, prefix);
            }
            assertThat(left).as("forget deleted the key").isZero();
            assertThat(v.verify(token)).isNotNull();
            assertReplay(() -> v.verify(token));
        }
    }

    /** Whether two hash tags are served by the same master (by CLUSTER SLOTS ranges of the first master). */
    private static boolean sameMaster(String a, String b) {
        try (Jedis j = RedisClusterNodes.connect(cluster.masters.get(0))) {
            String id = j.clusterMyId();
            int sa = (int) j.clusterKeySlot(a);
            int sb = (int) j.clusterKeySlot(b);
            boolean ina = false;
            boolean inb = false;
            for (String line : j.clusterNodes().split("\n")) {
                String[] f = line.trim().split(" ");
                if (f[0].equals(id)) {
                    for (int i = 8; i < f.length; i++) {
                        String[] r = f[i].split("-");
                        int lo = Integer.parseInt(r[0]);
                        int hi = Integer.parseInt(r[r.length - 1]);
                        ina |= sa >= lo && sa <= hi;
                        inb |= sb >= lo && sb <= hi;
                    }
                }
            }
            return ina == inb;
        }
    }

    @Test
    @Order(10)
    @DisplayName("P-04 Cluster: master killed -> 503 until its replica is promoted, then the same store works; a key confirmed by WAIT survives")
    void p04MasterCrashIs503UntilTheReplicaIsPromotedThenTheSameStoreWorks() {
        // a hash tag in the prefix puts every key of this test on the slot of the master that dies
        String prefix = "{" + cluster.tagOfFirstMaster + "}" + prefix();
        try (RedisReplayStore confirmed = RedisReplayStore.fromUrl(url(prefix, "&waitReplicas=1&waitTimeout=300"));
             RedisReplayStore plain = RedisReplayStore.fromUrl(url(prefix, ""))) {
            EctVerifier vc = tokens.verifier(confirmed);
            EctVerifier vp = tokens.verifier(plain);
            String before = tokens.mint();
            assertThat(vc.verify(before)).isNotNull();

            cluster.masters.get(0).kill();
            String during = tokens.mint();
            // the node timeout is 1 s: nobody has taken over the slot yet
            assertUnavailable(() -> vp.verify(during));
            assertUnavailable(() -> vp.verify(during));
            assertThat(plain.isAvailable()).isFalse();

            Poll.until(Duration.ofSeconds(30), "the store accepts a token once the replica is promoted", () -> accepts(vp, during));
            assertReplay(() -> vp.verify(during));
            assertReplay(() -> vp.verify(before)); // confirmed by WAIT: the promoted replica has it
            assertReplay(() -> vc.verify(before));
            // the health probe checks every slot's master in the slot map; the first probe after the
            // failover may still read the old map (and renews it), so it is true again once the map is
            Poll.until(Duration.ofSeconds(30), "the store reports itself available after the failover", plain::isAvailable);
        }
    }
}

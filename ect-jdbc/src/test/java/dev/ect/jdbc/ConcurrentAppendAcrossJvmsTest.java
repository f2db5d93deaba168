package dev.ect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.LedgerEntry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends racing from several JVMs and several pools leave ONE valid hash chain with no lost and
 * no duplicated entry (L-02, L-05, L-06).
 */
class ConcurrentAppendAcrossJvmsTest {
    static final String SCHEMA = TestDb.uniqueSchema(ConcurrentAppendAcrossJvmsTest.class);
    /** Timeouts far above any lock wait here: this test is about the chain, not timeouts (CI machines are small). */
    static final String GENEROUS = "&ect.statementTimeout=60000&ect.connectTimeout=30000";

    @TempDir
    Path dir;

    @AfterAll
    static void drop() { TestDb.dropSchema(SCHEMA); }

    @Test
    void twoJvmsAppendingAtOnceLeaveOneValidChain() { // L-02, L-05
        String schema = SCHEMA + "_jvm";
        int n = 150;
        try (JavaProcess p1 = JavaProcess.start(dir, AppendMain.class, TestDb.URL, schema, String.valueOf(n), "one");
             JavaProcess p2 = JavaProcess.start(dir, AppendMain.class, TestDb.URL, schema, String.valueOf(n), "two")) {
            p1.await("ready", 90);
            p2.await("ready", 90);
            p1.send("go");
            p2.send("go");
            assertThat(p1.await("done ", 120)).isEqualTo(String.valueOf(n));
            assertThat(p2.await("done ", 120)).isEqualTo(String.valueOf(n));
            assertThat(p1.waitFor(60)).isZero();
            assertThat(p2.waitFor(60)).isZero();
            Map<String, Long> reported = new HashMap<>();
            for (JavaProcess p : List.of(p1, p2)) {
                for (String line : p.linesRead()) {
                    if (line.startsWith("appended ")) {
                        String[] f = line.split(" ");
                        assertThat(reported.put(f[1], Long.parseLong(f[2]))).as("jti reported twice").isNull();
                    }
                }
            }
            assertThat(reported).hasSize(2 * n);
            try (JdbcLedger ledger = JdbcLedger.builder(TestDb.URL).schema(schema).build()) {
                List<LedgerEntry> all = ledger.entries(1, 10 * n);
                assertThat(all).hasSize(2 * n);
                for (int i = 0; i < all.size(); i++) {
                    LedgerEntry e = all.get(i);
                    assertThat(e.seq()).isEqualTo(i + 1L);
                    assertThat(reported.get(e.jti())).as("the seq the appender was told").isEqualTo(e.seq());
                }
                // both JVMs really interleaved: neither got one contiguous block
                long firstOfTwo = all.stream().filter(e -> e.iss().endsWith("/two")).mapToLong(LedgerEntry::seq).min().orElseThrow();
                long lastOfOne = all.stream().filter(e -> e.iss().endsWith("/one")).mapToLong(LedgerEntry::seq).max().orElseThrow();
                long firstOfOne = all.stream().filter(e -> e.iss().endsWith("/one")).mapToLong(LedgerEntry::seq).min().orElseThrow();
                long lastOfTwo = all.stream().filter(e -> e.iss().endsWith("/two")).mapToLong(LedgerEntry::seq).max().orElseThrow();
                assertThat(firstOfTwo < lastOfOne && firstOfOne < lastOfTwo).as("appends interleaved").isTrue();
                ChainVerification check = ledger.verifyChain();
                assertThat(check.ok()).as("%s", check).isTrue();
                assertThat(check.entriesChecked()).isEqualTo(2L * n);
            } finally {
                TestDb.dropSchema(schema);
            }
        }
    }

    @Test
    void manyThreadsOverTwoPoolsAppendEveryEntryExactlyOnce() throws Exception { // L-02, L-06
        int threads = 6;
        int perThread = 40;
        EctSigner signer = Agents.signer(Clock.systemUTC());
        try (JdbcLedger one = JdbcLedger.builder(TestDb.URL + GENEROUS).schema(SCHEMA).maxPoolSize(3).build();
             JdbcLedger two = JdbcLedger.builder(TestDb.URL + GENEROUS).schema(SCHEMA).maxPoolSize(3).build()) {
            List<SignedEct> tokens = new ArrayList<>();
            for (int i = 0; i < threads * perThread; i++) {
                tokens.add(Agents.mint(signer, Agents.A, Agents.B, Agents.uuid(), List.of()));
            }
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> fs = new ArrayList<>();
            try {
                for (int t = 0; t < threads; t++) {
                    JdbcLedger l = t % 2 == 0 ? one : two;
                    List<SignedEct> mine = tokens.subList(t * perThread, (t + 1) * perThread);
                    fs.add(pool.submit(() -> {
                        go.await();
                        for (SignedEct s : mine) {
                            l.append(s);
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : fs) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            List<LedgerEntry> all = one.entries(1, 10_000);
            assertThat(all).hasSize(threads * perThread);
            Set<String> jtis = new HashSet<>();
            all.forEach(e -> jtis.add(e.jti()));
            assertThat(jtis).hasSize(threads * perThread);
            assertThat(two.verifyChain()).satisfies(c -> {
                assertThat(c.ok()).as("%s", c).isTrue();
                assertThat(c.entriesChecked()).isEqualTo((long) threads * perThread);
            });
        }
    }
}

package dev.ect.hardening.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.hardening.support.Forge;
import dev.ect.hardening.support.HostileServer;
import dev.ect.testing.MutableClock;
import dev.ect.hardening.support.RawHttp;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filter under parallel mixed load over HTTP, with a FileLedger (L3, group commit): valid
 * tokens, each also replayed and sent with a malleated signature, interleaved with invalid ones,
 * from many client threads at once. Exact counts: each valid task accepted exactly once, every
 * invalid token refused with its reason, no 5xx, every accepted ECT in the ledger exactly once,
 * nothing else in it, the chain valid, and all of it still true after reopening the file.
 */
class FilterParallelLoadTest {
    private static final int CLIENTS = 8;
    private static final int VALID = 60;

    @TempDir
    Path dir;

    private record Shot(String taskJti, String token, String expectedRefusal) {}

    @Test
    void mixedParallelLoadIsCountedExactly() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
        Path file = dir.resolve("ledger.jsonl");
        List<Shot> shots = new ArrayList<>();
        for (int i = 0; i < VALID; i++) {
            Map<String, Object> c = Forge.claims(clock.instant());
            String t = Forge.token(Forge.header(), c, Forge.es256(Forge.TRUSTED.privateKey()));
            String jti = (String) c.get("jti");
            shots.add(new Shot(jti, t, null));
            shots.add(new Shot(jti, t, null));
            shots.add(new Shot(jti, Forge.malleate(t), null));
            switch (i % 4) {
                case 0 -> shots.add(new Shot(null, Forge.token(Forge.header(), Forge.claims(clock.instant()),
                        Forge.es256(Forge.UNTRUSTED.privateKey())), "invalid_signature"));
                case 1 -> shots.add(new Shot(null, Forge.token(Forge.header(), Forge.claims(clock.instant().minusSeconds(3600)),
                        Forge.es256(Forge.TRUSTED.privateKey())), "expired"));
                case 2 -> shots.add(new Shot(null, Forge.token(Forge.header("none"), Forge.claims(clock.instant()),
                        Forge.fixed(new byte[0])), "unsupported_alg"));
                default -> shots.add(new Shot(null, "not-a-token-" + i, "malformed_token"));
            }
        }
        Collections.shuffle(shots, new Random(42));

        Map<String, AtomicInteger> acceptedPerTask = new ConcurrentHashMap<>();
        Set<String> acceptedTokens = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicInteger replays = new AtomicInteger();
        try (FileLedger ledger = FileLedger.open(file); HostileServer server = HostileServer.builder(ledger).clock(clock).start()) {
            ConcurrentLinkedQueue<Shot> queue = new ConcurrentLinkedQueue<>(shots);
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    fs.add(pool.submit(() -> {
                        go.await(10, TimeUnit.SECONDS);
                        Shot s;
                        while ((s = queue.poll()) != null) {
                            RawHttp.Response r = server.sendToken(s.token());
                            if (s.expectedRefusal() != null) {
                                if (r.status() != 403 || !r.body().contains("\"ect_error\":\"" + s.expectedRefusal() + "\"")) {
                                    problems.add("expected " + s.expectedRefusal() + ", got " + r.status() + " " + r.body());
                                }
                            } else if (r.status() == 200) {
                                acceptedPerTask.computeIfAbsent(s.taskJti(), k -> new AtomicInteger()).incrementAndGet();
                                acceptedTokens.add(s.token());
                            } else if (r.status() == 403 && r.body().contains("\"ect_error\":\"replay\"")) {
                                replays.incrementAndGet();
                            } else {
                                problems.add("valid task " + s.taskJti() + ": " + r.status() + " " + r.body());
                            }
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : fs) {
                    f.get(300, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(problems).isEmpty();
            assertThat(acceptedPerTask).hasSize(VALID);
            assertThat(acceptedPerTask.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            assertThat(replays.get()).isEqualTo(2 * VALID);
            assertThat(server.servletCalls()).isEqualTo(VALID);
            assertLedgerHoldsExactly(ledger.entries(), acceptedPerTask.keySet(), acceptedTokens);
            assertThat(ledger.verifyChain().ok()).isTrue();
        }
        try (FileLedger reopened = FileLedger.open(file)) {
            assertLedgerHoldsExactly(reopened.entries(), acceptedPerTask.keySet(), acceptedTokens);
            assertThat(reopened.verifyChain().ok()).isTrue();
        }
    }

    private static void assertLedgerHoldsExactly(List<LedgerEntry> entries, Set<String> jtis, Set<String> tokens) {
        Map<String, String> byJti = new HashMap<>();
        for (LedgerEntry e : entries) {
            assertThat(byJti.put(e.jti(), e.compact())).as("jti %s twice in the ledger", e.jti()).isNull();
        }
        assertThat(byJti.keySet()).isEqualTo(jtis);
        assertThat(new HashSet<>(byJti.values())).as("the ledger holds the token that got the 200").isEqualTo(tokens);
    }
}

package dev.ect.hardening.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import dev.ect.hardening.support.Forge;
import dev.ect.hardening.support.HostileServer;
import dev.ect.testing.MutableClock;
import dev.ect.hardening.support.RawHttp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Faults of the replay store (V-14, P-03, P-04, T-06), over HTTP: a store that throws, one that
 * reports itself unreachable, one that fails every other call, and the bounded in-process store
 * when it is full. Always 503 with the store's reason; nothing is accepted without a replay record,
 * nothing reaches the ledger, and a full store never evicts a live entry (which would reopen the
 * replay window).
 */
class ReplayStoreFaultTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final InMemoryLedger ledger = new InMemoryLedger();
    private HostileServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private void start(ReplayStore store) throws Exception {
        server = HostileServer.builder(ledger).clock(clock).replayStore(store).start();
    }

    private static void assertProblem(RawHttp.Response r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/problem+json");
        assertThat(r.body()).contains("\"ect_error\":\"" + code + "\"");
    }

    @Test
    void aThrowingStoreIs503ReplayStoreUnavailable() throws Exception { // P-04
        start((iss, wid, jti, until) -> {
            throw new IllegalStateException("connection reset");
        });
        assertProblem(server.sendToken(Forge.valid(clock.instant())), 503, "replay_store_unavailable");
        assertThat(server.servletCalls()).isZero();
        assertThat(ledger.size()).isZero();
        assertThat(server.sendToken("garbage").status()).as("bad tokens still 403: pure checks first").isEqualTo(403);
    }

    @Test
    void aStoreReportingItselfUnreachableKeepsItsReason() throws Exception { // P-04
        start((iss, wid, jti, until) -> {
            throw new EctUnavailableException(ReasonCode.REPLAY_STORE_UNAVAILABLE, "redis down", null);
        });
        assertProblem(server.sendToken(Forge.valid(clock.instant())), 503, "replay_store_unavailable");
        assertThat(ledger.size()).isZero();
    }

    @Test
    void anIntermittentStoreNeverLetsATokenThroughUnrecorded() throws Exception { // P-02, V-15
        CaffeineReplayStore real = new CaffeineReplayStore(1000, clock);
        AtomicInteger calls = new AtomicInteger();
        start((iss, wid, jti, until) -> {
            if (calls.incrementAndGet() % 2 == 0) {
                throw new IllegalStateException("flaky");
            }
            return real.checkAndRecord(iss, wid, jti, until);
        });
        List<String> accepted = new ArrayList<>();
        int unavailable = 0;
        for (int i = 0; i < 20; i++) {
            String t = Forge.valid(clock.instant());
            RawHttp.Response r = server.sendToken(t);
            if (r.status() == 200) {
                accepted.add(t);
            } else {
                assertProblem(r, 503, "replay_store_unavailable");
                unavailable++;
            }
        }
        assertThat(accepted).hasSize(10);
        assertThat(unavailable).isEqualTo(10);
        assertThat(ledger.size()).as("exactly the accepted ECTs are in the ledger").isEqualTo(accepted.size());
        assertThat(server.servletCalls()).isEqualTo(accepted.size());
        for (String t : accepted) { // each accepted token is now a replay, whatever the store does next
            RawHttp.Response r = server.sendToken(t);
            assertThat(r.status()).isIn(403, 503);
            if (r.status() == 403) {
                assertThat(r.body()).contains("\"ect_error\":\"replay\"");
            }
        }
        assertThat(ledger.size()).isEqualTo(accepted.size());
    }

    @Test
    void aFullStoreRefusesNewTokensButNeverForgetsLiveOnes() throws Exception { // P-03, replay store bound
        start(new CaffeineReplayStore(5, clock));
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String t = Forge.valid(clock.instant());
            assertThat(server.sendToken(t).status()).isEqualTo(200);
            accepted.add(t);
        }
        assertProblem(server.sendToken(Forge.valid(clock.instant())), 503, "replay_store_full");
        for (String t : accepted) { // no live entry was evicted to make room
            assertProblem(server.sendToken(t), 403, "replay");
        }
        assertThat(ledger.size()).isEqualTo(5);

        // entries are kept until exp + skew, at least the replay TTL (60 min): then room is made
        clock.advance(Duration.ofMinutes(61));
        assertThat(server.sendToken(Forge.valid(clock.instant())).status()).isEqualTo(200);
        for (String t : accepted) { // the old tokens are expired by now, so forgetting them is safe
            assertProblem(server.sendToken(t), 403, "expired");
        }
    }
}

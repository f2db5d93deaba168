package dev.ect.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctLevel;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSettings;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.VerificationEvent;
import dev.ect.core.VerifiedEct;
import dev.ect.core.dag.EctStore;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** V-15 and level L3: an ECT is accepted only after its ledger append succeeded. */
class LedgerVerificationTest {
    final String wid = TestEcts.uuid("l3-workflow");

    @TempDir
    Path dir;

    /** A ledger that fails while {@code down} is set, else delegates to an in-memory ledger. */
    static final class FlakyLedger implements AuditLedger {
        final InMemoryLedger delegate = new InMemoryLedger(TestEcts.CLOCK);
        final AtomicBoolean down = new AtomicBoolean(true);
        RuntimeException failure = new IllegalStateException("disk on fire");
        final AtomicInteger appends = new AtomicInteger();

        @Override
        public LedgerEntry append(Ect ect, String compact) {
            appends.incrementAndGet();
            if (down.get()) {
                throw failure;
            }
            return delegate.append(ect, compact);
        }

        @Override
        public List<LedgerEntry> entries(long fromSeq, int limit) { return delegate.entries(fromSeq, limit); }

        @Override
        public List<LedgerEntry> findEntries(String jti) { return delegate.findEntries(jti); }

        @Override
        public List<LedgerEntry> entriesOfWorkflow(String w) { return delegate.entriesOfWorkflow(w); }
    }

    // V-15, L3
    @Test
    void v15AcceptedEctIsAppendedFirstAndReportedAsL3() {
        InMemoryLedger ledger = new InMemoryLedger(TestEcts.CLOCK);
        List<VerificationEvent> events = Collections.synchronizedList(new ArrayList<>());
        EctVerifier v = TestEcts.verifier().ledger(ledger).listener(events::add).build();
        SignedEct root = TestEcts.mint(wid, "plan", List.of());
        VerifiedEct accepted = v.verify(root.compact());
        assertThat(accepted.level()).isEqualTo(EctLevel.L3);
        assertThat(ledger.entries()).singleElement().satisfies(e -> {
            assertThat(e.compact()).isEqualTo(root.compact());
            assertThat(e.jti()).isEqualTo(root.ect().jti());
        });
        assertThat(events).singleElement().satisfies(e -> assertThat(e.level()).isEqualTo(EctLevel.L3));
        // the ledger is the default ECT store: a child resolves its predecessor there (G-02)
        SignedEct child = TestEcts.mint(wid, "review", List.of(root.ect().jti()));
        assertThat(v.verify(child.compact()).unresolvedPredecessors()).isEmpty();
        assertThat(ledger.entries()).hasSize(2);
        // a pure check never appends
        SignedEct checked = TestEcts.mint(wid, "check_only", List.of(root.ect().jti()));
        assertThat(v.check(checked.compact()).level()).isEqualTo(EctLevel.L2);
        assertThat(ledger.entries()).hasSize(2);
        // minLevel L3 needs a ledger
        assertThatThrownBy(() -> TestEcts.verifier().settings(EctSettings.builder().minLevel(EctLevel.L3).build()).build()).isInstanceOf(IllegalStateException.class);
        assertThat(TestEcts.verifier().settings(EctSettings.builder().minLevel(EctLevel.L3).build()).ledger(new InMemoryLedger()).build().verify(
                TestEcts.mint(wid, "x", List.of()).compact()).level()).isEqualTo(EctLevel.L3);
    }

    // V-15, T-06: a failing ledger is 503 ledger_unavailable and the ECT is never accepted; the client may retry
    @Test
    void v15FailingLedgerIsUnavailableNeverAcceptedAndTheTokenCanBeRetried() {
        FlakyLedger ledger = new FlakyLedger();
        List<VerificationEvent> events = Collections.synchronizedList(new ArrayList<>());
        EctVerifier v = TestEcts.verifier().ledger(ledger).listener(events::add).build();
        SignedEct s = TestEcts.mint(wid, "plan", List.of());
        assertThatThrownBy(() -> v.verify(s.compact())).isInstanceOfSatisfying(EctUnavailableException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
            assertThat(e.httpStatus()).isEqualTo(503);
            assertThat(e.getCause()).hasMessage("disk on fire");
            assertThat(e.getMessage()).doesNotContain(s.compact());
        });
        assertThat(ledger.entries()).isEmpty();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.accepted()).isFalse();
            assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
        });
        // the failure released the replay key: the same token is accepted once the ledger is back
        ledger.down.set(false);
        assertThat(v.verify(s.compact()).level()).isEqualTo(EctLevel.L3);
        assertThat(ledger.entries()).hasSize(1);
        assertThatThrownBy(() -> v.verify(s.compact())).isInstanceOfSatisfying(EctRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY));
    }

    // V-15: an unavailable ledger reports its own 503 as is
    @Test
    void v15LedgerUnavailableExceptionPassesThrough() {
        FlakyLedger ledger = new FlakyLedger();
        ledger.failure = new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "database is read-only");
        EctVerifier v = TestEcts.verifier().ledger(ledger).build();
        SignedEct s = TestEcts.mint(wid, "plan", List.of());
        assertThatThrownBy(() -> v.verify(s.compact())).isSameAs(ledger.failure);
        ledger.down.set(false);
        assertThat(v.verify(s.compact()).level()).isEqualTo(EctLevel.L3);
    }

    // V-15 with a replay store that cannot forget: the retry is a replay (documented default)
    @Test
    void v15StoreThatCannotForgetRefusesTheRetryAsReplay() {
        FlakyLedger ledger = new FlakyLedger();
        CaffeineReplayStore caffeine = new CaffeineReplayStore(100, TestEcts.CLOCK);
        ReplayStore noForget = caffeine::checkAndRecord;
        EctVerifier v = TestEcts.verifier().ledger(ledger).replayStore(noForget).build();
        SignedEct s = TestEcts.mint(wid, "plan", List.of());
        assertThatThrownBy(() -> v.verify(s.compact())).isInstanceOf(EctUnavailableException.class);
        ledger.down.set(false);
        assertThatThrownBy(() -> v.verify(s.compact())).isInstanceOfSatisfying(EctRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY));
    }

    // a replay store that fails to forget does not change the answer
    @Test
    void v15ForgetFailureKeepsTheLedgerFailure() {
        FlakyLedger ledger = new FlakyLedger();
        ReplayStore failingForget = new ReplayStore() {
            @Override
            public boolean checkAndRecord(String iss, String w, String jti, Instant keepUntil) { return true; }

            @Override
            public void forget(String iss, String w, String jti) { throw new IllegalStateException("redis down"); }
        };
        EctVerifier v = TestEcts.verifier().ledger(ledger).replayStore(failingForget).build();
        SignedEct s = TestEcts.mint(wid, "plan", List.of());
        assertThatThrownBy(() -> v.verify(s.compact())).isInstanceOfSatisfying(EctUnavailableException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
            assertThat(e.getSuppressed()).singleElement().satisfies(x -> assertThat(x).hasMessage("redis down"));
        });
    }

    // L-06 at V-15: a ledger that already holds the (iss, wid, jti) refuses it (403), and the replay key stays
    @Test
    void v15DuplicateInTheLedgerIsRejectedAndStaysRecorded() {
        InMemoryLedger ledger = new InMemoryLedger(TestEcts.CLOCK);
        SignedEct s = TestEcts.mint(wid, "plan", List.of());
        ledger.append(s.ect(), s.compact()); // recorded by another instance; this verifier's DAG store is separate
        EctVerifier v = TestEcts.verifier().ledger(ledger).ectStore(EctStore.empty()).build();
        assertThatThrownBy(() -> v.verify(s.compact())).isInstanceOfSatisfying(EctRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.DAG_DUPLICATE_JTI);
            assertThat(e.error().ruleId()).isEqualTo("L-06");
        });
        assertThatThrownBy(() -> v.verify(s.compact())).isInstanceOfSatisfying(EctRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY));
        assertThat(ledger.entries()).hasSize(1);
    }

    // V-15 with a FileLedger: closed, or its channel failing, is 503 and nothing is accepted
    @Test
    void v15FileLedgerThatIsClosedOrFailingIsUnavailable() throws Exception {
        Path file = dir.resolve("ledger.jsonl");
        SignedEct s = TestEcts.mint(wid, "plan", List.of());
        FileLedger closed = FileLedger.open(file);
        closed.close();
        EctVerifier v1 = TestEcts.verifier().ledger(closed).ectStore(EctStore.empty()).build();
        assertThatThrownBy(() -> v1.verify(s.compact())).isInstanceOfSatisfying(EctUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE));

        FaultyChannel[] channel = new FaultyChannel[1];
        FileLedger.ChannelOpener opener = p -> {
            channel[0] = new FaultyChannel(FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
            return channel[0];
        };
        CaffeineReplayStore replay = new CaffeineReplayStore(100, TestEcts.CLOCK);
        try (FileLedger ledger = FileLedger.open(file, FileLedger.Recovery.STRICT, TestEcts.CLOCK, opener)) {
            EctVerifier v = TestEcts.verifier().ledger(ledger).replayStore(replay).build();
            channel[0].failForce = true;
            assertThatThrownBy(() -> v.verify(s.compact())).isInstanceOfSatisfying(EctUnavailableException.class,
                    e -> assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE));
            assertThat(ledger.findByJti(s.ect().jti())).isEmpty();
        }
        // reopened, the ledger takes the same token: it was never accepted, and its replay key was released
        try (FileLedger ledger = FileLedger.open(file)) {
            EctVerifier v = TestEcts.verifier().ledger(ledger).replayStore(replay).build();
            assertThat(v.verify(s.compact()).level()).isEqualTo(EctLevel.L3);
            assertThat(ledger.size()).isEqualTo(1);
        }
    }

    // V-15 with a FileLedger whose file turned read-only: 503, nothing accepted, the ledger stops
    @Test
    void v15FileLedgerOnAReadOnlyFileIsUnavailable() throws Exception {
        Path file = dir.resolve("ledger.jsonl");
        FaultyChannel[] channel = new FaultyChannel[1];
        FileLedger.ChannelOpener opener = p -> {
            channel[0] = new FaultyChannel(FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
            return channel[0];
        };
        SignedEct first = TestEcts.mint(wid, "plan", List.of());
        SignedEct second = TestEcts.mint(wid, "review", List.of(first.ect().jti()));
        try (FileLedger ledger = FileLedger.open(file, FileLedger.Recovery.STRICT, TestEcts.CLOCK, opener)) {
            EctVerifier v = TestEcts.verifier().ledger(ledger).build();
            assertThat(v.verify(first.compact()).level()).isEqualTo(EctLevel.L3);
            channel[0].readOnly = true;
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> v.verify(second.compact())).isInstanceOfSatisfying(EctUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
                    assertThat(e.httpStatus()).isEqualTo(503);
                });
            }
            assertThat(ledger.size()).isEqualTo(1);
        }
        assertThat(ChainVerification.ofFile(file).entriesChecked()).isEqualTo(1);
    }

    // L3 is L2 plus the ledger: an unsigned L1 token is recorded but stays L1
    @Test
    void l1TokenIsRecordedButNotReportedAsL3() {
        InMemoryLedger ledger = new InMemoryLedger(TestEcts.CLOCK);
        EctVerifier v = TestEcts.verifier().ledger(ledger).settings(EctSettings.builder().minLevel(EctLevel.L1).build()).build();
        SignedEct l1 = TestEcts.unsigned(wid, "plan", List.of());
        assertThat(v.verify(l1.compact()).level()).isEqualTo(EctLevel.L1);
        assertThat(ledger.entries()).hasSize(1);
        assertThat(v.verify(TestEcts.mint(wid, "signed", List.of()).compact()).level()).isEqualTo(EctLevel.L3);
    }

    // V-13 through the verifier: a store that cannot be read is 503, not a 500
    @Test
    void failingStoreLookupIsUnavailable() {
        EctVerifier v = TestEcts.verifier().ectStore(jti -> {
            throw new IllegalStateException("connection reset");
        }).build();
        assertThatThrownBy(() -> v.verify(TestEcts.mint(wid, "plan", List.of()).compact()))
                .isInstanceOfSatisfying(EctUnavailableException.class, e -> assertThat(e.httpStatus()).isEqualTo(503));
    }

    @Test
    void caffeineReplayStoreForgetsAKey() throws IOException {
        CaffeineReplayStore store = new CaffeineReplayStore(10, TestEcts.CLOCK);
        Instant keep = TestEcts.NOW.plusSeconds(600);
        assertThat(store.checkAndRecord("iss-a", wid, "j", keep)).isTrue();
        assertThat(store.checkAndRecord("iss-a", wid, "j", keep)).isFalse();
        store.forget("iss-a", null, "j"); // another key: no effect
        assertThat(store.checkAndRecord("iss-a", wid, "j", keep)).isFalse();
        store.forget("iss-a", wid, "j");
        assertThat(store.size()).isZero();
        assertThat(store.checkAndRecord("iss-a", wid, "j", keep)).isTrue();
        ReplayStore plain = (i, w, j, k) -> true;
        plain.forget("iss-a", wid, "j"); // the default does nothing and does not fail
    }
}

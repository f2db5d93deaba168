package dev.ect.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.SignedEct;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryLedgerTest extends AuditLedgerContract {
    @Override
    protected AuditLedger newLedger() { return new InMemoryLedger(TestEcts.CLOCK); }

    @Override
    protected AuditLedger reopen() { return ledger; } // nothing to restart: the same instance

    @Test
    void recordsTheClocksTimeAndSize() {
        Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00.123456Z"), ZoneOffset.UTC);
        InMemoryLedger l = new InMemoryLedger(clock);
        SignedEct s = TestEcts.mint(w1, "a", List.of());
        LedgerEntry e = l.append(s);
        assertThat(e.recordedAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00.123Z"));
        assertThat(l.size()).isEqualTo(1);
        assertThat(l.toString()).contains("entries=1");
        assertThat(new InMemoryLedger().size()).isZero();
        assertThatThrownBy(() -> new InMemoryLedger(null)).hasMessageContaining("clock");
    }

    // L-04 through the interface's default (paging) implementation, over more than one page
    @Test
    void l04DefaultVerifyChainPagesThroughLongChains() {
        InMemoryLedger l = new InMemoryLedger(TestEcts.CLOCK);
        for (int i = 0; i < 2100; i++) {
            SignedEct s = TestEcts.unsigned(null, "t", List.of());
            l.append(s);
        }
        AuditLedger viaDefaults = new AuditLedger() {
            @Override
            public LedgerEntry append(SignedEct token) { throw new UnsupportedOperationException(); }

            @Override
            public List<LedgerEntry> entries(long fromSeq, int limit) { return l.entries(fromSeq, limit); }

            @Override
            public List<LedgerEntry> findEntries(String jti) { return l.findEntries(jti); }

            @Override
            public List<LedgerEntry> entriesOfWorkflow(String wid) { return l.entriesOfWorkflow(wid); }
        };
        assertThat(viaDefaults.verifyChain().entriesChecked()).isEqualTo(2100);
        LedgerEntry some = l.entries(1500, 1).get(0);
        assertThat(viaDefaults.findByJti(some.jti())).containsExactly(some.signed());
        assertThat(viaDefaults.findEntry(null, some.jti())).contains(some);
        assertThat(viaDefaults.findEntry(TestEcts.uuid("W9"), some.jti())).isEmpty();
        assertThat(viaDefaults.entries()).hasSize(2100);

        // a broken entry on the second page is found by the paging check
        List<LedgerEntry> tampered = new java.util.ArrayList<>(l.entries());
        LedgerEntry e = tampered.get(1500);
        tampered.set(1500, new LedgerEntry(e.seq(), e.compact(), e.jti(), e.wid(), e.iss(), "changed", e.pred(),
                e.recordedAt(), e.prevHash(), e.hash()));
        AuditLedger broken = new AuditLedger() {
            @Override
            public LedgerEntry append(SignedEct token) { throw new UnsupportedOperationException(); }

            @Override
            public List<LedgerEntry> entries(long fromSeq, int limit) {
                int from = (int) Math.min(tampered.size(), fromSeq - 1);
                return tampered.subList(from, (int) Math.min(tampered.size(), (long) from + limit));
            }

            @Override
            public List<LedgerEntry> findEntries(String jti) { return List.of(); }

            @Override
            public List<LedgerEntry> entriesOfWorkflow(String wid) { return List.of(); }
        };
        ChainVerification v = broken.verifyChain();
        assertThat(v.brokenSeq()).hasValue(1501);
        assertThat(v.entriesChecked()).isEqualTo(1500);
    }
}

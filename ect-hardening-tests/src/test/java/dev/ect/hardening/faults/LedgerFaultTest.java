package dev.ect.hardening.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.hardening.support.Forge;
import dev.ect.hardening.support.HostileServer;
import dev.ect.testing.MutableClock;
import dev.ect.testing.TestLedger;
import dev.ect.hardening.support.RawHttp;
import dev.ect.hardening.support.Tmpfs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the audit ledger (V-15, L-05, T-06), over HTTP: a FileLedger on a 64 KiB tmpfs that
 * fills up, and a ledger that throws. A failed append is 503 {@code ledger_unavailable}: the ECT
 * is not accepted, the servlet does not run, nothing half-written stays in the file; every ECT
 * that got a 200 is in the ledger after reopening it; and because the verifier releases the replay
 * key of a failed append, the client can retry the same token once the ledger works again.
 */
class LedgerFaultTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));

    @TempDir
    Path tmp;

    @Test
    void aFullDiskIs503AndNothingAcknowledgedIsLost() throws Exception {
        Tmpfs fs = Tmpfs.mount(tmp, "64k");
        assumeTrue(fs != null, "mounting a tmpfs needs root (CI runs as root)");
        try (fs) {
            Path file = fs.dir().resolve("ledger.jsonl");
            List<String> accepted = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            try (FileLedger ledger = FileLedger.open(file); HostileServer server = HostileServer.builder(ledger).clock(clock).start()) {
                for (int i = 0; i < 400 && failed.size() < 3; i++) { // each entry is about 1 KB: full after ~60
                    String t = Forge.valid(clock.instant());
                    RawHttp.Response r = server.sendToken(t);
                    if (r.status() == 200) {
                        assertThat(failed).as("an accept after the disk was full").isEmpty();
                        accepted.add(t);
                    } else {
                        assertThat(r.status()).as(r.body()).isEqualTo(503);
                        assertThat(r.body()).contains("\"ect_error\":\"ledger_unavailable\"")
                                .as("no file path or exception text for the client").doesNotContain(fs.dir().toString())
                                .doesNotContain("Exception");
                        failed.add(t);
                    }
                }
                assertThat(failed).as("the disk never filled up").hasSize(3);
                assertThat(accepted).hasSizeGreaterThan(10);
                assertThat(server.servletCalls()).isEqualTo(accepted.size());
                assertThat(jtis(ledger.entries())).isEqualTo(jtisOf(accepted));
                assertThat(ledger.verifyChain().ok()).isTrue();

                // room again: the refused token is retried and now accepted (its replay key was released)
                fs.resize("1m");
                RawHttp.Response retry = server.sendToken(failed.get(0));
                assertThat(retry.status()).as(retry.body()).isEqualTo(200);
                accepted.add(failed.get(0));
                assertThat(server.sendToken(failed.get(0)).body()).contains("\"ect_error\":\"replay\"");
            }
            try (FileLedger reopened = FileLedger.open(file)) { // L-05: every 200 survived, nothing else is there
                assertThat(jtis(reopened.entries())).isEqualTo(jtisOf(accepted));
                assertThat(reopened.verifyChain().ok()).isTrue();
            }
        }
    }

    @Test
    void aThrowingLedgerIs503AndTheTokenCanBeRetried() throws Exception {
        TestLedger ledger = new TestLedger(clock).failAppends(e -> true, () -> new IllegalStateException("disk on fire"));
        try (HostileServer server = HostileServer.builder(ledger).clock(clock).start()) {
            String t = Forge.valid(clock.instant());
            RawHttp.Response r = server.sendToken(t);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).contains("\"ect_error\":\"ledger_unavailable\"").doesNotContain("disk on fire");
            assertThat(server.servletCalls()).isZero();
            assertThat(ledger.entries()).isEmpty();

            ledger.heal();
            assertThat(server.sendToken(t).status()).as("retry after the ledger recovered").isEqualTo(200);
            assertThat(ledger.entries()).hasSize(1);
            assertThat(server.sendToken(t).body()).contains("\"ect_error\":\"replay\"");
        }
    }

    @Test
    void aLedgerReportingItselfUnavailableKeepsItsReason() throws Exception {
        TestLedger ledger = new TestLedger(clock)
                .failAppends(e -> true, () -> new EctUnavailableException(ReasonCode.LEDGER_UNAVAILABLE, "database unreachable"));
        try (HostileServer server = HostileServer.builder(ledger).clock(clock).start()) {
            RawHttp.Response r = server.sendToken(Forge.valid(clock.instant()));
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).contains("\"ect_error\":\"ledger_unavailable\"");
            assertThat(server.servletCalls()).isZero();
            assertThat(ledger.entries()).isEmpty();
            assertThat(ledger.failedAppends()).isEqualTo(1);
        }
    }

    private static Set<String> jtis(List<LedgerEntry> entries) {
        Set<String> s = new HashSet<>();
        for (LedgerEntry e : entries) {
            assertThat(s.add(e.jti())).isTrue();
        }
        return s;
    }

    private static Set<String> jtisOf(List<String> tokens) {
        Set<String> s = new HashSet<>();
        for (String t : tokens) {
            String payload = new String(java.util.Base64.getUrlDecoder().decode(t.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
            s.add(payload.replaceAll(".*\"jti\":\"([^\"]+)\".*", "$1"));
        }
        return s;
    }
}

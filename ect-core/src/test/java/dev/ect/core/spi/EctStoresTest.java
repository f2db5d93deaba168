package dev.ect.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctVerifier;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.replay.ReplayStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The URL-to-store plug-in lookup used for ECT_REDIS_URL / ECT_JDBC_URL (P-04, section 9). */
class EctStoresTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    /** A replay store that remembers its URL and whether it was closed. */
    static final class TestReplayStore implements ReplayStore, AutoCloseable {
        final String url;
        final Clock clock;
        boolean closed;

        TestReplayStore(String url, Clock clock) { this.url = url; this.clock = clock; }

        @Override public boolean checkAndRecord(String iss, String wid, String jti, Instant keepUntil) { return true; }

        @Override public void close() { closed = true; }
    }

    static final class TestLedger implements AuditLedger, AutoCloseable {
        final String url;
        boolean closed;

        TestLedger(String url) { this.url = url; }

        @Override public LedgerEntry append(Ect ect, String compact) { throw new UnsupportedOperationException(); }

        @Override public List<LedgerEntry> entries(long fromSeq, int limit) { return List.of(); }

        @Override public List<LedgerEntry> findEntries(String jti) { return List.of(); }

        @Override public List<LedgerEntry> entriesOfWorkflow(String wid) { return List.of(); }

        @Override public void close() {
            closed = true;
            throw new IllegalStateException("close failure is logged, not thrown");
        }
    }

    public static final class TestReplayProvider implements ReplayStoreProvider {
        @Override public boolean supports(String url) { return url.startsWith("test-replay:"); }

        @Override public ReplayStore create(String url, Clock clock) {
            if (url.contains("bad")) {
                throw new IllegalArgumentException("bad port");
            }
            return new TestReplayStore(url, clock);
        }
    }

    public static final class TestLedgerProvider implements LedgerProvider {
        @Override public boolean supports(String url) { return url.startsWith("test-ledger:"); }

        @Override public AuditLedger create(String url, Clock clock) {
            if (url.contains("bad")) {
                throw new IllegalArgumentException("bad database");
            }
            return new TestLedger(url);
        }
    }

    @Test
    void noVariablesLeaveBothStoresUnset() {
        try (EctStores s = EctStores.fromEnvironment(Map.of("OTHER", "x"))) {
            assertThat(s.isEmpty()).isTrue();
            assertThat(s.replayStore()).isEmpty();
            assertThat(s.ledger()).isEmpty();
            assertThat(s.toString()).contains("default").contains("none");
        }
    }

    @Test
    void variablesPickTheProviderBySchemeAndPassTheClock() {
        EctStores s = EctStores.fromEnvironment(Map.of(EctStores.REDIS_URL_ENV, "test-replay://h:1",
                EctStores.JDBC_URL_ENV, "test-ledger://db"), CLOCK);
        TestReplayStore rs = (TestReplayStore) s.replayStore().orElseThrow();
        TestLedger l = (TestLedger) s.ledger().orElseThrow();
        assertThat(rs.url).isEqualTo("test-replay://h:1");
        assertThat(rs.clock).isSameAs(CLOCK);
        assertThat(l.url).isEqualTo("test-ledger://db");
        assertThat(s.isEmpty()).isFalse();
        s.close();
        assertThat(rs.closed).isTrue();
        assertThat(l.closed).isTrue();
    }

    @Test
    void applyToSetsReplayStoreAndLedgerOnTheVerifierBuilder() {
        try (EctStores s = EctStores.of("test-replay://h", "test-ledger://db", CLOCK)) {
            EctVerifier.Builder b = EctVerifier.builder().verifierId("v").keySource(StaticKeySource.builder().build());
            assertThat(s.applyTo(b)).isSameAs(b);
            // both were set: setting them again is the builder's "already set" error
            assertThatThrownBy(() -> b.replayStore((iss, wid, jti, until) -> true)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> b.ledger(s.ledger().orElseThrow())).isInstanceOf(IllegalStateException.class);
            assertThat(b.build()).isNotNull();
        }
        try (EctStores none = EctStores.of(null, null, CLOCK)) {
            EctVerifier.Builder b = EctVerifier.builder().verifierId("v").keySource(StaticKeySource.builder().build());
            none.applyTo(b);
            b.replayStore((iss, wid, jti, until) -> true); // untouched: may still be set
        }
    }

    @Test
    void unsupportedSchemeNamesTheVariableWithoutCredentials() {
        assertThatThrownBy(() -> EctStores.fromEnvironment(Map.of(EctStores.REDIS_URL_ENV, "memcached://user:secret@h:1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ECT_REDIS_URL").hasMessageContaining("ect-redis")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> EctStores.fromEnvironment(Map.of(EctStores.JDBC_URL_ENV, "jdbc:oracle:thin:scott/tiger@h?password=secret")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ECT_JDBC_URL").hasMessageContaining("ect-jdbc")
                .hasMessageNotContaining("secret").hasMessageNotContaining("tiger");
    }

    @Test
    void emptyValueFailsInsteadOfFallingBackToTheDefault() {
        assertThatThrownBy(() -> EctStores.fromEnvironment(Map.of(EctStores.REDIS_URL_ENV, " ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ECT_REDIS_URL must not be empty");
        assertThatThrownBy(() -> EctStores.ledger("", CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be empty");
    }

    @Test
    void providerErrorsAreRethrownNamingTheVariableAndCloseWhatWasCreated() {
        Map<String, String> env = new HashMap<>();
        env.put(EctStores.REDIS_URL_ENV, "test-replay://ok");
        env.put(EctStores.JDBC_URL_ENV, "test-ledger://bad");
        assertThatThrownBy(() -> EctStores.fromEnvironment(env, CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("environment variable ECT_JDBC_URL: bad database");
        assertThatThrownBy(() -> EctStores.replayStore("test-replay://bad", CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("replay store URL: bad port");
        assertThatThrownBy(() -> EctStores.of("test-replay://ok", "test-ledger://bad", CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ledger URL: bad database");
        assertThat(EctStores.ledger("test-ledger://x", CLOCK)).isInstanceOf(TestLedger.class);
    }

    @Test
    void nullArgumentsAreRefusedByName() {
        assertThatThrownBy(() -> EctStores.fromEnvironment(null)).hasMessage("env cannot be null");
        assertThatThrownBy(() -> EctStores.fromEnvironment(Map.of(), null)).hasMessage("clock cannot be null");
        assertThatThrownBy(() -> EctStores.of(null, null, null)).hasMessage("clock cannot be null");
        try (EctStores s = EctStores.of(null, null, CLOCK)) {
            assertThatThrownBy(() -> s.applyTo(null)).hasMessage("builder cannot be null");
        }
    }

    @Test
    void redactKeepsOnlyTheScheme() {
        assertThat(EctStores.redact("redis://:pw@host:6379/2")).isEqualTo("redis://...");
        assertThat(EctStores.redact("jdbc:x:y?password=pw")).isEqualTo("jdbc:x:...");
        assertThat(EctStores.redact("mem:pw")).isEqualTo("mem:...");
        assertThat(EctStores.redact("secret")).isEqualTo("...");
    }
}

package dev.ect.core.replay;

import dev.ect.core.config.EctConfig;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.NOW;
import static dev.ect.core.support.Fixtures.claims;
import static dev.ect.core.support.Fixtures.header;
import static dev.ect.core.support.Fixtures.keyA;
import static dev.ect.core.support.Fixtures.keysOfA;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctUnavailableException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.VerificationListener;
import dev.ect.core.support.Jws;
import dev.ect.core.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The in-process replay store (P-01, P-03), its expiry driven by the injected clock. */
class CaffeineReplayStoreTest {
    private final MutableClock clock = new MutableClock(NOW);

    @Test
    void recordsAKeyOnceAndRefusesItAfterwards() { // P-01, V-14
        CaffeineReplayStore store = new CaffeineReplayStore(10, clock);
        assertThat(store.checkAndRecord("iss-a", "w", "j", NOW.plusSeconds(60))).isTrue();
        assertThat(store.checkAndRecord("iss-a", "w", "j", NOW.plusSeconds(60))).isFalse();
        assertThat(store.checkAndRecord("iss-a", "w", "j", NOW.plusSeconds(3600))).isFalse();
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void keyIsWidAndJtiWithAbsentWidMeaningGlobal() { // P-01
        CaffeineReplayStore store = new CaffeineReplayStore(10, clock);
        Instant until = NOW.plusSeconds(60);
        assertThat(store.checkAndRecord("iss-a", "w1", "j", until)).isTrue();
        assertThat(store.checkAndRecord("iss-a", "w2", "j", until)).isTrue();
        assertThat(store.checkAndRecord("iss-a", null, "j", until)).isTrue();
        assertThat(store.checkAndRecord("iss-a", "", "j", until)).isFalse(); // empty wid = absent wid
        assertThat(store.checkAndRecord("iss-a", "w1", "k", until)).isTrue();
        assertThat(store.checkAndRecord("iss-a", "w1\nj", "", until)).isTrue(); // no collision through the separator
    }

    @Test
    @DisplayName("G-01 P-01: the key includes iss; issuers cannot run into each other's ids through the separators")
    void keyIncludesTheIssuer() {
        CaffeineReplayStore store = new CaffeineReplayStore(10, clock);
        Instant until = NOW.plusSeconds(60);
        assertThat(store.checkAndRecord("spiffe://b", "w", "j", until)).as("B squats first").isTrue();
        assertThat(store.checkAndRecord("spiffe://a", "w", "j", until)).as("A's genuine token is fresh").isTrue();
        assertThat(store.checkAndRecord("spiffe://a", "w", "j", until)).isFalse();
        assertThat(store.checkAndRecord("spiffe://aw", "", "j", until)).isTrue(); // not (a, w, j)
        assertThat(store.checkAndRecord(null, "w", "j", until)).isTrue();
        assertThat(store.checkAndRecord("", "w", "j", until)).isFalse(); // empty iss = absent iss
        store.forget("spiffe://b", "w", "j");
        assertThat(store.checkAndRecord("spiffe://a", "w", "j", until)).as("forget removes only B's key").isFalse();
        assertThat(store.checkAndRecord("spiffe://b", "w", "j", until)).isTrue();
    }

    @Test
    void entryExpiresExactlyAtKeepUntilByTheInjectedClock() { // P-01: kept at least until keepUntil
        CaffeineReplayStore store = new CaffeineReplayStore(10, clock);
        Instant until = NOW.plusSeconds(90);
        store.checkAndRecord("iss-a", "w", "j", until);
        clock.set(until.minusMillis(1));
        assertThat(store.checkAndRecord("iss-a", "w", "j", until)).as("still a replay 1 ms before keepUntil").isFalse();
        clock.set(until);
        assertThat(store.checkAndRecord("iss-a", "w", "j", until.plusSeconds(90))).as("accepted again once keepUntil is reached").isTrue();
        assertThat(store.checkAndRecord("iss-a", "w", "j", until.plusSeconds(90))).isFalse();
    }

    @Test
    void keepUntilInThePastStillRecordsForTheCurrentInstant() {
        CaffeineReplayStore store = new CaffeineReplayStore(10, clock);
        assertThat(store.checkAndRecord("iss-a", "w", "j", NOW.minusSeconds(5))).isTrue();
        assertThat(store.checkAndRecord("iss-a", "w", "j", NOW.minusSeconds(5))).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(store.checkAndRecord("iss-a", "w", "j", NOW.minusSeconds(5))).isTrue();
    }

    @Test
    void fullStoreRefusesNewKeysAndKeepsItsLiveEntries() { // P-03
        CaffeineReplayStore store = new CaffeineReplayStore(2, clock);
        assertThat(store.checkAndRecord("iss-a", "w", "a", NOW.plusSeconds(60))).isTrue();
        assertThat(store.checkAndRecord("iss-a", "w", "b", NOW.plusSeconds(120))).isTrue();
        assertThatThrownBy(() -> store.checkAndRecord("iss-a", "w", "c", NOW.plusSeconds(60)))
                .isInstanceOfSatisfying(EctUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY_STORE_FULL);
                    assertThat(e.httpStatus()).isEqualTo(503);
                });
        // nothing was evicted: both live entries are still replays, and a replay is still reported as one
        assertThat(store.checkAndRecord("iss-a", "w", "a", NOW.plusSeconds(60))).isFalse();
        assertThat(store.checkAndRecord("iss-a", "w", "b", NOW.plusSeconds(60))).isFalse();
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void expiredEntriesArePurgedSoANewKeyFits() { // P-03
        CaffeineReplayStore store = new CaffeineReplayStore(2, clock);
        store.checkAndRecord("iss-a", "w", "a", NOW.plusSeconds(60));
        store.checkAndRecord("iss-a", "w", "b", NOW.plusSeconds(120));
        clock.advance(Duration.ofSeconds(61)); // a is gone, b is live
        assertThat(store.checkAndRecord("iss-a", "w", "c", NOW.plusSeconds(180))).isTrue();
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.checkAndRecord("iss-a", "w", "b", NOW.plusSeconds(120))).isFalse();
        assertThatThrownBy(() -> store.checkAndRecord("iss-a", "w", "d", NOW.plusSeconds(180)))
                .isInstanceOf(EctUnavailableException.class);
    }

    @Test
    void validatesItsArguments() {
        assertThatThrownBy(() -> new CaffeineReplayStore(0, clock)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maximumSize must be >= 1");
        assertThatThrownBy(() -> new CaffeineReplayStore(1, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("clock cannot be null");
        assertThatThrownBy(() -> new CaffeineReplayStore(1).checkAndRecord("iss-a", "w", null, NOW)).isInstanceOf(NullPointerException.class);
    }

    /**
     * P-01 end to end: with replayTtl 0 the entry lives until exp + skew, and the token expires
     * (V-11: exp <= now - skew) at exactly that instant, so there is no moment where a replay
     * would be accepted.
     */
    @Test
    void thereIsNoReplayWindowBetweenStoreExpiryAndTokenExpiry() { // P-01 with V-11
        EctVerifier v = EctVerifier.builder().verifierId(B).keySource(keysOfA()).clock(clock)
                .listener(VerificationListener.noop()).settings(EctConfig.fromEnvironment(
                        Map.of("ECT_JTI_REPLAY_TTL_MIN", "0")).settings())
                .build();
        Map<String, Object> c = claims(); // exp = NOW + 600
        String token = Jws.sign(header(keyA()), c, keyA());
        v.verify(token);
        Instant keepUntil = NOW.plusSeconds(600 + 30);
        clock.set(keepUntil.minusMillis(1));
        assertRejected(() -> v.verify(token), ReasonCode.REPLAY);
        clock.set(keepUntil);
        assertRejected(() -> v.verify(token), ReasonCode.EXPIRED);
        clock.set(keepUntil.plus(Duration.ofDays(1)));
        assertRejected(() -> v.verify(token), ReasonCode.EXPIRED);
    }
}

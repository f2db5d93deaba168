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

import dev.ect.core.EctSettings;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.VerificationListener;
import dev.ect.core.support.Jws;
import dev.ect.core.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * How long a replay entry lives (P-01; issue item 12): only as long as the token can still be
 * accepted, {@code min(exp, iat + maxAge) + skew}, and at least the floor
 * {@code ECT_JTI_REPLAY_TTL_MIN} from the moment of acceptance. A trusted issuer minting tokens
 * with a far-future {@code exp} can therefore not fill the store with entries that never expire.
 * Time moves only on the injected clock.
 */
class ReplayLifetimeTest {
    private static final Duration MAX_AGE = Duration.ofMinutes(15);
    private static final Duration SKEW = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(NOW);

    private EctVerifier verifier(ReplayStore store, String ttlMinutes) {
        return EctVerifier.builder().verifierId(B).keySource(keysOfA()).clock(clock).listener(VerificationListener.noop())
                .settings(EctConfig.fromEnvironment(Map.of("ECT_JTI_REPLAY_TTL_MIN", ttlMinutes)).settings()).replayStore(store).build();
    }

    private static String farFuture() { return Jws.sign(header(keyA()), farFutureClaims(), keyA()); }

    private static Map<String, Object> farFutureClaims() {
        Map<String, Object> c = claims(); // iat = NOW
        c.put("exp", NOW.plus(Duration.ofDays(3650)).getEpochSecond()); // ten years
        return c;
    }

    @Test
    @DisplayName("P-01: a far-future exp keeps the entry only until iat + maxAge + skew (floor 0), not until exp")
    void farFutureExpDoesNotKeepTheEntryAlive() {
        CaffeineReplayStore store = new CaffeineReplayStore(10, clock);
        EctVerifier v = verifier(store, "0");
        Map<String, Object> c = farFutureClaims();
        String token = Jws.sign(header(keyA()), c, keyA());
        v.verify(token);
        Instant keepUntil = NOW.plus(MAX_AGE).plus(SKEW);

        // the token is acceptable up to iat + maxAge: the entry is there and answers replay
        clock.set(NOW.plus(MAX_AGE));
        assertRejected(() -> v.verify(token), ReasonCode.REPLAY);
        // after that V-11 refuses it before the replay check: no window opens when the entry goes
        clock.set(NOW.plus(MAX_AGE).plusSeconds(1));
        assertRejected(() -> v.verify(token), ReasonCode.IAT_TOO_OLD);
        String iss = (String) c.get("iss");
        String wid = (String) c.get("wid");
        String jti = (String) c.get("jti");
        clock.set(keepUntil.minusMillis(1));
        assertThat(store.checkAndRecord(iss, wid, jti, keepUntil)).as("still held 1 ms before").isFalse();
        clock.set(keepUntil);
        assertThat(store.checkAndRecord(iss, wid, jti, keepUntil.plusSeconds(1)))
                .as("gone at iat + maxAge + skew, ten years before exp").isTrue();
        assertRejected(() -> v.verify(token), ReasonCode.IAT_TOO_OLD);
    }

    @Test
    @DisplayName("P-01: the keepUntil handed to the store is min(exp, iat + maxAge) + skew, at least now + the floor")
    void keepUntilIsTheLastAcceptableMomentPlusSkewWithTheFloor() {
        List<Instant> seen = new ArrayList<>();
        ReplayStore recording = (iss, wid, jti, until) -> {
            seen.add(until);
            return true;
        };
        // far-future exp, floor 0: iat + maxAge + skew
        verifier(recording, "0").verify(farFuture());
        // far-future exp, default floor 60 min: the floor (not exp + skew as before)
        verifier(recording, "60").verify(farFuture());
        // exp before iat + maxAge, floor 0: exp + skew
        Map<String, Object> shortLived = claims();
        shortLived.put("exp", NOW.plusSeconds(120).getEpochSecond());
        verifier(recording, "0").verify(Jws.sign(header(keyA()), shortLived, keyA()));
        // accepted later than iat: the floor counts from the moment of acceptance
        clock.set(NOW.plus(Duration.ofMinutes(10)));
        verifier(recording, "60").verify(farFuture());

        assertThat(seen).containsExactly(
                NOW.plus(MAX_AGE).plus(SKEW),
                NOW.plus(Duration.ofMinutes(60)),
                NOW.plusSeconds(120).plus(SKEW),
                NOW.plus(Duration.ofMinutes(70)));
    }

    @Test
    @DisplayName("P-01 P-03: far-future tokens do not exhaust a bounded store; their entries make room after the floor")
    void farFutureTokensDoNotFillTheStoreForever() {
        CaffeineReplayStore store = new CaffeineReplayStore(3, clock);
        EctVerifier v = verifier(store, "60");
        for (int i = 0; i < 3; i++) {
            v.verify(farFuture());
        }
        assertRejected(() -> v.verify(farFuture()), ReasonCode.REPLAY_STORE_FULL);

        clock.advance(Duration.ofMinutes(60)); // the floor has passed; the tokens are long too old
        assertThat(store.size()).isZero();
        Map<String, Object> fresh = claims(clock.instant());
        v.verify(Jws.sign(header(keyA()), fresh, keyA()));
        assertThat(store.size()).isEqualTo(1);
    }
}

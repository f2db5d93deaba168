package dev.ect.core;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.NOW;
import static dev.ect.core.support.Fixtures.claims;
import static dev.ect.core.support.Fixtures.clock;
import static dev.ect.core.support.Fixtures.header;
import static dev.ect.core.support.Fixtures.key;
import static dev.ect.core.support.Fixtures.keyA;
import static dev.ect.core.support.Fixtures.keysOfA;
import static dev.ect.core.support.Fixtures.verifierB;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import dev.ect.core.support.Jws;
import dev.ect.core.support.TestLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The verification procedure of profile section 4 as a whole: V-01 size gate, V-02 level
 * detection, V-03 minimum level, V-07 key resolution, V-08 signature, V-12 audience, V-14 replay,
 * the order of the steps (the first failing step decides) and "side effects last".
 */
class VerificationProcedureTest {

    private static String signed(Map<String, Object> claims) { return Jws.sign(header(keyA()), claims, keyA()); }

    private static String l1(Map<String, Object> claims) { return Jws.part(claims); }

    // ---- V-01 (T-03)

    @Test
    @DisplayName("V-01 T-03 a token one byte over maxTokenBytes is token_too_large before any parsing")
    void rejectsTokenOneByteOverMaxTokenBytesBeforeParsing() { // V-01, T-03
        String garbage = "!".repeat(8193); // not even base64url: the size gate must decide first
        assertRejected(() -> verifierB().build().verify(garbage), ReasonCode.TOKEN_TOO_LARGE);
    }

    @Test
    @DisplayName("V-01 a token of exactly maxTokenBytes passes the size gate")
    void passesTheSizeGateAtExactlyMaxTokenBytes() { // V-01: 8192 is allowed, then parsing fails
        assertRejected(() -> verifierB().build().verify("!".repeat(8192)), ReasonCode.MALFORMED_TOKEN);
    }

    @Test
    void honoursAConfiguredMaxTokenBytes() { // V-01 with ECT_MAX_TOKEN_BYTES
        String token = signed(claims());
        EctVerifier exact = verifierB().settings(EctSettings.builder().maxTokenBytes(token.length()).build()).build();
        assertThat(exact.verify(token).compact()).isEqualTo(token);
        EctVerifier smaller = verifierB().settings(EctSettings.builder().maxTokenBytes(token.length() - 1).build()).build();
        assertRejected(() -> smaller.verify(token), ReasonCode.TOKEN_TOO_LARGE);
    }

    // ---- V-02

    @Test
    @DisplayName("V-02 null, empty and shapeless values are malformed_token")
    void rejectsNullEmptyAndShapelessValuesAsMalformed() { // V-02
        EctVerifier v = verifierB().build();
        assertRejected(() -> v.verify(null), ReasonCode.MALFORMED_TOKEN);
        assertRejected(() -> v.verify(""), ReasonCode.MALFORMED_TOKEN);
        assertRejected(() -> v.verify("hello"), ReasonCode.MALFORMED_TOKEN);
        assertRejected(() -> v.verify("a.b.c"), ReasonCode.MALFORMED_TOKEN);
        assertRejected(() -> v.verify(".."), ReasonCode.MALFORMED_TOKEN);
        assertRejected(() -> v.verify(Jws.b64("[1,2]")), ReasonCode.MALFORMED_TOKEN);
        assertRejected(() -> v.verify(Jws.b64("\"just a string\"")), ReasonCode.MALFORMED_TOKEN);
        assertRejected(() -> v.verify("Bearer " + signed(claims())), ReasonCode.MALFORMED_TOKEN);
    }

    @Test
    void rejectsJsonNestedBeyondTheParseBound() { // V-02: deeply nested input is malformed, not a stack overflow
        String deep = "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}";
        Map<String, Object> c = claims();
        String payload = Jws.json(c).replaceFirst("}$", ",\"x\":" + deep + "}");
        String token = Jws.signJson(Jws.json(header(keyA())), payload, keyA());
        assertRejected(() -> verifierB().build().verify(token), ReasonCode.MALFORMED_TOKEN);
    }

    // ---- V-03 and L1 (profile section 1)

    @Test
    @DisplayName("V-02 V-03 an unsigned L1 token is detected and refused as level_below_minimum by default")
    void rejectsUnsignedL1TokenByDefault() { // V-02 detects L1, V-03 refuses it (downgrade protection)
        Map<String, Object> c = claims();
        EctException e = assertRejected(() -> verifierB().build().verify(l1(c)), ReasonCode.LEVEL_BELOW_MINIMUM);
        assertThat(e.error().ruleId()).isEqualTo("V-03");
    }

    @Test
    void acceptsUnsignedL1TokenWhenMinLevelIsL1() { // section 1: L1 is opt-in
        EctVerifier v = EctVerifier.builder().verifierId(B).settings(EctSettings.builder().minLevel(EctLevel.L1).build()).clock(clock())
                .listener(VerificationListener.noop()).build();
        Map<String, Object> c = claims();
        VerifiedEct verified = v.verify(l1(c));
        assertThat(verified.level()).isEqualTo(EctLevel.L1);
        assertThat(verified.ect().jti()).isEqualTo(c.get("jti"));
        assertThat(verified.ect().alg()).isNull();
        assertThat(verified.ect().kid()).isNull();
        assertThat(verified.ect().typ()).isNull();
        assertRejected(() -> v.verify(l1(c)), ReasonCode.REPLAY); // V-14 applies to L1 as well
    }

    @Test
    void appliesClaimTimeAndAudienceRulesToL1Tokens() { // V-09..V-12 for L1
        EctVerifier v = EctVerifier.builder().verifierId(B).settings(EctSettings.builder().minLevel(EctLevel.L1).build()).clock(clock())
                .listener(VerificationListener.noop()).build();
        Map<String, Object> noIss = claims();
        noIss.remove("iss");
        assertRejected(() -> v.verify(l1(noIss)), ReasonCode.MISSING_CLAIM); // C-01: no key step for L1
        Map<String, Object> badIss = claims();
        badIss.put("iss", 7);
        assertRejected(() -> v.verify(l1(badIss)), ReasonCode.INVALID_CLAIM);
        Map<String, Object> emptyIss = claims();
        emptyIss.put("iss", "");
        assertRejected(() -> v.verify(l1(emptyIss)), ReasonCode.INVALID_CLAIM);
        Map<String, Object> old = claims(NOW.minus(Duration.ofHours(1)));
        assertRejected(() -> v.verify(l1(old)), ReasonCode.EXPIRED);
        Map<String, Object> other = claims();
        other.put("aud", "spiffe://example.com/agent/z");
        assertRejected(() -> v.verify(l1(other)), ReasonCode.AUDIENCE_MISMATCH);
    }

    @Test
    void l1VerifierStillVerifiesSignedTokensAndWithoutKeysCallsThemUnknown() { // V-03, V-07
        EctVerifier withKeys = EctVerifier.builder().verifierId(B).settings(EctSettings.builder().minLevel(EctLevel.L1).build()).keySource(keysOfA())
                .clock(clock()).listener(VerificationListener.noop()).build();
        assertThat(withKeys.verify(signed(claims())).level()).isEqualTo(EctLevel.L2);
        EctVerifier noKeys = EctVerifier.builder().verifierId(B).settings(EctSettings.builder().minLevel(EctLevel.L1).build()).clock(clock())
                .listener(VerificationListener.noop()).build();
        assertRejected(() -> noKeys.verify(signed(claims())), ReasonCode.UNKNOWN_KEY);
    }

    @Test
    void l3VerifierAppendsToTheLedgerAndRejectsL1() { // V-03 with minLevel L3; V-15 reaches L3
        TestLedger ledger = new TestLedger();
        EctVerifier v = verifierB().settings(EctSettings.builder().minLevel(EctLevel.L3).build()).ledger(ledger).build();
        Map<String, Object> c = claims();
        VerifiedEct verified = v.verify(signed(c));
        assertThat(verified.level()).isEqualTo(EctLevel.L3);
        assertThat(ledger.appended).extracting(Ect::jti).containsExactly((String) c.get("jti"));
        assertRejected(() -> v.verify(l1(claims())), ReasonCode.LEVEL_BELOW_MINIMUM);
        assertThat(v.check(signed(claims())).level()).isEqualTo(EctLevel.L2); // check() appends nothing
        assertThat(ledger.appended).hasSize(1);
    }

    @Test
    void ledgerFailureFailsClosed() { // V-15 (minimal: the ledger helper tests the ledgers themselves)
        TestLedger ledger = new TestLedger();
        ledger.failing = true;
        EctVerifier v = verifierB().ledger(ledger).build();
        assertRejected(() -> v.verify(signed(claims())), ReasonCode.LEDGER_UNAVAILABLE);
    }

    // ---- V-07 (StaticKeySource) and key source failures

    @Test
    @DisplayName("V-07 a key registered for issuer A never verifies another issuer's token")
    void keyRegisteredForIssuerANeverVerifiesIssuerBsToken() { // V-07
        EctKeyPair shared = keyA();
        Map<String, Object> c = claims();
        c.put("iss", "spiffe://example.com/agent/b2"); // an issuer with no keys
        String token = Jws.sign(header(shared), c, shared);
        assertRejected(() -> verifierB().build().verify(token), ReasonCode.UNKNOWN_KEY);
        // issuer b2 registers its own key under the same kid: A's key is still not used
        EctKeyPair b2Key = key(EctAlgorithm.ES256, "a-1", "b2");
        KeySource ks = StaticKeySource.builder().key(A, shared).key("spiffe://example.com/agent/b2", b2Key).build();
        assertRejected(() -> verifierWith(ks).verify(token), ReasonCode.INVALID_SIGNATURE);
        assertThat(verifierWith(ks).verify(Jws.sign(header(b2Key), c, b2Key)).ect().iss()).isEqualTo("spiffe://example.com/agent/b2");
    }

    private static EctVerifier verifierWith(KeySource ks) { return dev.ect.core.support.Fixtures.verifierB(ks).build(); }

    @Test
    @DisplayName("V-07 T-06 a failing key source is 503 key_source_unavailable")
    void keySourceFailureIs503KeySourceUnavailable() { // V-07, T-06
        EctVerifier v = verifierWith((iss, kid) -> {
            throw new IllegalStateException("connection refused");
        });
        EctException e = assertRejected(() -> v.verify(signed(claims())), ReasonCode.KEY_SOURCE_UNAVAILABLE);
        assertThat(e).isInstanceOf(EctUnavailableException.class).hasCauseInstanceOf(IllegalStateException.class);
        EctVerifier v2 = verifierWith((iss, kid) -> {
            throw new EctUnavailableException(ReasonCode.KEY_SOURCE_UNAVAILABLE, "down");
        });
        assertThat(assertRejected(() -> v2.verify(signed(claims())), ReasonCode.KEY_SOURCE_UNAVAILABLE).getMessage()).contains("down");
    }

    @Test
    void keySourceAnsweringNullMeansUnknownKey() { // V-07: a sloppy SPI implementation fails closed
        assertRejected(() -> verifierWith((iss, kid) -> null).verify(signed(claims())), ReasonCode.UNKNOWN_KEY);
    }

    @Test
    void firstOfAsksEachSourceInTurn() { // V-07
        List<String> asked = new ArrayList<>();
        KeySource empty = (iss, kid) -> {
            asked.add("empty");
            return Optional.empty();
        };
        KeySource ks = KeySource.firstOf(empty, keysOfA(), (iss, kid) -> {
            asked.add("never");
            return Optional.empty();
        });
        assertThat(verifierWith(ks).verify(signed(claims())).ect().iss()).isEqualTo(A);
        assertThat(asked).containsExactly("empty");
        assertRejected(() -> verifierWith(KeySource.firstOf(empty)).verify(signed(claims())), ReasonCode.UNKNOWN_KEY);
    }

    // ---- V-14, P-01, P-04

    @Test
    @DisplayName("V-14 the second use of a token is replay")
    void rejectsTheSecondUseOfAToken() { // V-14 -> replay (refimpl ErrReplay)
        EctVerifier v = verifierB().build();
        String token = signed(claims());
        v.verify(token);
        EctException e = assertRejected(() -> v.verify(token), ReasonCode.REPLAY);
        assertThat(e.httpStatus()).isEqualTo(403);
    }

    @Test
    void replayKeyIsWidAndJti() { // P-01: uniqueness is per workflow when wid is present, else global
        EctVerifier v = verifierB().build();
        String jti = UUID.randomUUID().toString();
        Map<String, Object> w1 = claims();
        w1.put("jti", jti);
        Map<String, Object> w2 = claims();
        w2.put("jti", jti);
        v.verify(signed(w1));
        assertThat(v.verify(signed(w2)).ect().jti()).isEqualTo(jti); // another workflow
        Map<String, Object> none1 = claims();
        none1.remove("wid");
        none1.put("jti", jti);
        v.verify(signed(none1));
        Map<String, Object> none2 = claims();
        none2.remove("wid");
        none2.put("jti", jti);
        none2.put("exec_act", "another_task");
        assertRejected(() -> v.verify(signed(none2)), ReasonCode.REPLAY);
    }

    @Test
    void replayEntryIsKeptUntilTheTokenCanNoLongerBeAcceptedAtLeastTheReplayTtl() { // P-01 (see ReplayLifetimeTest)
        List<Instant> keepUntil = new ArrayList<>();
        ReplayStore recording = (iss, wid, jti, until) -> {
            keepUntil.add(until);
            return true;
        };
        Map<String, Object> longLived = claims();
        longLived.put("exp", NOW.getEpochSecond() + 7200);
        verifierB().replayStore(recording).build().verify(signed(longLived));
        // min(exp, iat + 15 min) + skew is before the floor: the floor decides
        assertThat(keepUntil).containsExactly(NOW.plus(Duration.ofMinutes(60))); // ECT_JTI_REPLAY_TTL_MIN
        keepUntil.clear();
        verifierB().replayStore(recording).build().verify(signed(claims())); // exp = now + 10 min
        assertThat(keepUntil).containsExactly(NOW.plus(Duration.ofMinutes(60))); // ECT_JTI_REPLAY_TTL_MIN
    }

    @Test
    @DisplayName("P-04 T-06 an unreachable replay store fails closed with 503 replay_store_unavailable")
    void unreachableReplayStoreFailsClosed() { // P-04: the SPI throwing -> 503 replay_store_unavailable
        ReplayStore down = (iss, wid, jti, until) -> {
            throw new IllegalStateException("redis: connection reset");
        };
        EctException e = assertRejected(() -> verifierB().replayStore(down).build().verify(signed(claims())),
                ReasonCode.REPLAY_STORE_UNAVAILABLE);
        assertThat(e).isInstanceOf(EctUnavailableException.class);
        assertThat(e.getMessage()).contains("connection reset");
    }

    @Test
    void fullReplayStoreFailsClosed() { // P-03 via the verifier
        EctVerifier v = verifierB().replayStore(new CaffeineReplayStore(1, clock())).build();
        v.verify(signed(claims()));
        assertRejected(() -> v.verify(signed(claims())), ReasonCode.REPLAY_STORE_FULL);
    }

    // ---- order of the steps and side effects last

    @Test
    void firstFailingStepDecidesTheReason() { // section 4 order: V-04 < V-05 < V-06 < V-07 < V-08 < V-09/10 < V-11 < V-12 < V-14
        EctVerifier v = verifierB().build();
        Map<String, Object> bad = header(keyA());
        bad.put("typ", "JWT");
        bad.put("alg", "HS256");
        bad.remove("kid");
        assertRejected(() -> v.verify(Jws.sign(bad, claims(), keyA())), ReasonCode.INVALID_TYP);
        bad.put("typ", "exec+jwt");
        assertRejected(() -> v.verify(Jws.sign(bad, claims(), keyA())), ReasonCode.UNSUPPORTED_ALG);
        bad.put("alg", "ES256");
        bad.put("crit", List.of("x"));
        assertRejected(() -> v.verify(Jws.sign(bad, claims(), keyA())), ReasonCode.MISSING_KID);
        bad.put("kid", "nope");
        assertRejected(() -> v.verify(Jws.sign(bad, claims(), keyA())), ReasonCode.UNSUPPORTED_HEADER);
        bad.remove("crit");
        assertRejected(() -> v.verify(Jws.sign(bad, claims(), keyA())), ReasonCode.UNKNOWN_KEY);
        Map<String, Object> noAud = claims(NOW.minus(Duration.ofHours(2)));
        noAud.remove("aud");
        String forged = Jws.sign(header(keyA()), noAud, key(EctAlgorithm.ES256, "a-1", "attacker"));
        assertRejected(() -> v.verify(forged), ReasonCode.INVALID_SIGNATURE);
        assertRejected(() -> v.verify(signed(noAud)), ReasonCode.MISSING_CLAIM);
        Map<String, Object> expiredBadJti = claims(NOW.minus(Duration.ofHours(2)));
        expiredBadJti.put("jti", "x");
        assertRejected(() -> v.verify(signed(expiredBadJti)), ReasonCode.INVALID_CLAIM);
        Map<String, Object> expiredOtherAud = claims(NOW.minus(Duration.ofHours(2)));
        expiredOtherAud.put("aud", "spiffe://example.com/agent/z");
        assertRejected(() -> v.verify(signed(expiredOtherAud)), ReasonCode.EXPIRED);
        Map<String, Object> otherAud = claims();
        otherAud.put("aud", "spiffe://example.com/agent/z");
        String t = signed(otherAud);
        assertRejected(() -> v.verify(t), ReasonCode.AUDIENCE_MISMATCH);
        assertRejected(() -> v.verify(t), ReasonCode.AUDIENCE_MISMATCH); // not replay: nothing was recorded
    }

    @Test
    void invalidTokenNeverConsumesItsJti() { // section 4: side effects only after every pure check
        AtomicInteger recorded = new AtomicInteger();
        CaffeineReplayStore store = new CaffeineReplayStore(100, clock());
        ReplayStore counting = (iss, wid, jti, until) -> {
            recorded.incrementAndGet();
            return store.checkAndRecord(iss, wid, jti, until);
        };
        EctVerifier v = verifierB().replayStore(counting).build();
        Map<String, Object> c = claims();
        Map<String, Object> wrongAud = new java.util.LinkedHashMap<>(c);
        wrongAud.put("aud", "spiffe://example.com/agent/z");
        assertRejected(() -> v.verify(signed(wrongAud)), ReasonCode.AUDIENCE_MISMATCH);
        assertThat(recorded).hasValue(0);
        assertThat(v.verify(signed(c)).ect().jti()).isEqualTo(c.get("jti"));
        assertThat(recorded).hasValue(1);
    }

    @Test
    void checkRunsThePureStepsOnlyAndRecordsNothing() { // EctVerifier.check: V-01..V-13
        ReplayStore never = (iss, wid, jti, until) -> {
            throw new AssertionError("check() must not touch the replay store");
        };
        EctVerifier v = verifierB().replayStore(never).build();
        String token = signed(claims());
        assertThat(v.check(token).ect().iss()).isEqualTo(A);
        assertThat(v.check(token).ect().iss()).isEqualTo(A);
        assertRejected(() -> v.check(Jws.flipChar(token, token.length() - 5)), ReasonCode.INVALID_SIGNATURE);
    }

    @Test
    @DisplayName("V-13 T-06 an ECT store that throws during the DAG step is 503, not the token's fault")
    void ectStoreFailureFailsClosedWith503() { // T-06 at V-13: a store that throws is not the token's fault
        EctVerifier v = verifierB().ectStore(jti -> {
            throw new IllegalStateException("database down");
        }).build();
        EctException e = assertRejected(() -> v.verify(signed(claims())), ReasonCode.LEDGER_UNAVAILABLE);
        assertThat(e.getMessage()).contains("database down");
    }

    @Test
    @DisplayName("V-13 G-06 T-06 a DAG policy hook that throws fails closed with 503, never an accept")
    void aDagPolicyThatCannotDecideFailsClosedWith503() { // T-06 at V-13 (G-06 hook throwing)
        EctVerifier v = verifierB().dagRule((child, preds) -> {
            throw new IllegalStateException("policy service unreachable");
        }).build();
        assertRejected(() -> v.verify(signed(claims())), ReasonCode.LEDGER_UNAVAILABLE);
    }

    @Test
    void verifiedEctKeepsTheCompactTokenButToStringDoesNot() {
        String token = signed(claims());
        VerifiedEct v = verifierB().build().verify(token);
        assertThat(v.compact()).isEqualTo(token);
        assertThat(v.level()).isEqualTo(EctLevel.L2);
        assertThat(v.unresolvedPredecessors()).isEmpty();
        assertThat(v.toString()).doesNotContain(Jws.parts(token)[2]).doesNotContain(token);
        assertThat(v.withLevel(EctLevel.L3).level()).isEqualTo(EctLevel.L3);
    }

    @Test
    void exposesItsIdAndSettings() {
        EctVerifier v = verifierB().settings(EctSettings.builder().maxPred(7).build()).build();
        assertThat(v.verifierId()).isEqualTo(B);
        assertThat(v.settings().maxPred()).isEqualTo(7);
        assertThat(v.settings().minLevel()).isEqualTo(EctLevel.L2);
    }
}

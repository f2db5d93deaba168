package dev.ect.hardening.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ect.core.EctException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.VerifiedEct;
import dev.ect.hardening.support.Forge;
import dev.ect.hardening.support.Json;
import dev.ect.testing.MutableClock;
import dev.ect.hardening.support.ResettableReplayStore;
import dev.ect.hardening.support.Verifiers;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Fuzz targets for the token verifier (Jazzer). In {@code mvn verify} they run in regression mode
 * over the checked-in corpus under {@code src/test/resources/dev/ect/hardening/fuzz/VerifierFuzzTestInputs/};
 * with {@code JAZZER_FUZZ=1} one target is fuzzed for its {@code maxDuration} (see the module README).
 *
 * <p>The property checked: the verifier only ever returns a verified ECT or throws one of the
 * documented exceptions (EctRejectedException, EctUnavailableException); anything else escaping is
 * a finding. The structured target adds an oracle: a token is accepted only when it was really
 * signed by the trusted key of its issuer with an allowed alg, and what is accepted obeys the
 * profile's claim, time and audience rules; accepting it twice is impossible (replay).
 */
class VerifierFuzzTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final MutableClock CLOCK = new MutableClock(T0);

    /** Its replay store is emptied per input, so an input's outcome never depends on the inputs before it. */
    private static final ResettableReplayStore REPLAY = new ResettableReplayStore(1000, CLOCK);
    private static final EctVerifier STRUCTURED = Verifiers.builder(CLOCK).replayStore(REPLAY).build();


    /** Arbitrary text as a token, decoded two ways (UTF-8 and Latin-1, so every char value occurs). */
    @FuzzTest(maxDuration = "30s")
    void arbitraryToken(byte[] input) {
        CLOCK.set(T0);
        for (String token : List.of(new String(input, StandardCharsets.UTF_8), new String(input, StandardCharsets.ISO_8859_1))) {
            REPLAY.reset();
            Object outcome = Verifiers.outcome(STRUCTURED, token);
            VerifiedEct v = Verifiers.accepted(outcome);
            if (v != null) {
                // only a token really signed by the trusted key can get here
                assertAcceptable(v, token);
            }
        }
    }

    enum SigMode { TRUSTED, OTHER_ISSUER_KEY, UNTRUSTED_KEY, DER, EMPTY, ZEROS, R_IS_N, S_IS_N, RANDOM, HS256_PUBKEY, RS256, PS256 }

    private static final String[] HEADER_NAMES = {"alg", "typ", "kid", "crit", "b64", "jwk", "jku", "x5u", "x5c", "cty", "zip"};
    private static final String[] CLAIM_NAMES = {"iss", "aud", "iat", "exp", "jti", "wid", "exec_act", "pred", "inp_hash",
        "out_hash", "ect_ext", "nbf", "sub", "par", "ext", "pol", "pol_decision"};
    private static final String[] ALGS = {"ES256", "ES384", "ES512", "EdDSA", "PS256", "RS256", "HS256", "none", "None", "NONE", "es256", ""};

    /**
     * Near-valid tokens: the valid header and claims, a few fields mutated from the fuzzer's
     * choices, signed one of several ways (the trusted key, another issuer's key under the same kid,
     * a DER signature, r or s = n, HS256 keyed with the public key, ...), optionally one character
     * of the compact form changed, and the clock moved.
     */
    @FuzzTest(maxDuration = "30s")
    void nearValidToken(FuzzedDataProvider data) {
        Instant now = T0.plusSeconds(data.consumeInt(-2000, 2000));
        CLOCK.set(T0);
        Map<String, Object> header = Forge.header();
        Map<String, Object> claims = Forge.claims(now);
        claims.put("jti", uuid(data));
        claims.put("wid", uuid(data));
        boolean duplicates = false;
        int hm = data.consumeInt(0, 3);
        for (int i = 0; i < hm; i++) {
            if (data.consumeBoolean()) {
                header.put("alg", data.pickValue(ALGS));
            } else {
                duplicates |= mutate(header, HEADER_NAMES, data);
            }
        }
        int cm = data.consumeInt(0, 4);
        for (int i = 0; i < cm; i++) {
            duplicates |= mutate(claims, CLAIM_NAMES, data);
        }
        SigMode mode = data.pickValue(SigMode.values());
        String token = Forge.token(header, claims, signer(mode, data));
        boolean edited = false;
        if (data.consumeBoolean() && !token.isEmpty()) {
            int at = data.consumeInt(0, token.length() - 1);
            char c = data.consumeChar();
            edited = token.charAt(at) != c;
            token = token.substring(0, at) + c + token.substring(at + 1);
        }
        REPLAY.reset();
        EctVerifier verifier = STRUCTURED;
        Object outcome = Verifiers.outcome(verifier, token);
        VerifiedEct v = Verifiers.accepted(outcome);
        if (v == null) {
            return;
        }
        assertThat(mode).as("accepted a token not signed by its issuer's trusted key")
                .isIn(SigMode.TRUSTED, SigMode.OTHER_ISSUER_KEY);
        assertThat(edited).as("accepted a token whose compact form was edited after signing").isFalse();
        assertThat(duplicates).as("accepted a token with a duplicate member name").isFalse();
        assertThat(v.ect().iss()).as("key confusion across issuers")
                .isEqualTo(mode == SigMode.TRUSTED ? Forge.ISS : Forge.OTHER_ISS);
        assertAcceptable(v, token);
        // V-14: the same token a second time is a replay
        Object again = Verifiers.outcome(verifier, token);
        assertThat(again).isInstanceOf(EctException.class);
        assertThat(((EctException) again).reason()).isEqualTo(ReasonCode.REPLAY);
    }

    /** What every accepted ECT must satisfy, whatever the input. */
    private static void assertAcceptable(VerifiedEct v, String token) {
        Instant now = CLOCK.instant();
        Duration skew = Duration.ofSeconds(30);
        assertThat(v.compact()).isEqualTo(token);
        assertThat(v.ect().alg()).isEqualTo("ES256");
        assertThat(v.ect().kid()).isEqualTo(Forge.KID);
        assertThat(v.ect().aud()).contains(Forge.AUD);
        assertThat(v.ect().exp()).isAfter(now.minus(skew));
        assertThat(v.ect().exp()).isAfter(v.ect().iat());
        assertThat(v.ect().iat()).isBeforeOrEqualTo(now.plus(skew));
        assertThat(v.ect().iat()).isAfterOrEqualTo(now.minus(Duration.ofMinutes(15)));
        assertThat(v.ect().pred().size()).isLessThanOrEqualTo(100);
        assertThat(v.ect().jti()).matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
        assertThat(v.ect().execAct()).isNotEmpty();
        assertThat(token.length()).isLessThanOrEqualTo(8192);
    }

    private static String uuid(FuzzedDataProvider data) {
        return new UUID(data.consumeLong(), data.consumeLong()).toString();
    }

    /** Mutates one member; returns true when it added a duplicate member name. */
    private static boolean mutate(Map<String, Object> m, String[] names, FuzzedDataProvider data) {
        String name = data.consumeBoolean() ? data.pickValue(names) : data.consumeString(12);
        Object value;
        switch (data.consumeInt(0, 12)) {
            case 0 -> {
                m.remove(name);
                return false;
            }
            case 1 -> value = data.consumeString(64);
            case 2 -> value = data.consumeLong();
            case 3 -> value = CLOCK.instant().getEpochSecond() + data.consumeInt(-2000, 2000);
            case 4 -> value = data.consumeRegularDouble();
            case 5 -> value = data.consumeBoolean();
            case 6 -> value = null;
            case 7 -> {
                List<Object> l = new ArrayList<>();
                int n = data.consumeInt(0, 120);
                for (int i = 0; i < n; i++) {
                    l.add(data.consumeBoolean() ? uuid(data) : data.consumeString(8));
                }
                value = l;
            }
            case 8 -> {
                Object inner = data.consumeString(8);
                int depth = data.consumeInt(1, 40);
                for (int i = 0; i < depth; i++) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("k", inner);
                    inner = o;
                }
                value = inner;
            }
            case 9 -> value = Json.raw(data.consumeString(32));
            case 10 -> value = uuid(data);
            case 11 -> value = Json.raw(data.pickValue(new String[] {"NaN", "Infinity", "-Infinity", "1e400", "-1e400",
                "99999999999999999999999999", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                "1.0", "0.5", "-0", "1E3", "[]", "{}", "\"\"", "[\"x\",\"x\"]"}));
            default -> value = Forge.AUD;
        }
        if (data.consumeBoolean() && m.containsKey(name)) {
            // a duplicate member: the same name twice in the JSON text (RFC 7515 5.2 lets us reject it)
            m.put(Json.dup(name, m.size()), value);
            return true;
        }
        m.put(name, value);
        return false;
    }

    private static Forge.Signer signer(SigMode mode, FuzzedDataProvider data) {
        BigInteger n = Forge.p256Order();
        return switch (mode) {
            case TRUSTED -> Forge.es256(Forge.TRUSTED.privateKey());
            case OTHER_ISSUER_KEY -> Forge.es256(Forge.OTHER_ISSUER.privateKey());
            case UNTRUSTED_KEY -> Forge.es256(Forge.UNTRUSTED.privateKey());
            case DER -> Forge.es256Der(Forge.TRUSTED.privateKey());
            case EMPTY -> Forge.fixed(new byte[0]);
            case ZEROS -> Forge.fixed(new byte[64]);
            case R_IS_N -> Forge.fixed(Forge.rs(n, BigInteger.ONE));
            case S_IS_N -> Forge.fixed(Forge.rs(BigInteger.ONE, n));
            case RANDOM -> Forge.fixed(data.consumeBytes(96));
            case HS256_PUBKEY -> Forge.hs256(Forge.TRUSTED.publicKey().getEncoded());
            case RS256 -> Forge.rs256(Forge.RSA.getPrivate());
            case PS256 -> Forge.ps256(Forge.RSA.getPrivate());
        };
    }
}

package dev.ect.core;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.claims;
import static dev.ect.core.support.Fixtures.clock;
import static dev.ect.core.support.Fixtures.header;
import static dev.ect.core.support.Fixtures.keyA;
import static dev.ect.core.support.Fixtures.keysOfA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.support.Jws;
import dev.ect.core.support.LogCapture;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The default logging listener logs jti, iss and the reason code, never the token (design rule 11,
 * standards: "never log a token"). Output of slf4j-simple is captured from System.err.
 */
class LoggingTest {
    private static EctVerifier verifier() { // default listener: VerificationListener.logging()
        return EctVerifier.builder().verifierId(B).keySource(keysOfA()).clock(clock()).build();
    }

    private static void assertNoTokenIn(String log, String token) {
        String[] p = Jws.parts(token);
        assertThat(log).doesNotContain(token).doesNotContain(p[1]).doesNotContain(p[2]);
        assertThat(log).doesNotContain(p[2].substring(0, 20));
    }

    @Test
    void logsAcceptedTokenByJtiAndIssOnly() {
        EctVerifier v = verifier();
        Map<String, Object> c = claims();
        String token = Jws.sign(header(keyA()), c, keyA());
        String log = LogCapture.during(() -> v.verify(token));
        assertThat(log).contains("ECT accepted").contains("jti=" + c.get("jti")).contains("iss=" + A).contains("level=L2");
        assertNoTokenIn(log, token);
    }

    @Test
    void logsRejectionsByJtiIssAndReasonOnly() {
        EctVerifier v = verifier();
        Map<String, Object> c = claims();
        String token = Jws.sign(header(keyA()), c, keyA());
        v.verify(token);
        String replayLog = LogCapture.during(() -> v.verify(token));
        assertThat(replayLog).contains("ECT rejected").contains("jti=" + c.get("jti")).contains("reason=replay");
        assertNoTokenIn(replayLog, token);
        String tampered = Jws.flipChar(token, token.length() - 10);
        String sigLog = LogCapture.during(() -> v.verify(tampered));
        assertThat(sigLog).contains("reason=invalid_signature");
        assertNoTokenIn(sigLog, tampered);
        String malformedLog = LogCapture.during(() -> v.verify(token + ".extra"));
        assertThat(malformedLog).contains("reason=malformed_token").contains("jti=-");
        assertNoTokenIn(malformedLog, token);
    }

    @Test
    void logsInfrastructureFailuresAtWarnWithoutTheToken() {
        EctVerifier v = EctVerifier.builder().verifierId(B).keySource((iss, kid) -> {
            throw new IllegalStateException("jwks endpoint down");
        }).clock(clock()).build();
        String token = Jws.sign(header(keyA()), claims(), keyA());
        String log = LogCapture.during(() -> v.verify(token));
        assertThat(log).contains("WARN").contains("reason=key_source_unavailable");
        assertNoTokenIn(log, token);
    }

    @Test
    void neutralisesLogInjectionAndBoundsTokenDerivedText() {
        EctVerifier v = verifier();
        Map<String, Object> c = claims();
        c.put("jti", "abc\nINFO forged line\r");
        c.put("aud", "spiffe://example.com/agent/z");
        String token = Jws.sign(header(keyA()), c, keyA());
        String log = LogCapture.during(() -> v.verify(token));
        // T-11: LogSafe.escapeField: CR/LF (and the space, so no field can be forged) as \\uXXXX
        assertThat(log).contains("jti=abc\\u000aINFO\\u0020forged\\u0020line\\u000d").doesNotContain("\nINFO forged line");
        Map<String, Object> longIss = claims(); // an unknown issuer: its name is logged, bounded
        longIss.put("iss", "spiffe://example.com/" + "x".repeat(500));
        String log2 = LogCapture.during(() -> v.verify(Jws.sign(header(keyA()), longIss, keyA())));
        assertThat(log2).contains("x".repeat(100) + "...").doesNotContain("x".repeat(200));
    }

    @Test
    void exceptionMessagesNeverContainTheToken() {
        EctVerifier v = verifier();
        String token = Jws.sign(header(keyA()), claims(), keyA());
        v.verify(token);
        for (String t : new String[] {token, Jws.flipChar(token, token.length() - 3), token + "==", token + ".x"}) {
            try {
                v.verify(t);
            } catch (EctException e) {
                assertThat(e.getMessage()).doesNotContain(Jws.parts(token)[1]).doesNotContain(Jws.parts(token)[2].substring(0, 20));
            }
        }
    }

    @Test
    void aFailingListenerIsLoggedWithoutTheToken() {
        EctVerifier v = EctVerifier.builder().verifierId(B).keySource(keysOfA()).clock(clock())
                .listener(e -> {
                    throw new IllegalStateException("listener broke");
                }).build();
        String token = Jws.sign(header(keyA()), claims(), keyA());
        String log = LogCapture.during(() -> v.verify(token));
        assertThat(log).contains("verification listener failed").contains("listener broke");
        assertNoTokenIn(log, token);
    }

    @Test
    void mintingWarnsAboutOversizedTokensWithoutLoggingThem() { // T-03: minting warns over maxTokenBytes
        EctSigner signer = EctSigner.builder(keyA()).clock(clock()).settings(EctSettings.builder().maxTokenBytes(500).build()).build();
        SignedEct[] minted = new SignedEct[1];
        String log = LogCapture.during(() -> minted[0] = signer.mint(Ect.builder().iss(A).aud(B).execAct("a".repeat(200)).build()));
        assertThat(minted[0].compact().length()).isGreaterThan(500);
        assertThat(log).contains("WARN").contains("jti=" + minted[0].ect().jti()).contains("T-03");
        assertNoTokenIn(log, minted[0].compact());
        String quiet = LogCapture.during(() -> signer.mint(Ect.builder().iss(A).aud(B).execAct("a").build()));
        assertThat(quiet).doesNotContain("maxTokenBytes");
    }
}

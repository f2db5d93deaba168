package dev.ect.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.testing.EctForgery;
import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.VerifiedEct;
import dev.ect.core.keys.StaticKeySource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Text from outside (claims of unverified tokens, paths) in the filter's logs (T-11) and in the
 * response ECT's default {@code exec_act} (C-07), over real HTTP in a real container; run on
 * Jetty and Tomcat by its subclasses, with the same {@link TestApp} as {@link EctFilterContainerSuite}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TextSafetyContainerSuite {
    /** What a log line must never carry raw: NEL, CSI, LS, PS, ESC, BEL, CR, LF, a bidi override. */
    static final String EVIL = "\u0085NEL\u009b31m\u2028LS\u2029PS\u001b[2J\u0007\r\nINFO forged\u202e";
    private static final String EMOJI = "\ud83d\ude00";
    private static final String EMOJI_URL = "%F0%9F%98%80";

    private TestApp app;
    private TestContainer container;
    private HttpClient http;

    protected abstract TestContainer.Factory containerFactory();

    @BeforeAll
    void startContainer() throws Exception {
        app = new TestApp();
        container = containerFactory().start(app, Map.of());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    void stopContainer() {
        if (container != null) {
            container.close();
        }
        if (app != null) {
            app.pool.shutdownNow();
        }
    }

    /** A JWS whose claims carry {@link #EVIL} in iss and jti; its signature is garbage (never verified). */
    private static String evilToken() {
        String header = "{\"alg\":\"ES256\",\"typ\":\"exec+jwt\",\"kid\":\"caller-1\"}";
        long now = System.currentTimeMillis() / 1000;
        String claims = "{\"iss\":\"spiffe://evil" + json(EVIL) + "\",\"aud\":\"" + TestApp.SERVER + "\",\"iat\":" + now
                + ",\"exp\":" + (now + 600) + ",\"jti\":\"" + json("j" + EVIL) + "\",\"exec_act\":\"" + json(EVIL)
                + "\",\"pred\":[]}";
        return EctForgery.compact(header, claims, new byte[64]); // a signature of the right size that verifies nothing
    }

    /** JSON string content: only what JSON requires is escaped, the rest travels raw in the claim. */
    private static String json(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    @Test
    @DisplayName("T-11 control and format characters from an unverified token and the path never reach the log raw")
    void t11UnverifiedClaimsAndPathAreEscapedInTheLog() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(get("/api/echo", evilToken()).statusCode()).isEqualTo(403);
            // U+0085, U+2028, U+202E in the (decoded) path of a request without a token
            assertThat(get("/api/x%C2%85y%E2%80%A8z%E2%80%AEw", null).statusCode()).isEqualTo(403);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        for (char c : new char[] {'\u0085', '\u009b', '\u2028', '\u2029', '\u001b', '\u0007', '\r', '\u202e'}) {
            assertThat(log.indexOf(c)).as("raw U+%04X in the log:%n%s", (int) c, log).isEqualTo(-1);
        }
        // the capture works: both rejections are there, with the escaped forms
        assertThat(log).contains("reason=unknown_key", "reason=missing_ect", "\\u2028LS", "\\u0085NEL", "x\\u0085y\\u2028z");
        assertThat(log).doesNotContain("\nINFO forged");
    }

    @Test
    @DisplayName("C-07 the default exec_act of a response ECT counts characters and never splits an emoji")
    void c07DefaultExecActKeepsEmojiWhole() throws Exception {
        SignedEct sent = mint();
        // 200 emoji: "GET /api/" + 200 code points fits C-07 (256 characters) although it is 409 UTF-16 units
        VerifiedEct resp = responseEct(get("/api/" + EMOJI_URL.repeat(200), sent.compact()), sent);
        assertThat(resp.ect().execAct()).isEqualTo("GET /api/" + EMOJI.repeat(200));
        // 300 emoji: cut to 256 characters, at an emoji boundary
        SignedEct second = mint();
        VerifiedEct cut = responseEct(get("/api/" + EMOJI_URL.repeat(300), second.compact()), second);
        assertThat(cut.ect().execAct()).isEqualTo("GET /api/" + EMOJI.repeat(247));
    }

    private SignedEct mint() {
        return EctSigner.builder(app.callerKey).build().mint(Ect.builder().iss(TestApp.CALLER).aud(TestApp.SERVER)
                .execAct("call_server").wid(UUID.randomUUID().toString()).build());
    }

    private VerifiedEct responseEct(HttpResponse<String> r, SignedEct sent) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String token = r.headers().firstValue(EctFilter.HEADER).orElse(null);
        assertThat(token).as("response Execution-Context header").isNotNull();
        return EctVerifier.builder().verifierId(TestApp.CALLER)
                .keySource(StaticKeySource.builder().key(TestApp.SERVER, app.serverKey).build())
                .ectStore(jti -> jti.equals(sent.ect().jti()) ? List.of(sent) : List.of()).build().verify(token);
    }

    private HttpResponse<String> get(String path, String ect) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + container.port() + path))
                .timeout(Duration.ofSeconds(20));
        if (ect != null) {
            b.header(EctFilter.HEADER, ect);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.ect.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.VerifiedEct;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.LedgerEntry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain WAR (a Jetty {@link WebAppContext} on an exploded webapp directory) configured only by
 * the {@code <init-param>}s of its {@code web.xml}: the no-argument {@link EctFilter} reads them.
 * The webapp under {@code src/test/resources/webapp} is copied to a temp directory with the paths of
 * the JWKS file and response key written at test time.
 */
class WebXmlDeploymentTest {
    static final String CALLER = "spiffe://example.com/war-caller";
    static final String SERVER = "spiffe://example.com/war-server";

    @TempDir
    static Path dir;

    static final EctKeyPair callerKey = EctKeys.generate("wc-1");
    static final EctKeyPair serverKey = EctKeys.generate("ws-1");
    static Server server;
    static int port;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void deploy() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(webapp("good", Map.of()));
        server.start();
        port = connector.getLocalPort();
    }

    @AfterAll
    static void undeploy() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    /** Copies the template webapp, filling in the files written now; {@code extra} adds or overrides tokens. */
    static WebAppContext webapp(String name, Map<String, String> extra) throws IOException {
        Path jwks = Files.writeString(dir.resolve(name + "-caller.jwks.json"), callerKey.publicJwks());
        Path responseKey = Files.writeString(dir.resolve(name + "-server.jwk"), serverKey.privateJwk());
        String xml;
        try (InputStream in = WebXmlDeploymentTest.class.getResourceAsStream("/webapp/WEB-INF/web.xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> tokens = new java.util.HashMap<>(Map.of("@SERVER@", SERVER, "@CALLER@", CALLER,
                "@JWKS_FILE@", jwks.toString(), "@RESPONSE_KEY_FILE@", responseKey.toString(),
                "@MIN_LEVEL@", "L3", "@EXTRA_PARAM@", "",
                "@LEDGER_PARAM@", "<init-param><param-name>ect.ledger-file</param-name><param-value>"
                        + ledgerFile(name) + "</param-value></init-param>"));
        tokens.putAll(extra);
        for (Map.Entry<String, String> t : tokens.entrySet()) {
            xml = xml.replace(t.getKey(), t.getValue());
        }
        Path webInf = Files.createDirectories(dir.resolve(name).resolve("WEB-INF"));
        Files.writeString(webInf.resolve("web.xml"), xml);
        WebAppContext context = new WebAppContext();
        context.setContextPath("/app");
        context.setWar(dir.resolve(name).toString());
        context.setParentLoaderPriority(true);
        context.setThrowUnavailableOnStartupException(true);
        return context;
    }

    static Path ledgerFile(String webapp) { return dir.resolve(webapp + "-ledger.jsonl"); }

    private HttpResponse<String> get(String path, String... ects) throws Exception { return get(port, path, ects); }

    private static HttpResponse<String> get(int port, String path, String... ects) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/app" + path));
        for (String e : ects) {
            b.header(EctFilter.HEADER, e);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static SignedEct mint(EctKeyPair key) {
        return EctSigner.builder(key).build().mint(Ect.builder().iss(CALLER).aud(SERVER).execAct("war_call").build());
    }

    @Test
    void acceptsAGoodTokenAndAnswersWithAResponseEct() throws Exception {
        SignedEct sent = mint(callerKey);
        HttpResponse<String> r = get("/orders/7", sent.compact());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("ect.jti=" + sent.ect().jti(), "ctx.jti=" + sent.ect().jti(), "handler=war",
                "ect.level=L3");
        // T-08 from ect.response-key-file; exec_act includes the context path
        String token = r.headers().firstValue(EctFilter.HEADER).orElseThrow();
        VerifiedEct resp = EctVerifier.builder().verifierId(CALLER)
                .keySource(StaticKeySource.builder().key(SERVER, serverKey).build())
                .ectStore(jti -> jti.equals(sent.ect().jti()) ? List.of(sent) : List.of())
                .build().verify(token);
        assertThat(resp.ect().pred()).containsExactly(sent.ect().jti());
        assertThat(resp.ect().execAct()).isEqualTo("GET /app/orders/7");
    }

    @Test
    void theLedgerFileRecordsInboundEctsOnlyByDefaultAndIsClosedOnUndeploy() throws Exception {
        // V-15 / L-02 through ect.ledger-file at ect.min-level L3; the filter's destroy() closes the file.
        // The response ECT is sent but not recorded: its receiver, the caller, records it.
        Exchange x = deployCallUndeploy("ledger", "");
        assertThat(ChainVerification.ofFile(ledgerFile("ledger")).ok()).isTrue();
        try (FileLedger ledger = FileLedger.open(ledgerFile("ledger"))) { // the lock was released
            assertThat(ledger.entries()).extracting(LedgerEntry::jti).containsExactly(x.sent().ect().jti());
        }
    }

    @Test
    void recordResponseEctsInitParamAlsoRecordsTheResponseEct() throws Exception {
        Exchange x = deployCallUndeploy("ledger-rec",
                "<init-param><param-name>ect.record-response-ects</param-name><param-value>true</param-value></init-param>");
        assertThat(ChainVerification.ofFile(ledgerFile("ledger-rec")).ok()).isTrue();
        try (FileLedger ledger = FileLedger.open(ledgerFile("ledger-rec"))) {
            assertThat(ledger.entries()).extracting(LedgerEntry::jti).containsExactly(x.sent().ect().jti(), x.responseJti());
            assertThat(ledger.entries().get(1).pred()).containsExactly(x.sent().ect().jti());
        }
    }

    record Exchange(SignedEct sent, String responseJti) {}

    /** Deploys the webapp with an extra init-param, sends one ECT, and undeploys (closing the ledger file). */
    private static Exchange deployCallUndeploy(String name, String extraParam) throws Exception {
        Server s = new Server();
        ServerConnector c = new ServerConnector(s);
        c.setHost("127.0.0.1");
        c.setPort(0);
        s.addConnector(c);
        s.setHandler(webapp(name, Map.of("@EXTRA_PARAM@", extraParam)));
        s.start();
        SignedEct sent = mint(callerKey);
        try {
            HttpResponse<String> r = get(c.getLocalPort(), "/orders/8", sent.compact());
            assertThat(r.body()).contains("ect.level=L3");
            String token = r.headers().firstValue(EctFilter.HEADER).orElseThrow();
            String responseJti = EctVerifier.builder().verifierId(CALLER)
                    .keySource(StaticKeySource.builder().key(SERVER, serverKey).build())
                    .settings(EctSettings.builder().allowUnresolvedPredecessors(true).build()).build().check(token).ect().jti();
            return new Exchange(sent, responseJti);
        } finally {
            s.stop();
        }
    }

    @Test
    void rejectsABadToken() throws Exception {
        HttpResponse<String> r = get("/orders/7", mint(EctKeys.generate("wc-1")).compact());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(JsonUtil.parseJson(r.body())).containsEntry("ect_error", "invalid_signature");
        HttpResponse<String> missing = get("/orders/7");
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(JsonUtil.parseJson(missing.body())).containsEntry("ect_error", "missing_ect");
    }

    @Test
    void pathListsFromInitParams() throws Exception {
        assertThat(get("/health").statusCode()).isEqualTo(200);
        // T-10: *.css is excluded, but the servlet mapped to /* (a prefix mapping) serves this path,
        // so the suffix exclusion does not apply: the bad token is rejected
        assertThat(get("/static/site.css", "garbage").statusCode()).isEqualTo(403);
        assertThat(get("/public/catalog").statusCode()).isEqualTo(200);
        assertThat(get("/public/catalog", "garbage").statusCode()).isEqualTo(403);
    }

    @Test
    void anInvalidInitParamFailsTheDeploymentNamingIt() throws Exception {
        Server bad = new Server();
        bad.setHandler(webapp("bad", Map.of("@EXTRA_PARAM@",
                "<init-param><param-name>ect.max-token-bytes</param-name><param-value>tiny</param-value></init-param>")));
        try {
            assertThatThrownBy(bad::start).satisfies(e -> assertThat(messages(e)).contains("init-param ect.max-token-bytes=tiny"));
        } finally {
            bad.stop();
        }
    }

    private static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append('\n');
            for (Throwable s : c.getSuppressed()) {
                b.append(messages(s));
            }
        }
        return b.toString();
    }
}

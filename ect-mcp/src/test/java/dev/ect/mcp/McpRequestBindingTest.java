package dev.ect.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctHashes;
import dev.ect.core.EctSigner;
import dev.ect.core.ReasonCode;
import dev.ect.core.ValidationResult;
import dev.ect.core.VerificationEvent;
import dev.ect.core.VerificationListener;
import dev.ect.core.VerificationScope;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The binding of a {@code tools/call} ECT to its request ({@code exec_act} names the tool,
 * {@code inp_hash} is the SHA-256 of the body) runs inside the one verification of the ECT filter,
 * on verified claims, after the signature and DAG rules and before the replay record and the ledger
 * append. Over real HTTP: the SDK's servlet transport in Jetty behind {@link EctMcpServer#filter()},
 * raw JSON-RPC posts in a session a real SDK client opened.
 */
class McpRequestBindingTest {
    private Agents agents;
    private Agents.ToolServer server;
    private final CountingReplayStore replay = new CountingReplayStore();
    private final List<VerificationEvent> verifications = new CopyOnWriteArrayList<>();
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private String sid;

    /** A real in-memory replay store that counts every call made to it, accepted or not. */
    static final class CountingReplayStore implements ReplayStore {
        final CaffeineReplayStore inner = new CaffeineReplayStore(1000);
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger records = new AtomicInteger();

        @Override
        public boolean checkAndRecord(String iss, String wid, String jti, Instant keepUntil) {
            calls.incrementAndGet();
            boolean fresh = inner.checkAndRecord(iss, wid, jti, keepUntil);
            if (fresh) {
                records.incrementAndGet();
            }
            return fresh;
        }

        @Override
        public void forget(String iss, String wid, String jti) {
            calls.incrementAndGet();
            inner.forget(iss, wid, jti);
        }
    }

    @BeforeEach
    void start() throws Exception {
        agents = new Agents();
        agents.key("planner");
        server = agents.server("tools", Map.of(
                "read", (ex, req) -> { ran.add("read " + req.arguments()); return Agents.text("r"); },
                "delete", (ex, req) -> { ran.add("delete " + req.arguments()); return Agents.text("deleted"); }),
                b -> b.replayStore(replay).listener(verifications::add), f -> { }, m -> { });
        sid = agents.session(server);
    }

    @AfterEach
    void stop() throws Exception { agents.close(); }

    private String mint(EctSigner signer, String execAct, String body) {
        Ect.Builder b = Ect.builder().iss(agents.id("planner")).aud(server.id()).execAct(execAct);
        if (body != null) {
            b.inpHash(EctHashes.sha256(body.getBytes(StandardCharsets.UTF_8)));
        }
        return signer.mint(b.build()).compact();
    }

    private String mint(String execAct, String body) { return mint(agents.signer("planner"), execAct, body); }

    /** Asserts that nothing of the refused request reached a store or a handler. */
    private void assertNothingRecorded() {
        assertThat(agents.ledger.size()).isZero();
        assertThat(replay.calls).hasValue(0);
        assertThat(ran).isEmpty();
    }

    @Test
    @DisplayName("V-08: a forged tools/call ECT whose exec_act and inp_hash are wrong too is invalid_signature (the binding never reads unverified claims); nothing recorded")
    void forgedTokenWithAWrongBindingIsInvalidSignature() throws Exception {
        EctSigner forger = EctSigner.builder(EctKeys.generate(EctAlgorithm.ES256, "planner-1")).build(); // same kid, other key
        String body = Agents.toolCall("1", "delete", "{\"path\":\"/\"}");
        HttpResponse<String> r = Agents.post(server.url(), sid, body, mint(forger, "mcp.tools.call.read", "another body"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue(EctMcp.ERROR_HEADER)).hasValue("invalid_signature");
        assertThat(r.body()).contains("\"id\":\"1\"").contains("\"code\":" + EctMcp.JSONRPC_ECT_REJECTED)
                .doesNotContain("exec_act").doesNotContain("inp_hash");
        assertThat(verifications).singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_SIGNATURE));
        assertNothingRecorded();
    }

    @Test
    @DisplayName("C-07, V-14: a valid ECT minted for another tool is 403 invalid_claim from inside the one verification; no replay record, no ledger entry, the tool never ran")
    void validTokenForAnotherToolIsInvalidClaim() throws Exception {
        String body = Agents.toolCall("2", "delete", "{\"path\":\"/\"}");
        String read = Agents.toolCall("2", "read", "{\"path\":\"/\"}");
        String token = mint("mcp.tools.call.read", read);
        HttpResponse<String> r = Agents.post(server.url(), sid, body, token);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue(EctMcp.ERROR_HEADER)).hasValue("invalid_claim");
        assertThat(r.body()).contains("\"id\":\"2\"").contains("exec_act").contains("mcp.tools.call.delete").doesNotContain(token);
        // one verification, refused by its request scope: the verifier's listener saw it (metrics count it)
        assertThat(verifications).singleElement().satisfies(e -> {
            assertThat(e.accepted()).isFalse();
            assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_CLAIM);
            assertThat(e.iss()).isEqualTo(agents.id("planner"));
        });
        assertNothingRecorded();
        // the token was not consumed: it is still good for the call it was minted for
        HttpResponse<String> meant = Agents.post(server.url(), sid, read, token);
        assertThat(meant.statusCode()).isEqualTo(200);
        assertThat(ran).containsExactly("read {path=/}");
        assertThat(replay.records).hasValue(1);
        assertThat(agents.ledger.size()).isEqualTo(1);
    }

    @Test
    @DisplayName("C-09, V-14: a valid ECT whose inp_hash is of another body, or that has none, is 403 invalid_claim; no replay record, no ledger entry")
    void validTokenWithAnotherBodyIsInvalidClaim() throws Exception {
        String body = Agents.toolCall("3", "delete", "{\"path\":\"/tmp\"}");
        String minted = Agents.toolCall("3", "delete", "{\"path\":\"/tmp/x\"}");
        HttpResponse<String> other = Agents.post(server.url(), sid, body, mint("mcp.tools.call.delete", minted));
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.headers().firstValue(EctMcp.ERROR_HEADER)).hasValue("invalid_claim");
        assertThat(other.body()).contains("inp_hash does not match");
        HttpResponse<String> none = Agents.post(server.url(), sid, body, mint("mcp.tools.call.delete", null));
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.headers().firstValue(EctMcp.ERROR_HEADER)).hasValue("invalid_claim");
        assertThat(none.body()).contains("must carry inp_hash");
        assertThat(verifications).hasSize(2).allSatisfy(e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_CLAIM));
        assertNothingRecorded();
    }

    @Test
    @DisplayName("V-14, V-15: a correct tool call is accepted once: the SDK reads the buffered body (the tool sees its arguments), one replay record, one ledger entry; the same request again is replay")
    void correctCallIsAcceptedOnce() throws Exception {
        String body = Agents.toolCall("4", "delete", "{\"path\":\"/tmp\"}");
        String token = mint("mcp.tools.call.delete", body);
        HttpResponse<String> ok = Agents.post(server.url(), sid, body, token);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("deleted");
        assertThat(ok.headers().firstValue(EctMcp.ERROR_HEADER)).isEmpty();
        assertThat(ran).containsExactly("delete {path=/tmp}");
        assertThat(replay.records).hasValue(1);
        assertThat(agents.ledger.entries()).singleElement().satisfies(e -> assertThat(e.execAct()).isEqualTo("mcp.tools.call.delete"));
        HttpResponse<String> again = Agents.post(server.url(), sid, body, token);
        assertThat(again.statusCode()).isEqualTo(403);
        assertThat(again.headers().firstValue(EctMcp.ERROR_HEADER)).hasValue("replay");
        assertThat(ran).hasSize(1);
        assertThat(replay.records).hasValue(1);
        assertThat(agents.ledger.size()).isEqualTo(1);
        assertThat(verifications).extracting(VerificationEvent::outcome).containsExactly("ok", "replay");
    }

    @Test
    @DisplayName("C-07: the configuration's own request scope and the MCP binding both run in the one verification, the configured one first; bindToRequest(false) leaves only the configured one")
    void configuredRequestScopeComposesWithTheBinding() throws Exception {
        agents.close();
        agents = new Agents();
        agents.key("planner");
        AtomicInteger configured = new AtomicInteger();
        VerificationScope onlyDeletesOfTmp = VerificationScope.of((ect, dag) -> {
            configured.incrementAndGet();
            return ect.execAct().endsWith(".delete") ? ValidationResult.valid()
                    : ValidationResult.invalid(ReasonCode.DAG_POLICY_VIOLATION, "G-06", "only deletes are served here");
        });
        for (boolean bind : new boolean[] {true, false}) {
            Agents.ToolServer s = agents.server(bind ? "bound" : "unbound", Map.of("delete", (ex, req) -> Agents.text("deleted")),
                    b -> { }, f -> f.requestScope(req -> onlyDeletesOfTmp), m -> m.bindToRequest(bind));
            String session = agents.session(s);
            server = s;
            String body = Agents.toolCall("5", "delete", "{}");
            HttpResponse<String> policy = Agents.post(s.url(), session, body, mint("mcp.tools.call.read", body));
            assertThat(policy.headers().firstValue(EctMcp.ERROR_HEADER)).hasValue("dag_policy_violation"); // the configured scope first
            HttpResponse<String> unbound = Agents.post(s.url(), session, body, mint("mcp.tools.call.x.delete", "other"));
            if (bind) {
                assertThat(unbound.headers().firstValue(EctMcp.ERROR_HEADER)).hasValue("invalid_claim"); // then the binding
            } else {
                assertThat(unbound.statusCode()).isEqualTo(200); // clients that mint their own exec_act
            }
        }
        assertThat(configured).hasValue(4);
    }
}

package dev.ect.httpclient;

import dev.ect.core.client.EctResponseRejectedException;
import dev.ect.core.client.AudienceResolver;
import static dev.ect.httpclient.Agents.A;
import static dev.ect.httpclient.Agents.B;
import static dev.ect.httpclient.Agents.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.keys.EctKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Logs carry jti, iss, host and reason codes, never a token (at DEBUG, as configured for this module's tests). */
class NoTokenInLogsTest {
    @Test
    @DisplayName("T-08: minting (DEBUG) and a refused response ECT (INFO) log the jti and reason, never the tokens")
    void logsNeverContainATokenButNameTheJti() throws Exception {
        List<String> tokens = new CopyOnWriteArrayList<>();
        EctSigner impostor = EctSigner.builder(EctKeys.generate("b-1")).clock(CLOCK).build();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new Agents.PeerB(in -> {
                String forged = impostor.sign(Agents.responseFor(in).build());
                tokens.add(forged);
                return new MockResponse.Builder().addHeader(EctHttp.HEADER, forged).build();
            }));
            server.start();
            EctVerifier v = EctVerifier.builder().verifierId(A).keySource(Agents.KEYS).clock(CLOCK)
                    .ectStore(EctHttp.mintedEctStore()).build();
            EctHttpClient client = EctHttp.builder(Agents.SIGNER_A, A)
                    .audience(AudienceResolver.byHost(Map.of(Agents.hostPort(server), B))).responseVerifier(v).build()
                    .wrap(Agents.base());
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            assertThatThrownBy(() -> client.send(Agents.get(server, "/x"), BodyHandlers.ofString()))
                    .isInstanceOf(EctResponseRejectedException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(tokens.get(0)));
            tokens.add(server.takeRequest().getHeaders().get(EctHttp.HEADER)); // the token A sent
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        String sentJti = Agents.decode(tokens.get(1), B).jti();
        assertThat(log).contains("minted ECT jti=" + sentJti).contains("reason=invalid_signature");
        for (String t : tokens) {
            assertThat(log).doesNotContain(t);
            assertThat(log).doesNotContain(t.substring(t.lastIndexOf('.') + 1)); // not even the signature
        }
    }
}

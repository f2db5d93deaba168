package dev.ect.httpclient;

import dev.ect.core.client.EctRequestOptions;
import dev.ect.core.client.AudienceResolver;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.VerifiedEct;
import dev.ect.core.context.TaskContext;
import dev.ect.core.dag.EctStore;
import dev.ect.core.keys.KeySource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's example, run as written (the test fails when the README's copy drifts from this code). */
@SuppressWarnings("try") // scopes are opened for their effect: the variable is unused by design
class ReadmeExampleTest {
    private static final Path SOURCE = Path.of("src/test/java/dev/ect/httpclient/ReadmeExampleTest.java");
    private static final Path README = Path.of("README.md");

    /** Agent B on the system clock: verifies each inbound ECT and answers with a response ECT (T-08). */
    private static final class AgentB extends Dispatcher {
        final EctSigner signer = EctSigner.builder(Agents.KEY_B).build();
        final EctVerifier inbound = EctVerifier.builder().verifierId(Agents.B).keySource(Agents.KEYS)
                .ectStore(EctStore.empty()).settings(EctSettings.builder().allowUnresolvedPredecessors(true).build()).build();
        final List<VerifiedEct> received = new CopyOnWriteArrayList<>();
        final List<SignedEct> answered = new CopyOnWriteArrayList<>();

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            VerifiedEct v = inbound.verify(request.getHeaders().get(EctHttp.HEADER));
            received.add(v);
            SignedEct answer = signer.mint(Ect.builder().iss(Agents.B).aud(v.ect().iss()).execAct("answer")
                    .pred(v.ect().jti()).wid(v.ect().wid()).build());
            answered.add(answer);
            return new MockResponse.Builder().addHeader(EctHttp.HEADER, answer.compact()).body("ok").build();
        }
    }

    @Test
    @DisplayName("F-02, F-03, F-05, M-04 (profile section 11): the README example: two sendAsync fan in to the next send")
    void theReadmeExampleRunsAsWritten() throws Exception {
        AgentB agentB = new AgentB();
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(agentB);
            server.start();
            EctSigner signer = EctSigner.builder(Agents.KEY_A).build();
            KeySource keys = Agents.KEYS;
            String hostOfB = Agents.hostPort(server);
            URI uriOfB = server.url("/").uri();
            // README-BEGIN
            EctHttp ect = EctHttp.builder(signer, "spiffe://example.com/agent/a")
                    .audience(AudienceResolver.byHost(Map.of(hostOfB, "spiffe://example.com/agent/b")))
                    .responseVerifier(EctVerifier.builder()
                            .verifierId("spiffe://example.com/agent/a")   // response ECTs are addressed to us
                            .keySource(keys)
                            .ectStore(EctHttp.mintedEctStore())            // resolves the tokens we minted (F-03)
                            .build())
                    .build();
            EctHttpClient client = ect.wrap(HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build(), Redirect.NORMAL);                            // redirects: followed by the wrapper

            TaskContext task = TaskContext.root();                         // or the servlet filter's context
            try (TaskContext.Scope s = task.makeCurrent()) {
                HttpRequest review = HttpRequest.newBuilder(uriOfB.resolve("/review")).build();
                CompletableFuture<HttpResponse<String>> first = client.sendAsync(review, BodyHandlers.ofString());
                CompletableFuture<HttpResponse<String>> second = client.sendAsync(review, BodyHandlers.ofString(),
                        EctRequestOptions.builder().execAct("second_opinion").build());
                CompletableFuture.allOf(first, second).join();             // the frontier now holds both answers
                HttpResponse<String> summary = client.send(HttpRequest.newBuilder(uriOfB.resolve("/summarize")).build(),
                        BodyHandlers.ofString());                          // its ECT: pred = [answer 1, answer 2]
            }
            // README-END
            assertThat(task.frontier()).containsExactly(agentB.answered.get(2).ect().jti()); // F-03
        }
        assertThat(agentB.received).hasSize(3);
        List<String> firstTwo = agentB.answered.subList(0, 2).stream().map(a -> a.ect().jti()).toList();
        VerifiedEct third = agentB.received.get(2);
        assertThat(agentB.received.subList(0, 2)).allSatisfy(v -> assertThat(v.ect().pred()).isEmpty());
        assertThat(agentB.received.subList(0, 2)).extracting(v -> v.ect().execAct())
                .containsExactlyInAnyOrder("GET /review", "second_opinion");
        assertThat(third.ect().pred()).containsExactlyInAnyOrderElementsOf(firstTwo);
    }

    @Test
    void theReadmeShowsThisCodeVerbatim() throws Exception {
        List<String> code = region(Files.readAllLines(SOURCE, StandardCharsets.UTF_8));
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        assertThat(readme).contains(String.join("\n", code));
    }

    /** The lines between the README markers, with their common indentation removed. */
    private static List<String> region(List<String> lines) {
        int from = -1;
        int to = -1;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (t.equals("// README-BEGIN")) {
                from = i + 1;
            } else if (t.equals("// README-END")) {
                to = i;
            }
        }
        assertThat(from).isPositive();
        assertThat(to).isGreaterThan(from);
        List<String> region = new ArrayList<>(lines.subList(from, to));
        int indent = region.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        region.replaceAll(l -> l.isBlank() ? "" : l.substring(indent));
        return region;
    }
}

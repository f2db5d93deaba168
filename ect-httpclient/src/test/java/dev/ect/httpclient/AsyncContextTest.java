package dev.ect.httpclient;

import dev.ect.core.client.EctMintingException;
import dev.ect.core.client.MissingContext;
import dev.ect.core.client.AudienceResolver;
import static dev.ect.httpclient.Agents.A;
import static dev.ect.httpclient.Agents.B;
import static dev.ect.httpclient.Agents.CLOCK;
import static dev.ect.httpclient.Agents.hostPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctVerifier;
import dev.ect.core.VerifiedEct;
import dev.ect.core.context.TaskContext;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The task context across threads: captured at the call (F-02), current again in async continuations (F-05), never leaking. */
@SuppressWarnings("try") // scopes are opened for their effect: the variable is unused by design
class AsyncContextTest {
    private final MockWebServer server = new MockWebServer();
    private final ExecutorService clientThreads = Executors.newSingleThreadExecutor(); // one thread: a leak would show
    private final HttpClient base = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).executor(clientThreads).build();

    @BeforeEach
    void start() throws IOException {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        clientThreads.shutdownNow();
    }

    private EctHttpClient client() {
        EctVerifier v = EctVerifier.builder().verifierId(A).keySource(Agents.KEYS).clock(CLOCK)
                .ectStore(EctHttp.mintedEctStore()).build();
        return EctHttp.builder(Agents.SIGNER_A, A).audience(AudienceResolver.byHost(Map.of(hostPort(server), B)))
                .responseVerifier(v).build().wrap(base);
    }

    /** Answers like B, but only once {@code release} is counted down: lets a test register stages before completion. */
    private static Dispatcher heldUntil(CountDownLatch release, Agents.PeerB peer) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                if (!release.await(10, TimeUnit.SECONDS)) {
                    return new MockResponse.Builder().code(503).build();
                }
                return peer.dispatch(request);
            }
        };
    }

    @Test
    @DisplayName("F-05: stages registered before completion run with the captured context current; default-executor async stages too")
    void continuationsRunWithTheCapturedContext() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.setDispatcher(heldUntil(release, Agents.PeerB.answering()));
        EctHttpClient client = client();
        TaskContext ctx = TaskContext.root();
        CompletableFuture<HttpResponse<String>> f;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            f = client.sendAsync(Agents.get(server, "/x"), BodyHandlers.ofString());
        }
        assertThat(TaskContext.current()).isEmpty();
        CompletableFuture<Optional<TaskContext>> inThen = f.thenApply(r -> TaskContext.current());
        CompletableFuture<Optional<TaskContext>> inAsync = f.thenApplyAsync(r -> TaskContext.current());
        CompletableFuture<Optional<TaskContext>> chained = f.thenApply(r -> r).thenApplyAsync(r -> TaskContext.current());
        CompletableFuture<Thread> thread = f.thenApply(r -> Thread.currentThread());
        release.countDown();
        assertThat(inThen.get(20, TimeUnit.SECONDS)).containsSame(ctx);
        assertThat(inAsync.get(20, TimeUnit.SECONDS)).containsSame(ctx);
        assertThat(chained.get(20, TimeUnit.SECONDS)).containsSame(ctx);
        assertThat(thread.get()).isNotEqualTo(Thread.currentThread()); // it really ran on another thread
        // and the context was restored there: a later call made without a context sees none on that thread
        CompletableFuture<Optional<TaskContext>> later = client.sendAsync(Agents.get(server, "/y"), BodyHandlers.ofString())
                .thenApply(r -> TaskContext.current());
        assertThat(later.get(20, TimeUnit.SECONDS)).isEmpty();
        assertThat(clientThreads.submit(TaskContext::current).get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    @DisplayName("F-02: sendAsync captures the frontier when the call is made; later frontier changes do not reach it")
    void sendAsyncCapturesTheFrontierWhenCalled() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Agents.PeerB peer = Agents.PeerB.answering();
        server.setDispatcher(heldUntil(release, peer));
        TaskContext ctx = TaskContext.root();
        String before = UUID.randomUUID().toString();
        ctx.resetFrontier(List.of(before));
        CompletableFuture<HttpResponse<String>> f;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            f = client().sendAsync(Agents.get(server, "/x"), BodyHandlers.ofString());
        }
        ctx.resetFrontier(List.of(UUID.randomUUID().toString())); // after the call was made
        release.countDown();
        f.get(20, TimeUnit.SECONDS);
        assertThat(peer.received.get(0).ect().pred()).containsExactly(before);
        assertThat(peer.received.get(0).ect().wid()).isEqualTo(ctx.wid());
    }

    @Test
    @DisplayName("F-03, F-05: the frontier is updated before the future completes, so a continuation sees the answer")
    void theFrontierIsUpdatedBeforeContinuationsRun() throws Exception {
        Agents.PeerB peer = Agents.PeerB.answering();
        server.setDispatcher(peer);
        TaskContext ctx = TaskContext.root();
        CompletableFuture<List<String>> seen;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            seen = client().sendAsync(Agents.get(server, "/x"), BodyHandlers.ofString())
                    .thenApply(r -> TaskContext.current().orElseThrow().frontier());
        }
        assertThat(seen.get(20, TimeUnit.SECONDS)).containsExactly(peer.answered.get(0).ect().jti());
    }

    @Test
    @DisplayName("M-04, F-05: a minting failure in sendAsync completes the future exceptionally instead of throwing")
    void aMintingFailureCompletesTheFutureExceptionally() {
        EctHttpClient strict = EctHttp.builder(Agents.SIGNER_A, A).audience(AudienceResolver.byHost(Map.of(hostPort(server), B)))
                .missingContext(MissingContext.FAIL).build().wrap(base);
        CompletableFuture<HttpResponse<String>> f = strict.sendAsync(Agents.get(server, "/x"), BodyHandlers.ofString());
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(EctMintingException.class, e -> assertThat(e.ruleId()).isEqualTo("M-04"));
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    @DisplayName("M-04, M-05, F-02, F-05: concurrent calls from different contexts never see each other's pred, wid or context")
    void concurrentCallsDoNotLeakContexts() throws Exception {
        Agents.PeerB peer = Agents.PeerB.answering();
        server.setDispatcher(peer);
        EctHttpClient client = client();
        int workers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        CountDownLatch go = new CountDownLatch(1);
        List<TaskContext> contexts = new ArrayList<>();
        List<String> seeds = new ArrayList<>();
        List<Future<List<Optional<TaskContext>>>> results = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                TaskContext ctx = TaskContext.root();
                String seed = UUID.randomUUID().toString();
                ctx.resetFrontier(List.of(seed));
                contexts.add(ctx);
                seeds.add(seed);
                results.add(pool.submit(() -> {
                    assertThat(go.await(10, TimeUnit.SECONDS)).isTrue();
                    try (TaskContext.Scope s = ctx.makeCurrent()) {
                        // two parallel async calls from the seed frontier, then a sync one
                        CompletableFuture<Optional<TaskContext>> a = client.sendAsync(Agents.get(server, "/a"), BodyHandlers.ofString())
                                .thenApply(r -> TaskContext.current());
                        CompletableFuture<Optional<TaskContext>> b = client.sendAsync(Agents.get(server, "/b"), BodyHandlers.ofString())
                                .thenApplyAsync(r -> TaskContext.current());
                        List<Optional<TaskContext>> seen = List.of(a.get(20, TimeUnit.SECONDS), b.get(20, TimeUnit.SECONDS));
                        client.send(Agents.get(server, "/c"), BodyHandlers.ofString());
                        return seen;
                    }
                }));
            }
            go.countDown();
            for (int i = 0; i < workers; i++) {
                TaskContext own = contexts.get(i);
                assertThat(results.get(i).get(30, TimeUnit.SECONDS)).allSatisfy(c -> assertThat(c).containsSame(own));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(peer.received).hasSize(3 * workers);
        for (int i = 0; i < workers; i++) {
            TaskContext ctx = contexts.get(i);
            String seed = seeds.get(i);
            List<VerifiedEct> mine = peer.received.stream().filter(v -> ctx.wid().equals(v.ect().wid())).toList();
            assertThat(mine).hasSize(3);
            List<VerifiedEct> fromSeed = mine.stream().filter(v -> v.ect().pred().equals(List.of(seed))).toList();
            assertThat(fromSeed).as("the two async calls of worker %d", i).hasSize(2);
            VerifiedEct third = mine.stream().filter(v -> !v.ect().pred().equals(List.of(seed))).findFirst().orElseThrow();
            List<String> answersToFirstTwo = peer.answered.stream()
                    .filter(a -> fromSeed.stream().anyMatch(v -> a.ect().pred().contains(v.ect().jti())))
                    .map(a -> a.ect().jti()).toList();
            assertThat(third.ect().pred()).containsExactlyInAnyOrderElementsOf(answersToFirstTwo); // its own fan-in only
            String thirdAnswer = peer.answered.stream().filter(a -> a.ect().pred().contains(third.ect().jti()))
                    .findFirst().orElseThrow().ect().jti();
            assertThat(ctx.frontier()).containsExactly(thirdAnswer);
        }
    }

    @Test
    @DisplayName("cancelling the sendAsync future cancels the hop in flight")
    void cancellingTheFutureCancelsTheHopInFlight() throws Exception {
        CompletableFuture<HttpResponse<Object>> inFlight = new CompletableFuture<>();
        LifecycleTest.Recording stalling = new LifecycleTest.Recording() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> CompletableFuture<HttpResponse<T>> sendAsync(java.net.http.HttpRequest r, HttpResponse.BodyHandler<T> h) {
                return (CompletableFuture<HttpResponse<T>>) (CompletableFuture<?>) inFlight;
            }
        };
        EctHttpClient client = EctHttp.builder(Agents.SIGNER_A, A).audience(AudienceResolver.fixed(B)).build().wrap(stalling);
        CompletableFuture<HttpResponse<String>> f = client.sendAsync(Agents.get(server, "/x"), BodyHandlers.ofString());
        assertThat(f.cancel(true)).isTrue();
        assertThat(inFlight).isCancelled();
    }

    @Test
    @DisplayName("M-01: sendAsync with a PushPromiseHandler mints and verifies the main exchange as usual")
    void sendAsyncWithAPushPromiseHandler() throws Exception {
        Agents.PeerB peer = Agents.PeerB.answering();
        server.setDispatcher(peer);
        TaskContext ctx = TaskContext.root();
        CompletableFuture<HttpResponse<String>> f;
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            f = client().sendAsync(Agents.get(server, "/x"), BodyHandlers.ofString(), (initiating, push, acceptor) -> { });
        }
        assertThat(f.get(20, TimeUnit.SECONDS).body()).isEqualTo("ok");
        assertThat(ctx.frontier()).containsExactly(peer.answered.get(0).ect().jti());
    }
}

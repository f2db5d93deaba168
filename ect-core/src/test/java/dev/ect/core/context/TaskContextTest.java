package dev.ect.core.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Profile section 11: the task context (F-01..F-05). */
@SuppressWarnings("try") // scopes are opened for their effect on the current thread
class TaskContextTest {

    private static String id() { return UUID.randomUUID().toString(); }

    /** An outbound ECT as the interceptor would mint it: pred = the frontier at call creation (F-02). */
    private static Ect outbound(TaskContext ctx) {
        return Ect.builder().jti(id()).wid(ctx.wid()).pred(ctx.frontier()).iss("me").aud("callee").execAct("call").build();
    }

    @AfterEach
    void noContextLeaks() {
        assertThat(TaskContext.current()).as("a test left a context current").isEmpty();
    }

    // ---- F-01

    @Test
    @DisplayName("F-01 an inbound context starts with frontier = the inbound jti and the inbound wid")
    void inboundContextStartsWithTheInboundTaskAndWorkflow() { // F-01
        String wid = id();
        Ect inbound = Ect.builder().jti(id()).wid(wid).iss("caller").aud("me").execAct("ask").build();
        TaskContext ctx = TaskContext.forInbound(inbound);
        assertThat(ctx.frontier()).containsExactly(inbound.jti());
        assertThat(ctx.wid()).isEqualTo(wid);
        assertThat(ctx.inbound()).isSameAs(inbound);
        assertThat(ctx.toString()).contains(wid).contains(inbound.jti());
    }

    @Test
    @DisplayName("F-01 an inbound ECT without wid gives a context without wid")
    void inboundWithoutWidGivesAContextWithoutWid() { // F-01
        Ect inbound = Ect.builder().jti(id()).iss("caller").aud("me").execAct("ask").build();
        assertThat(TaskContext.forInbound(inbound).wid()).isNull();
        assertThatThrownBy(() -> TaskContext.forInbound(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("F-01 M-05 a root context starts a new workflow with an empty frontier")
    void rootContextStartsANewWorkflowWithAnEmptyFrontier() { // F-01, M-05
        TaskContext a = TaskContext.root();
        TaskContext b = TaskContext.root();
        assertThat(a.frontier()).isEmpty();
        assertThat(a.inbound()).isNull();
        assertThat(UUID.fromString(a.wid()).toString()).isEqualTo(a.wid());
        assertThat(a.wid()).isNotEqualTo(b.wid());
        assertThat(TaskContext.root("w-given").wid()).isEqualTo("w-given");
        assertThat(TaskContext.root(null).wid()).isNull();
    }

    // ---- F-03

    @Test
    void sequentialCallsFormAChain() { // F-03
        String a = id();
        TaskContext ctx = TaskContext.forInbound(Ect.builder().jti(a).iss("x").aud("y").execAct("z").build());
        Ect o1 = outbound(ctx);
        assertThat(o1.pred()).containsExactly(a);
        ctx.onAnswered(o1, "r1");
        assertThat(ctx.frontier()).containsExactly("r1");
        Ect o2 = outbound(ctx);
        assertThat(o2.pred()).containsExactly("r1");
        ctx.onAnswered(o2, "r2");
        assertThat(ctx.frontier()).containsExactly("r2");
    }

    @Test
    void parallelCallsFanInAsInTheProfileExample() { // F-03, section 11 example: D's pred is [b, c]
        String a = id();
        TaskContext ctx = TaskContext.forInbound(Ect.builder().jti(a).iss("orchestrator-caller").aud("o").execAct("x").build());
        Ect toB = outbound(ctx); // both calls created from the same frontier {A}
        Ect toC = outbound(ctx);
        assertThat(toB.pred()).containsExactly(a);
        assertThat(toC.pred()).containsExactly(a);
        ctx.onAnswered(toB, "b");
        assertThat(ctx.frontier()).containsExactly("b");
        ctx.onAnswered(toC, "c");
        assertThat(ctx.frontier()).containsExactly("b", "c");
        Ect toD = outbound(ctx);
        assertThat(toD.pred()).containsExactly("b", "c");
    }

    @Test
    void fanInIsIndependentOfAnswerOrder() { // F-03
        String a = id();
        TaskContext ctx = TaskContext.forInbound(Ect.builder().jti(a).iss("x").aud("y").execAct("z").build());
        Ect toB = outbound(ctx);
        Ect toC = outbound(ctx);
        ctx.onAnswered(toC, "c");
        ctx.onAnswered(toB, "b");
        assertThat(ctx.frontier()).containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void aCalleeWithoutEctLeavesTheOutboundTaskInTheFrontier() { // F-03: O's jti takes R's place
        TaskContext ctx = TaskContext.root();
        Ect o = outbound(ctx);
        ctx.onAnswered(o, null);
        assertThat(ctx.frontier()).containsExactly(o.jti());
        Ect next = outbound(ctx);
        assertThat(next.pred()).containsExactly(o.jti());
    }

    @Test
    void frontierIsASnapshot() { // F-02: a call captures the frontier when it is created
        TaskContext ctx = TaskContext.root();
        ctx.resetFrontier(List.of("x"));
        List<String> captured = ctx.frontier();
        ctx.onAnswered(outbound(ctx), "y");
        assertThat(captured).containsExactly("x");
        assertThat(ctx.frontier()).containsExactly("y");
        assertThatThrownBy(() -> captured.add("z")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void concurrentAnswersToParallelCallsAllReachTheFrontier() throws Exception { // F-03 under concurrency
        String a = id();
        TaskContext ctx = TaskContext.forInbound(Ect.builder().jti(a).iss("x").aud("y").execAct("z").build());
        int calls = 16;
        List<Ect> sent = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            sent.add(outbound(ctx));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                Ect o = sent.get(i);
                String answer = "answer-" + i;
                fs.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    ctx.onAnswered(o, answer);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : fs) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ctx.frontier()).hasSize(calls).doesNotContain(a);
    }

    @Test
    void remembersMintedTaskIdsAndResponseValues() { // F-03 (task ids minted), F-04/T-08 response values
        TaskContext ctx = TaskContext.root();
        Ect o = outbound(ctx);
        ctx.recordMinted(o.jti());
        assertThat(ctx.minted(o.jti())).isTrue();
        assertThat(ctx.minted(o.jti().toUpperCase(java.util.Locale.ROOT))).isTrue(); // P-01
        assertThat(ctx.minted("nope")).isFalse();
        assertThat(TaskContext.root().minted(o.jti())).isFalse(); // per context
        assertThat(ctx.execAct()).isNull();
        ctx.setExecAct("answer");
        ctx.setOutHash("h");
        ctx.setExt(Map.of("pol", "p"));
        assertThat(ctx.execAct()).isEqualTo("answer");
        assertThat(ctx.outHash()).isEqualTo("h");
        assertThat(ctx.ext()).isEqualTo(Map.of("pol", "p"));
        ctx.setExt(null);
        assertThat(ctx.ext()).isNull();
        Map<String, Object> withNull = new java.util.LinkedHashMap<>();
        withNull.put("z", 1);
        withNull.put("pol_decision", null); // JSON null is a legal ect_ext value
        ctx.setExt(withNull);
        assertThat(ctx.ext()).containsExactly(Map.entry("z", 1), new java.util.AbstractMap.SimpleEntry<>("pol_decision", null));
        withNull.put("later", 2);
        assertThat(ctx.ext()).doesNotContainKey("later");
        assertThatThrownBy(() -> ctx.ext().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- F-05: scopes and executors

    @Test
    void makeCurrentRestoresThePreviousContextOnClose() { // F-05
        TaskContext outer = TaskContext.root();
        TaskContext inner = TaskContext.root();
        assertThat(TaskContext.current()).isEmpty();
        try (TaskContext.Scope s1 = outer.makeCurrent()) {
            assertThat(TaskContext.current()).contains(outer);
            try (TaskContext.Scope s2 = inner.makeCurrent()) {
                assertThat(TaskContext.current()).contains(inner);
            }
            assertThat(TaskContext.current()).contains(outer);
        }
        assertThat(TaskContext.current()).isEmpty();
    }

    @Test
    void closingAScopeOnAnotherThreadDoesNotTouchEitherThread() throws Exception { // F-05
        TaskContext ctx = TaskContext.root();
        TaskContext.Scope scope = ctx.makeCurrent();
        AtomicReference<Optional<TaskContext>> seenThere = new AtomicReference<>();
        Thread t = new Thread(() -> {
            scope.close();
            seenThere.set(TaskContext.current());
        });
        t.start();
        t.join(10_000);
        assertThat(seenThere.get()).isEmpty();
        assertThat(TaskContext.current()).contains(ctx);
        scope.close();
    }

    @Test
    void contextDoesNotCrossThreadsImplicitly() throws Exception { // F-05
        ExecutorService plain = Executors.newSingleThreadExecutor();
        try (TaskContext.Scope s = TaskContext.root().makeCurrent()) {
            assertThat(plain.submit(TaskContext::current).get(10, TimeUnit.SECONDS)).isEmpty();
        } finally {
            plain.shutdownNow();
        }
    }

    @Test
    void wrappedExecutorCarriesTheContextCapturedAtSubmission() { // F-05
        Queue<Runnable> queued = new ArrayDeque<>();
        Executor manual = queued::add;
        Executor wrapped = TaskContext.wrap(manual);
        TaskContext first = TaskContext.root();
        TaskContext second = TaskContext.root();
        List<Optional<TaskContext>> seen = new ArrayList<>();
        try (TaskContext.Scope s = first.makeCurrent()) {
            wrapped.execute(() -> seen.add(TaskContext.current()));
        }
        try (TaskContext.Scope s = second.makeCurrent()) {
            wrapped.execute(() -> seen.add(TaskContext.current()));
            queued.poll().run(); // runs while `second` is current here, but was submitted under `first`
            assertThat(TaskContext.current()).contains(second); // and restores `second` afterwards
        }
        queued.poll().run();
        assertThat(seen).containsExactly(Optional.of(first), Optional.of(second));
        wrapped.execute(() -> seen.add(TaskContext.current())); // submitted without a context
        queued.poll().run();
        assertThat(seen.get(2)).isEmpty();
    }

    @Test
    void wrappedRunnableAndCallableRestoreTheWorkersContext() throws Exception { // F-05
        TaskContext worker = TaskContext.root();
        TaskContext task = TaskContext.root();
        try (TaskContext.Scope s = worker.makeCurrent()) {
            AtomicReference<Optional<TaskContext>> inside = new AtomicReference<>();
            task.wrap(() -> inside.set(TaskContext.current())).run();
            assertThat(inside.get()).contains(task);
            assertThat(TaskContext.current()).contains(worker);
            Callable<Optional<TaskContext>> c = task.wrap(TaskContext::current);
            assertThat(c.call()).contains(task);
            assertThat(TaskContext.current()).contains(worker);
            assertThatThrownBy(() -> task.wrap((Runnable) () -> {
                throw new IllegalStateException("boom");
            }).run()).hasMessage("boom");
            assertThat(TaskContext.current()).contains(worker); // restored after a failure too
        }
        assertThatThrownBy(() -> task.wrap((Runnable) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> task.wrap((Callable<?>) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> TaskContext.wrap((Executor) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void wrappedExecutorServiceCarriesTheContextThroughEveryEntryPoint() throws Exception { // F-05
        ExecutorService pool = TaskContext.wrap(Executors.newFixedThreadPool(2));
        TaskContext ctx = TaskContext.root();
        try (TaskContext.Scope s = ctx.makeCurrent()) {
            Callable<Optional<TaskContext>> probe = TaskContext::current;
            assertThat(pool.submit(probe).get(10, TimeUnit.SECONDS)).contains(ctx);
            AtomicReference<Optional<TaskContext>> seen = new AtomicReference<>();
            pool.submit(() -> seen.set(TaskContext.current())).get(10, TimeUnit.SECONDS);
            assertThat(seen.get()).contains(ctx);
            assertThat(pool.submit(() -> seen.set(TaskContext.current()), "done").get(10, TimeUnit.SECONDS)).isEqualTo("done");
            CountDownLatch ran = new CountDownLatch(1);
            AtomicReference<Optional<TaskContext>> viaExecute = new AtomicReference<>();
            pool.execute(() -> {
                viaExecute.set(TaskContext.current());
                ran.countDown();
            });
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(viaExecute.get()).contains(ctx);
            for (Future<Optional<TaskContext>> f : pool.invokeAll(List.of(probe, probe))) {
                assertThat(f.get()).contains(ctx);
            }
            for (Future<Optional<TaskContext>> f : pool.invokeAll(List.of(probe), 10, TimeUnit.SECONDS)) {
                assertThat(f.get()).contains(ctx);
            }
            assertThat(pool.invokeAny(List.of(probe))).contains(ctx);
            assertThat(pool.invokeAny(List.of(probe), 10, TimeUnit.SECONDS)).contains(ctx);
        }
        assertThat(pool.submit((Callable<Optional<TaskContext>>) TaskContext::current).get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(pool.isShutdown()).isFalse();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.isShutdown()).isTrue();
        assertThat(pool.isTerminated()).isTrue();
        assertThat(pool.shutdownNow()).isEmpty();
    }
}

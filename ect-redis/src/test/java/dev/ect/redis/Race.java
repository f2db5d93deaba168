package dev.ect.redis;

import dev.ect.core.EctRejectedException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Threads racing to verify the same tokens on several verifiers ("instances"). */
final class Race {
    record Result(int accepted, int replays, List<Throwable> other) {}

    private Race() {}

    /**
     * {@code threads} threads each verify every one of {@code count} tokens, thread {@code i} on
     * verifier {@code i % verifiers.size()}; all threads start each token together (a barrier).
     */
    static Result run(TestTokens tokens, List<EctVerifier> verifiers, int count, int threads) throws Exception {
        List<String> minted = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            minted.add(tokens.mint());
        }
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger replays = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> other = new ConcurrentLinkedQueue<>();
        CyclicBarrier barrier = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                EctVerifier v = verifiers.get(t % verifiers.size());
                fs.add(pool.submit(() -> {
                    for (String token : minted) {
                        barrier.await(30, TimeUnit.SECONDS);
                        try {
                            v.verify(token);
                            accepted.incrementAndGet();
                        } catch (EctRejectedException e) {
                            if (e.reason() == ReasonCode.REPLAY) {
                                replays.incrementAndGet();
                            } else {
                                other.add(e);
                            }
                        } catch (RuntimeException e) {
                            other.add(e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(accepted.get(), replays.get(), List.copyOf(other));
    }
}

package dev.ect.redis;

import dev.ect.redis.internal.RedisConnections;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Group commit of the replay store's {@code SET key nonce NX PX ttl}: request threads queue their
 * command and wait; one daemon thread takes everything queued (at most {@value #MAX_BATCH}), sends
 * it as one Jedis pipeline on one pooled connection (plus one {@code WAIT} when replicas must
 * confirm), and hands each caller its own reply. Each command is still one {@code SET NX} (P-02);
 * only the round trip is shared. The thread never waits for a batch to fill: a lone call is sent
 * at once, and calls that arrive while a pipeline is in flight form the next one.
 *
 * <p>Not API: used by {@link RedisReplayStore} only, which keeps the fail-closed and retry rules
 * (a {@link Outcome#RETRY} is re-run on the caller's thread through the store's single-call retry
 * path).
 */
final class ReplayPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayPipeline.class);

    /** The most commands in one pipeline. */
    static final int MAX_BATCH = 512;

    /** What a queued command came to. */
    enum Outcome {
        /** {@code OK} (and, with {@code WAIT}, confirmed by enough replicas): first sight. */
        FRESH,
        /** nil: the key exists, a replay. */
        REPLAY,
        /**
         * The pipeline's connection broke (not a timeout): the command may or may not have reached
         * Redis, so the caller retries it once with the nonce read-back.
         */
        RETRY
    }

    private static final class Request {
        final String key;
        final String nonce;
        final long ttlMillis;
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

        Request(String key, String nonce, long ttlMillis) {
            this.key = key;
            this.nonce = nonce;
            this.ttlMillis = ttlMillis;
        }
    }

    /** Queued by {@link #close()}: the worker finishes what was queued before it, then stops. */
    private static final Request STOP = new Request("", "", 0);

    private final RedisConnections pool;
    private final int waitReplicas;
    private final long waitTimeoutMillis;
    private final long callerWaitMillis;
    private final String name;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final AtomicLong pipelines = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private volatile boolean closed;
    private volatile Thread worker;

    /**
     * @param callerWaitMillis how long a caller waits for its reply before it fails (503)
     */
    ReplayPipeline(RedisConnections pool, int waitReplicas, long waitTimeoutMillis, long callerWaitMillis, String name) {
        this.pool = pool;
        this.waitReplicas = waitReplicas;
        this.waitTimeoutMillis = waitTimeoutMillis;
        this.callerWaitMillis = callerWaitMillis;
        this.name = name;
    }

    /**
     * Queues {@code SET key nonce NX PX ttlMillis} and waits (at most the caller wait) for its
     * outcome.
     *
     * @throws RuntimeException when Redis answered with an error, the connection timed out, too few
     *     replicas confirmed, no reply came in time, or the store is closed (the store turns each
     *     into a 503)
     */
    Outcome setIfAbsent(String key, String nonce, long ttlMillis) {
        if (closed) {
            throw new JedisException("the replay store is closed");
        }
        if (worker == null) {
            start();
        }
        Request r = new Request(key, nonce, ttlMillis);
        queue.add(r);
        // close() sets closed before it queues STOP: either r is ahead of STOP (and is sent), or we
        // see closed here and take r back (unless the worker already took it, then it is sent)
        if (closed && queue.remove(r)) {
            throw new JedisException("the replay store is closed");
        }
        try {
            return r.outcome.get(callerWaitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // not sent yet: the worker skips it; in flight: the worker releases the key if Redis recorded it
            r.outcome.completeExceptionally(e);
            throw new JedisException("no reply from the replay pipeline within " + callerWaitMillis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.outcome.completeExceptionally(e);
            throw new JedisException("interrupted while waiting for the replay pipeline", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new JedisException(String.valueOf(cause), cause);
        }
    }

    private synchronized void start() {
        if (worker != null || closed) {
            return; // started by another caller, or closed (this call then fails in setIfAbsent)
        }
        Thread t = new Thread(this::run, "ect-redis-pipeline " + name);
        t.setDaemon(true);
        t.start();
        worker = t;
    }

    /** How many pipelines were sent (for tests). */
    long pipelines() { return pipelines.get(); }

    /** How many commands were handed back for the single-call retry after a pipeline broke (for tests). */
    long retries() { return retries.get(); }

    private void run() {
        List<Request> batch = new ArrayList<>(MAX_BATCH);
        boolean stopping = false;
        while (true) {
            Request first;
            try {
                first = stopping ? queue.poll() : queue.take();
            } catch (InterruptedException e) {
                stopping = true; // nobody interrupts this thread but the JVM: finish what is queued
                continue;
            }
            if (first == null) {
                return; // stopping, and nothing is left
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            if (batch.remove(STOP)) {
                stopping = true;
            }
            try {
                send(batch);
            } catch (Throwable t) { // never let the thread die with callers waiting
                for (Request r : batch) {
                    r.outcome.completeExceptionally(t);
                }
                if (t instanceof Error) {
                    throw (Error) t;
                }
            }
            batch.clear();
        }
    }

    private void send(List<Request> batch) {
        List<Request> live = new ArrayList<>(batch.size());
        for (Request r : batch) {
            if (!r.outcome.isDone()) { // its caller may have given up while it was queued
                live.add(r);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        pipelines.incrementAndGet();
        try (Jedis j = pool.getResource()) {
            Pipeline p = j.pipelined();
            List<Response<String>> replies = new ArrayList<>(live.size());
            for (Request r : live) {
                replies.add(p.set(r.key, r.nonce, SetParams.setParams().nx().px(r.ttlMillis)));
            }
            // WAIT counts every write of this connection before it: one WAIT confirms the whole pipeline
            Response<Long> acked = waitReplicas > 0 ? p.waitReplicas(waitReplicas, waitTimeoutMillis) : null;
            p.sync();
            complete(p, live, replies, acked);
        } catch (JedisConnectionException e) {
            pool.clear(); // the idle connections most likely point at the same dead server
            boolean timeout = RedisReplayStore.isTimeout(e);
            for (Request r : live) {
                if (timeout) {
                    r.outcome.completeExceptionally(e); // a slow or hung server: fail fast, no retry
                } else if (r.outcome.complete(Outcome.RETRY)) {
                    retries.incrementAndGet();
                }
            }
        } catch (RuntimeException e) {
            // no connection (pool wait, sentinel without master, closed store): nothing was sent
            for (Request r : live) {
                r.outcome.completeExceptionally(e);
            }
        }
    }

    private void complete(Pipeline p, List<Request> live, List<Response<String>> replies, Response<Long> acked) {
        RuntimeException unconfirmed = null;
        if (acked != null) {
            try {
                long n = acked.get();
                if (n < waitReplicas) {
                    unconfirmed = new JedisException("only " + n + " of " + waitReplicas
                            + " replicas acknowledged the replay key within " + waitTimeoutMillis + " ms");
                }
            } catch (RuntimeException e) {
                unconfirmed = e;
            }
        }
        Object[] results = new Object[live.size()];
        List<String> release = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            try {
                boolean ok = "OK".equals(replies.get(i).get());
                if (ok && unconfirmed != null) {
                    release.add(live.get(i).key);
                    results[i] = unconfirmed;
                } else {
                    results[i] = ok ? Outcome.FRESH : Outcome.REPLAY;
                }
            } catch (RuntimeException e) { // this command's own error reply (OOM, READONLY, ...)
                results[i] = e;
            }
        }
        // the token was not accepted, so the client may retry it: delete before the caller hears 503
        discard(p, release);
        List<String> abandoned = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            Request r = live.get(i);
            boolean delivered = results[i] instanceof Outcome o ? r.outcome.complete(o)
                    : r.outcome.completeExceptionally((RuntimeException) results[i]);
            if (!delivered && results[i] == Outcome.FRESH) {
                abandoned.add(r.key); // recorded, but its caller already gave up (503): release it
            }
        }
        discard(p, abandoned);
    }

    private static void discard(Pipeline p, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        try {
            p.del(keys.toArray(new String[0]));
            p.sync();
        } catch (RuntimeException e) {
            LOG.debug("could not delete {} replay keys that were not accepted: {}", keys.size(), e.toString());
        }
    }

    /**
     * Stops the thread after it has sent what is queued (waiting at most {@code maxWaitMillis});
     * later calls fail.
     */
    void close(long maxWaitMillis) {
        Thread t;
        synchronized (this) {
            closed = true;
            t = worker;
        }
        if (t == null) {
            return;
        }
        queue.add(STOP);
        try {
            t.join(maxWaitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            LOG.warn("the replay pipeline {} did not finish within {} ms; what is left fails (503)", name, maxWaitMillis);
        }
    }

    @Override
    public void close() { close(callerWaitMillis); }
}

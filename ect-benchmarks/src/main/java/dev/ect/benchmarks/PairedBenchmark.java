package dev.ect.benchmarks;

import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Paired measurements: each benchmark alternates two variants, one per iteration (odd
 * iterations, counting warm-up from 1: the baseline A; even: the variant B), inside one fork. The
 * JMH score of one benchmark is therefore a mix; {@link Ratios} reads the per-iteration scores and
 * reports B/A for each adjacent pair, so both sides saw the same machine load. Run it through
 * {@code Ratios}, not directly.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 12, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PairedBenchmark {
    /** Which variant the current iteration measures. */
    @State(Scope.Thread)
    public static class Phase {
        int iteration;

        @Setup(Level.Iteration)
        public void next() { iteration++; }

        boolean baseline() { return (iteration & 1) == 1; }
    }

    /** A: raw JCA sign; B: ect-core mint (complete draft, claim rules, JSON, base64, sign). */
    @Benchmark
    public Object mintVsRawSign(Env env, Phase phase) throws GeneralSecurityException {
        return phase.baseline() ? env.rawSign() : env.mint();
    }

    /**
     * A: raw JCA verify of the pool's tokens in turn (the same distinct signing inputs and
     * signatures B verifies; see {@link Env#rawVerifyPool()}); B: the full verify pipeline.
     */
    @Benchmark
    public Object verifyVsRawVerify(Env env, Phase phase) throws GeneralSecurityException {
        return phase.baseline() ? (Object) env.rawVerifyPool() : env.verify();
    }

    /** A: raw JCA verify of the pool's tokens in turn; B: the pipeline with a free signature check (its non-crypto part). */
    @Benchmark
    public Object nonCryptoVsRawVerify(Env env, Phase phase) throws GeneralSecurityException {
        return phase.baseline() ? (Object) env.rawVerifyPool() : env.verifyNonCrypto();
    }
}

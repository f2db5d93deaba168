package dev.ect.benchmarks;

import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Absolute costs, ES256 over a ~700-byte signing input, per provider ({@code -p provider=jdk,accp}):
 * the raw JCA floors, ect-core's mint, the full verify pipeline (parse, header, key, signature,
 * claims, time, audience, DAG with three predecessors, replay record, in-memory ledger append) and
 * the same pipeline with a free signature check (its non-crypto part). Ratios from separate
 * benchmarks are only as good as the machine was quiet; {@link Ratios} pairs them within a fork.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CryptoBenchmark {
    @Benchmark
    public byte[] rawSign(Env env) throws GeneralSecurityException { return env.rawSign(); }

    @Benchmark
    public boolean rawVerify(Env env) throws GeneralSecurityException { return env.rawVerify(); }

    /** Raw verify of the pool's distinct tokens in turn (the paired ratios' baseline). */
    @Benchmark
    public boolean rawVerifyPool(Env env) throws GeneralSecurityException { return env.rawVerifyPool(); }

    /** Raw verify with the key already translated to the provider's own key class. */
    @Benchmark
    public boolean rawVerifyProviderKey(Env env) throws GeneralSecurityException { return env.rawVerifyTranslatedKey(); }

    @Benchmark
    public Object mint(Env env) { return env.mint(); }

    @Benchmark
    public Object verifyPipeline(Env env) { return env.verify(); }

    /** The pipeline with a provider whose signature check is free: everything but the ECDSA op. */
    @Benchmark
    public Object verifyPipelineNonCrypto(Env env) { return env.verifyNonCrypto(); }
}

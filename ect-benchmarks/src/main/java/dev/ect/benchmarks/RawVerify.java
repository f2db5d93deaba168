package dev.ect.benchmarks;

import dev.ect.core.SignedEct;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Single-thread raw JCA ES256 verify time of a provider (no ECT code at all): the crypto floor
 * against which the load tests' throughput is compared.
 */
final class RawVerify {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private RawVerify() {}

    /** Wall and thread-CPU µs per verify. */
    record Micros(double wall, double cpu) {}

    /** 2,000 warm-up verifications, then about one second of work: wall µs per verify. */
    static double micros(String provider, PublicKey pub, SignedEct sample) throws GeneralSecurityException {
        Signature s = Fixtures.rawSignature(provider);
        byte[] input = Fixtures.signingInput(sample.compact());
        byte[] sig = Fixtures.signature(sample.compact());
        for (int i = 0; i < 2_000; i++) { // JIT warm-up of the JCA path (and of the JDK's EC code)
            verify(s, pub, input, sig);
        }
        return measure(s, pub, input, sig, 1000).wall;
    }

    /**
     * The median of {@code runs} measurements of {@code millisEach} ms each, after at most
     * {@code warmup} warm-up verifications (and at most three seconds of them).
     */
    static Micros median(String provider, PublicKey pub, SignedEct sample, int warmup, int runs, long millisEach)
            throws GeneralSecurityException {
        Signature s = Fixtures.rawSignature(provider);
        byte[] input = Fixtures.signingInput(sample.compact());
        byte[] sig = Fixtures.signature(sample.compact());
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (int i = 0; i < warmup && System.nanoTime() < warmEnd; i++) {
            verify(s, pub, input, sig);
        }
        double[] wall = new double[runs];
        double[] cpu = new double[runs];
        for (int r = 0; r < runs; r++) {
            Micros m = measure(s, pub, input, sig, millisEach);
            wall[r] = m.wall;
            cpu[r] = m.cpu;
        }
        return new Micros(median(wall), median(cpu));
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    }

    private static Micros measure(Signature s, PublicKey pub, byte[] input, byte[] sig, long millis)
            throws GeneralSecurityException {
        long n = 0;
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
        long now;
        do {
            verify(s, pub, input, sig);
            n++;
            now = System.nanoTime();
        } while (now < end);
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        return new Micros((now - start) / 1e3 / n, cpu / 1e3 / n);
    }

    private static void verify(Signature s, PublicKey pub, byte[] input, byte[] sig) throws GeneralSecurityException {
        s.initVerify(pub);
        s.update(input);
        if (!s.verify(sig)) {
            throw new IllegalStateException("raw verify failed");
        }
    }
}

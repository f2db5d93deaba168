package dev.ect.benchmarks;

import dev.ect.core.Ect;
import dev.ect.core.dag.DagValidator;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.VerificationListener;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.InMemoryLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DAG validation (V-13, G-01..G-05) against the real {@link InMemoryLedger} (the verifier's
 * EctStore): a child with 1, 10 or 100
 * predecessors (each a root), and a child whose single predecessor heads a chain of 1,000
 * ancestors (the G-05 walk visits all of them). Should grow linearly in predecessors and in the
 * nodes walked (bounded by maxAncestors, default 10,000).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DagBenchmark {
    static final String WID = "b6d1c7d0-0c7e-4c53-9f0a-1f1d7c9f3a11";

    /** Mints with a free signature: the ledger stores the compact but does not check signatures. */
    static final EctSigner SIGNER = EctSigner.builder(Fixtures.key()).clock(Fixtures.CLOCK)
            .crypto(Fixtures.provider(Fixtures.FAKE)).build();

    static SignedEct mint(List<String> pred) {
        return SIGNER.mint(Ect.builder().iss(Fixtures.ISSUER).aud(Fixtures.VERIFIER).wid(WID).execAct("step").pred(pred).build());
    }

    static String add(InMemoryLedger ledger, List<String> pred) {
        SignedEct s = mint(pred);
        ledger.append(s);
        return s.ect().jti();
    }

    /** The DAG rules as the verifier runs them: default settings (REJECT, 30 s skew, 10,000 ancestors, 2 s deadline). */
    static DagValidator validator(InMemoryLedger ledger) {
        return new DagValidator(ledger, EctSettings.defaults(), List.of(), VerificationListener.noop());
    }

    @State(Scope.Benchmark)
    public static class Preds {
        @Param({"1", "10", "100"})
        public int preds;

        DagValidator validator;
        Ect child;

        @Setup
        public void setUp() {
            InMemoryLedger ledger = new InMemoryLedger();
            List<String> p = new ArrayList<>();
            for (int i = 0; i < preds; i++) {
                p.add(add(ledger, List.of()));
            }
            validator = validator(ledger);
            child = mint(p).ect();
        }
    }

    @State(Scope.Benchmark)
    public static class Chain {
        @Param({"1000"})
        public int ancestors;

        DagValidator validator;
        Ect child;

        @Setup
        public void setUp() {
            InMemoryLedger ledger = new InMemoryLedger();
            String prev = null;
            for (int i = 0; i < ancestors; i++) {
                prev = add(ledger, prev == null ? List.of() : List.of(prev));
            }
            validator = validator(ledger);
            child = mint(List.of(prev)).ect();
        }
    }

    @Benchmark
    public List<String> validatePredecessors(Preds s) { return s.validator.validate(s.child); }

    @Benchmark
    public List<String> ancestorWalk(Chain s) { return s.validator.validate(s.child); }
}

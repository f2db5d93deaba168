package dev.ect.benchmarks;

import dev.ect.core.Ect;
import dev.ect.core.dag.DagValidator;
import dev.ect.core.dag.EctStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * DAG validation (V-13, G-01..G-05) against an in-memory store: a child with 1, 10 or 100
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
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    static final String WID = "b6d1c7d0-0c7e-4c53-9f0a-1f1d7c9f3a11";

    static Ect ect(String jti, List<String> pred, Instant iat) {
        return Ect.builder().iss(Fixtures.ISSUER).aud(Fixtures.VERIFIER).wid(WID).jti(jti).execAct("step")
                .pred(pred).iat(iat).exp(iat.plus(Duration.ofMinutes(10))).typ("exec+jwt").alg("ES256").kid("k").build();
    }

    static EctStore store(Map<String, Ect> byJti) {
        return jti -> {
            Ect e = byJti.get(jti);
            return e == null ? List.of() : List.of(e);
        };
    }

    @State(Scope.Benchmark)
    public static class Preds {
        @Param({"1", "10", "100"})
        public int preds;

        DagValidator validator;
        Ect child;

        @Setup
        public void setUp() {
            Map<String, Ect> m = new HashMap<>();
            List<String> p = new ArrayList<>();
            for (int i = 0; i < preds; i++) {
                String jti = UUID.randomUUID().toString();
                m.put(jti, ect(jti, List.of(), T0));
                p.add(jti);
            }
            validator = new DagValidator(store(m), false, Duration.ofSeconds(30), 10_000, List.of());
            child = ect(UUID.randomUUID().toString(), p, T0.plusSeconds(1));
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
            Map<String, Ect> m = new HashMap<>();
            String prev = null;
            for (int i = 0; i < ancestors; i++) {
                String jti = UUID.randomUUID().toString();
                m.put(jti, ect(jti, prev == null ? List.of() : List.of(prev), T0.plusSeconds(i)));
                prev = jti;
            }
            validator = new DagValidator(store(m), false, Duration.ofSeconds(30), 10_000, List.of());
            child = ect(UUID.randomUUID().toString(), List.of(prev), T0.plusSeconds(ancestors));
        }
    }

    @Benchmark
    public List<String> validatePredecessors(Preds s) { return s.validator.validate(s.child); }

    @Benchmark
    public List<String> ancestorWalk(Chain s) { return s.validator.validate(s.child); }
}

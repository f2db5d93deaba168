package dev.ect.benchmarks;

import dev.ect.core.internal.Json;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Where the verify pipeline's time goes, stage by stage, in one JVM: the stages run in
 * alternating 200 ms blocks (so all of them see the same machine load) and the median per-op
 * thread CPU time of each is printed. A diagnostic, not a JMH benchmark (JIT warm-up is the first
 * rounds, which are dropped).
 *
 * <pre>java -cp benchmarks.jar dev.ect.benchmarks.Breakdown [jdk|accp] [rounds=15]</pre>
 */
public final class Breakdown {
    private Breakdown() {}

    /**
     * The pipeline's parts, each alone over the pool's distinct tokens (as the pipeline sees them):
     * parse and claim rules, the library's signature pre-checks, the DAG check on the in-memory
     * ledger, the replay record, the ledger append. The stores start over when the pool wraps.
     */
    private static void addParts(Env env, Map<String, Callable<Object>> stages) {
        int n = Env.POOL;
        dev.ect.core.SignedEct[] signed = new dev.ect.core.SignedEct[n];
        for (int i = 0; i < n; i++) {
            signed[i] = env.fakePipeline.check(env.token(i)).signed();
        }
        dev.ect.core.EctSettings settings = dev.ect.core.EctSettings.defaults();
        dev.ect.core.internal.HeaderCache headers = new dev.ect.core.internal.HeaderCache();
        int[] at = new int[5];
        stages.put("part: parse + claim rules (split, base64url, JSON, V-09/V-10)", () -> {
            String t = env.token(at[0]);
            at[0] = at[0] + 1 == n ? 0 : at[0] + 1;
            dev.ect.core.internal.EctCodec.Parts p = dev.ect.core.internal.EctCodec.parse(t, headers);
            return dev.ect.core.internal.EctCodec.signed(p, "exec+jwt", "ES256", "k", settings);
        });
        dev.ect.core.internal.JwsCrypto fake = new dev.ect.core.internal.JwsCrypto(Fixtures.provider(Fixtures.FAKE));
        byte[] in = Fixtures.signingInput(env.token(0));
        byte[] sig = Fixtures.signature(env.token(0));
        stages.put("part: JwsCrypto.verify, free signature (key fit, 0 < r, s < n)", () ->
                fake.verify(dev.ect.core.EctAlgorithm.ES256, env.key.publicKey(), in, sig));
        dev.ect.core.dag.DagValidator[] dag = {dagOn(env.freshLedger())};
        stages.put("part: DAG check, 3 predecessors in the in-memory ledger (G-01..G-05)", () -> {
            dev.ect.core.Ect e = signed[at[1]].ect();
            at[1] = at[1] + 1 == n ? 0 : at[1] + 1;
            return dag[0].check(e);
        });
        dev.ect.core.replay.CaffeineReplayStore[] replay = {new dev.ect.core.replay.CaffeineReplayStore(1_000_000, Fixtures.CLOCK)};
        java.time.Instant keep = Fixtures.CLOCK.instant().plusSeconds(600);
        stages.put("part: replay check-and-record (Caffeine)", () -> {
            dev.ect.core.Ect e = signed[at[2]].ect();
            at[2] = at[2] + 1 == n ? 0 : at[2] + 1;
            if (at[2] == 0) {
                replay[0] = new dev.ect.core.replay.CaffeineReplayStore(1_000_000, Fixtures.CLOCK);
            }
            return replay[0].checkAndRecord(e.iss(), e.wid(), e.jti(), keep);
        });
        dev.ect.core.ledger.InMemoryLedger[] ledger = {env.freshLedger()};
        stages.put("part: ledger append (InMemoryLedger: L-06 key, canonical bytes, SHA-256, index)", () -> {
            dev.ect.core.SignedEct s = signed[at[3]];
            at[3] = at[3] + 1 == n ? 0 : at[3] + 1;
            if (at[3] == 0) {
                ledger[0] = env.freshLedger();
            }
            return ledger[0].append(s);
        });
    }

    private static dev.ect.core.dag.DagValidator dagOn(dev.ect.core.ledger.InMemoryLedger ledger) {
        return new dev.ect.core.dag.DagValidator(ledger, dev.ect.core.EctSettings.defaults(), List.of(),
                dev.ect.core.VerificationListener.noop());
    }

    public static void main(String[] args) throws Exception {
        String provider = args.length > 0 ? args[0] : Fixtures.ACCP;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Env env = new Env();
        env.provider = provider;
        env.setUp();
        String token = env.verifyToken();
        int d1 = token.indexOf('.');
        int d2 = token.indexOf('.', d1 + 1);
        Map<String, Callable<Object>> stages = new LinkedHashMap<>();
        stages.put("raw verify (" + provider + "), one token repeated", env::rawVerify);
        stages.put("raw verify (" + provider + "), the pool's 16,384 tokens in turn", env::rawVerifyPool);
        dev.ect.core.internal.JwsCrypto wrapper = new dev.ect.core.internal.JwsCrypto(env.crypto);
        byte[] in = Fixtures.signingInput(token);
        byte[] sig = Fixtures.signature(token);
        stages.put("JwsCrypto.verify (library's checks + JCA verify)", () -> {
            if (!wrapper.verify(dev.ect.core.EctAlgorithm.ES256, env.key.publicKey(), in, sig)) {
                throw new IllegalStateException("does not verify");
            }
            return Boolean.TRUE;
        });
        stages.put("base64url: the token's bytes, claims and signature decoded (header cached, as the pipeline)", () -> {
            byte[] ascii = token.getBytes(StandardCharsets.ISO_8859_1);
            dev.ect.core.internal.Base64Url.decode(ascii, d1 + 1, d2);
            return dev.ect.core.internal.Base64Url.decode(ascii, d2 + 1, ascii.length);
        });
        byte[] claims = Json.b64decode(token, d1 + 1, d2);
        byte[] header = Json.b64decode(token, 0, d1);
        stages.put("JSON: generic parse of header+claims (the pipeline reads the claims typed, the header from its cache)", () -> {
            Json.parseObject(header);
            return Json.parseObject(claims);
        });
        stages.put("check(): pure checks incl. DAG lookups of 3 preds, fake sig, no side effects", () -> env.fakePipeline.check(token));
        addParts(env, stages);
        stages.put("verify(): pipeline, fake sig (all but crypto)", env::verifyNonCrypto);
        stages.put("verify(): full pipeline", env::verify);
        stages.put("signing input bytes (substring+getBytes)", () -> token.substring(0, d2).getBytes(StandardCharsets.US_ASCII));
        // minting: raw sign vs mint, and mint's own parts measured alone
        stages.put("raw sign (" + provider + ")", env::rawSign);
        stages.put("mint (complete, claim rules, JSON, base64url, sign)", env::mint);
        dev.ect.core.Ect minted = env.mint().ect();
        dev.ect.core.EctSettings defaults = dev.ect.core.EctSettings.defaults();
        stages.put("mint part: claim rules (M-07) on the completed ECT", () -> {
            dev.ect.core.internal.ClaimRules.check(minted, defaults);
            return minted;
        });
        stages.put("mint part: the ECT's claims to JSON (UTF-8 bytes)", () -> dev.ect.core.internal.EctCodec.claimsUtf8(minted));
        stages.put("mint part: UUID.randomUUID (jti, M-01)", () -> java.util.UUID.randomUUID().toString());

        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        stages.keySet().forEach(k -> cpu.put(k, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Callable<Object>> s : stages.entrySet()) {
                long end = System.nanoTime() + 200_000_000L;
                long c0 = mx.getCurrentThreadCpuTime();
                long n = 0;
                Object sink = null;
                while (System.nanoTime() < end) {
                    sink = s.getValue().call();
                    n++;
                }
                long c1 = mx.getCurrentThreadCpuTime();
                if (sink == null) {
                    throw new IllegalStateException();
                }
                if (r >= rounds / 3) { // the first third is warm-up
                    cpu.get(s.getKey()).add((c1 - c0) / 1e3 / n);
                }
            }
            env.reset();
        }
        System.out.printf(Locale.ROOT, "JVM %s, provider %s: median thread CPU µs/op over %d rounds%n",
                System.getProperty("java.version"), provider, rounds - rounds / 3);
        for (Map.Entry<String, List<Double>> e : cpu.entrySet()) {
            System.out.printf(Locale.ROOT, "| %s | %.2f |%n", e.getKey(), Ratios.median(e.getValue()));
        }
    }
}

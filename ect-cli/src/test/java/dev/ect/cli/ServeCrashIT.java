package dev.ect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.tlog.Checkpoint;
import dev.ect.core.tlog.CheckpointVerifier;
import dev.ect.core.tlog.ConsistencyProof;
import dev.ect.core.tlog.InclusionProof;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of published evidence (L-05, L-07): {@code ect serve} appends to its file ledger from
 * concurrent requests while checkpoints are fetched; it is killed with SIGKILL in mid-stream. Every
 * checkpoint it signed before the kill must still be a prefix of the ledger after the restart:
 * {@code ect ledger verify --checkpoint} exits 0 for each, the restarted server proves consistency
 * from each to its new checkpoint, and every accepted jti has an inclusion proof.
 */
class ServeCrashIT {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    static final String ORIGIN = "ledger.example.com/b";

    @TempDir
    Path dir;

    CliRun ect(String... args) { return JarProcess.run(dir, args); }

    String[] serveArgs() {
        return new String[] {"--id", B, "--trust", A + "=a.jwks", "--ledger", "ledger.jsonl", "--ledger-key", "ledger.jwk", "--origin", ORIGIN};
    }

    @Test
    @DisplayName("L-05 L-07 checkpoints served before a kill -9 of serve stay consistent with the ledger after restart")
    void checkpointsSurviveKillDashNine() throws Exception {
        assertThat(ect("keygen", "--kid", "a-1", "--private", "a.jwk", "--public", "a.jwks").code()).isZero();
        assertThat(ect("keygen", "--alg", "EdDSA", "--kid", "ledger-1", "--origin", ORIGIN, "--private", "ledger.jwk",
                "--public", "ledger.jwks").code()).isZero();
        EctSigner signer = EctSigner.builder(EctKeys.fromPrivateJwk(Files.readString(dir.resolve("a.jwk")))).build();
        CheckpointVerifier cv = CheckpointVerifier.fromJwks(ORIGIN, Files.readString(dir.resolve("ledger.jwks")));

        Set<String> accepted = ConcurrentHashMap.newKeySet();
        List<String> notes = new ArrayList<>();
        ServeProcess s = ServeProcess.start(dir, serveArgs());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch enough = new CountDownLatch(150);
        try {
            for (int w = 0; w < 6; w++) {
                pool.submit(() -> {
                    while (!stop.get()) {
                        SignedEct t = signer.mint(Ect.builder().iss(A).aud(B).execAct("step").build());
                        try {
                            HttpResponse<String> r = s.http.send(HttpRequest.newBuilder(s.uri("/tasks/step"))
                                    .timeout(Duration.ofSeconds(20)).header("Execution-Context", t.compact()).GET().build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                accepted.add(t.ect().jti());
                                enough.countDown();
                            }
                        } catch (java.io.IOException e) {
                            return null; // the server was killed
                        }
                    }
                    return null;
                });
            }
            // checkpoints while the appends run
            while (enough.getCount() > 0) {
                HttpResponse<String> cp = s.get("/.well-known/ect/checkpoint");
                assertThat(cp.statusCode()).isEqualTo(200);
                if (notes.isEmpty() || !notes.get(notes.size() - 1).equals(cp.body())) {
                    notes.add(cp.body());
                }
                assertThat(enough.await(20, TimeUnit.MILLISECONDS) || s.process.isAlive()).isTrue();
            }
            notes.add(s.get("/.well-known/ect/checkpoint").body());
        } finally {
            s.kill(); // SIGKILL with requests in flight
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            s.close();
        }
        assertThat(notes).hasSizeGreaterThanOrEqualTo(2);
        List<Checkpoint> before = new ArrayList<>();
        for (int i = 0; i < notes.size(); i++) {
            before.add(cv.verify(notes.get(i)));
            Files.writeString(dir.resolve("cp" + i + ".txt"), notes.get(i));
        }
        Checkpoint last = before.get(before.size() - 1);
        assertThat(last.size()).isGreaterThanOrEqualTo(150);

        // offline, after the crash: the ledger extends every checkpoint
        for (int i = 0; i < notes.size(); i++) {
            CliRun v = ect("ledger", "verify", "--checkpoint", "cp" + i + ".txt", "--checkpoint-key", "ledger.jwks", "ledger.jsonl");
            assertThat(v.code()).as("checkpoint %d (%s): %s", i, before.get(i), v).isZero();
        }

        // restarted: the new checkpoint is consistent with every old one, every accepted jti is proven
        try (ServeProcess r = ServeProcess.start(dir, serveArgs())) {
            Checkpoint now = cv.verify(r.get("/.well-known/ect/checkpoint").body());
            assertThat(now.size()).isGreaterThanOrEqualTo(last.size()).isGreaterThanOrEqualTo(accepted.size());
            for (Checkpoint old : before) {
                HttpResponse<String> con = r.get("/.well-known/ect/proof/consistency?old_size=" + old.size() + "&tree_size=" + now.size());
                assertThat(con.statusCode()).as(con.body()).isEqualTo(200);
                assertThat(ConsistencyProof.parse(con.body()).verify(old, now)).as("%s -> %s", old, now).isTrue();
            }
            for (String jti : accepted) {
                HttpResponse<String> inc = r.get("/.well-known/ect/proof/inclusion?jti=" + jti + "&tree_size=" + now.size());
                assertThat(inc.statusCode()).as("accepted jti %s: %s", jti, inc.body()).isEqualTo(200);
                assertThat(InclusionProof.parse(inc.body()).verify(now)).isTrue();
            }
        }
    }
}

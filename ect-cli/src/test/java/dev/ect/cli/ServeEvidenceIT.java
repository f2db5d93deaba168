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
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ect serve --ledger-key --origin} from the real jar: the signed checkpoint and proofs over HTTP (L-07, L-08). */
class ServeEvidenceIT {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    static final String ORIGIN = "ledger.example.com/b";
    static final String CP = "/.well-known/ect/checkpoint";
    static final String INC = "/.well-known/ect/proof/inclusion";
    static final String CON = "/.well-known/ect/proof/consistency";

    @TempDir
    Path dir;

    CliRun ect(String... args) { return JarProcess.run(dir, args); }

    void keys() {
        assertThat(ect("keygen", "--kid", "a-1", "--private", "a.jwk", "--public", "a.jwks").code()).isZero();
        CliRun k = ect("keygen", "--alg", "EdDSA", "--kid", "ledger-1", "--origin", ORIGIN, "--private", "ledger.jwk",
                "--public", "ledger.jwks");
        assertThat(k.code()).as(k.toString()).isZero();
    }

    SignedEct mint(EctSigner signer) {
        return signer.mint(Ect.builder().iss(A).aud(B).execAct("step").build());
    }

    EctSigner signer() throws Exception { return EctSigner.builder(EctKeys.fromPrivateJwk(Files.readString(dir.resolve("a.jwk")))).build(); }

    Checkpoint verified(String note) throws Exception {
        return CheckpointVerifier.fromJwks(ORIGIN, Files.readString(dir.resolve("ledger.jwks"))).verify(note);
    }

    static void problem(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(JsonText.parseObject(r.body())).containsEntry("ect_error", code).containsEntry("status", (long) status);
    }

    @Test
    @DisplayName("L-07 L-08 serve publishes its signed checkpoint, inclusion and consistency proofs without an ECT; "
            + "pinned tree_size; ect ledger verify-proof accepts them")
    void publishesCheckpointAndProofs() throws Exception {
        keys();
        EctSigner signer = signer();
        try (ServeProcess s = ServeProcess.start(dir, "--id", B, "--trust", A + "=a.jwks", "--ledger", "ledger.jsonl",
                "--ledger-key", "ledger.jwk", "--origin", ORIGIN)) {
            assertThat(String.join("\n", s.log)).contains("publishing signed checkpoints of " + ORIGIN + " (0 entries)");
            Checkpoint empty = verified(s.get(CP).body());
            assertThat(empty.size()).isZero();

            List<String> jtis = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SignedEct t = mint(signer);
                HttpResponse<String> ok = s.get("/tasks/step", t.compact());
                assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
                jtis.add(t.ect().jti());
            }
            HttpResponse<String> cpr = s.get(CP);
            assertThat(cpr.statusCode()).isEqualTo(200);
            assertThat(cpr.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
            assertThat(cpr.body()).startsWith(ORIGIN + "\n3\n").contains("\n\n\u2014 " + ORIGIN + " ");
            Checkpoint cp3 = verified(cpr.body());
            Files.writeString(dir.resolve("cp3.txt"), cpr.body());

            // the inclusion proof of the second jti, checked in-process and by the jar against the served checkpoint
            HttpResponse<String> inc = s.get(INC + "?jti=" + jtis.get(1));
            assertThat(inc.statusCode()).as(inc.body()).isEqualTo(200);
            assertThat(inc.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
            InclusionProof p = InclusionProof.parse(inc.body());
            assertThat(p.leafIndex()).isEqualTo(1);
            assertThat(p.treeSize()).isEqualTo(3);
            assertThat(p.verify(cp3)).isTrue();
            Files.writeString(dir.resolve("inc.json"), inc.body());
            String line2 = Files.readAllLines(dir.resolve("ledger.jsonl")).get(1);
            assertThat(line2).contains(jtis.get(1));
            Files.writeString(dir.resolve("line2.txt"), line2 + "\n");
            CliRun vp = ect("ledger", "verify-proof", "--checkpoint", "cp3.txt", "--checkpoint-key", "ledger.jwks",
                    "--entry", "line2.txt", "inc.json");
            assertThat(vp.code()).as(vp.toString()).isZero();
            assertThat(vp.out()).contains("proof verified: entry 2");
            assertThat(s.get(INC + "?seq=2").body().strip()).isEqualTo(inc.body().strip());

            // the ledger grows; a client pins the size of the checkpoint it holds with tree_size
            SignedEct fourth = mint(signer);
            assertThat(s.get("/tasks/step", fourth.compact()).statusCode()).isEqualTo(200);
            InclusionProof pinned = InclusionProof.parse(s.get(INC + "?jti=" + jtis.get(0) + "&tree_size=3").body());
            assertThat(pinned.treeSize()).isEqualTo(3);
            assertThat(pinned.verify(cp3)).isTrue();
            String note4 = s.get(CP).body();
            Checkpoint cp4 = verified(note4);
            assertThat(cp4.size()).isEqualTo(4);
            Files.writeString(dir.resolve("cp4.txt"), note4);
            HttpResponse<String> con = s.get(CON + "?old_size=3");
            assertThat(con.statusCode()).as(con.body()).isEqualTo(200);
            ConsistencyProof cp = ConsistencyProof.parse(con.body());
            assertThat(cp.verify(cp3, cp4)).isTrue();
            assertThat(ConsistencyProof.parse(s.get(CON + "?old_size=0&tree_size=3").body()).verify(empty, cp3)).isTrue();
            Files.writeString(dir.resolve("con.json"), con.body());
            CliRun vc = ect("ledger", "verify-proof", "--old-checkpoint", "cp3.txt", "--checkpoint", "cp4.txt",
                    "--checkpoint-key", "ledger.jwks", "con.json");
            assertThat(vc.code()).as(vc.toString()).isZero();
            InclusionProof p4 = InclusionProof.parse(s.get(INC + "?jti=" + fourth.ect().jti()).body());
            assertThat(p4.verify(cp4)).isTrue();

            // the evidence paths are outside the filter: no ECT needed, an ECT is not consumed, no filter log line
            assertThat(String.join("\n", s.log)).doesNotContain("GET /.well-known/ect/checkpoint outcome=");
            assertThat(String.join("\n", s.log)).contains("GET /.well-known/ect/checkpoint evidence status=200");
        }
    }

    @Test
    @DisplayName("L-08 bad evidence queries: 400 invalid_proof_request, 404 entry_not_found, 405; never 500")
    void badQueries() throws Exception {
        keys();
        try (ServeProcess s = ServeProcess.start(dir, "--id", B, "--trust", A + "=a.jwks", "--ledger", "ledger.jsonl",
                "--ledger-key", "ledger.jwk", "--origin", ORIGIN)) {
            SignedEct t = mint(signer());
            assertThat(s.get("/tasks/step", t.compact()).statusCode()).isEqualTo(200);
            for (String q : List.of("", "?seq=abc", "?seq=-1", "?seq=01", "?seq=1&jti=" + t.ect().jti(), "?seq=1&seq=1",
                    "?seq=1&tree_size=2", "?seq=1&tree_size=99999999999999999999", "?seq=1&what=1",
                    "?jti=" + "x".repeat(300), "?jti=")) {
                problem(s.get(INC + q), 400, "invalid_proof_request");
            }
            for (String q : List.of("", "?old_size=2", "?old_size=1&tree_size=2", "?old_size=x", "?old_size=1&tree_size=0")) {
                problem(s.get(CON + q), 400, "invalid_proof_request");
            }
            problem(s.get(CP + "?x=1"), 400, "invalid_proof_request");
            for (String q : List.of("?jti=%zz", "?jti=%C0%AF", "?seq=%")) { // not %-escapes, not UTF-8
                String raw = s.raw(INC + q);
                assertThat(raw).as(q).startsWith("HTTP/1.1 400 ").containsIgnoringCase("Content-Type: application/problem+json")
                        .contains("\"ect_error\":\"invalid_proof_request\"");
            }
            problem(s.get(INC + "?seq=2"), 404, "entry_not_found");
            problem(s.get(INC + "?seq=0"), 404, "entry_not_found");
            problem(s.get(INC + "?jti=no-such-jti"), 404, "entry_not_found");
            problem(s.get("/.well-known/ect/nothing"), 404, "invalid_proof_request");
            HttpResponse<String> post = s.http.send(HttpRequest.newBuilder(s.uri(CP)).timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            problem(post, 405, "invalid_proof_request");
            // the ECT-protected paths are unchanged
            problem(s.get("/tasks/step"), 403, "missing_ect");
            assertThat(String.join("\n", s.log)).doesNotContain("status=500").doesNotContain(t.compact());
        }
    }

    @Test
    @DisplayName("L-07 serve refuses to publish checkpoints of a ledger rewritten under its tree file; option errors exit 2")
    void refusesARewrittenLedgerAndBadOptions() throws Exception {
        keys();
        try (ServeProcess s = ServeProcess.start(dir, "--id", B, "--trust", A + "=a.jwks", "--ledger", "ledger.jsonl",
                "--ledger-key", "ledger.jwk", "--origin", ORIGIN)) {
            EctSigner signer = signer();
            for (int i = 0; i < 2; i++) {
                assertThat(s.get("/tasks/step", mint(signer).compact()).statusCode()).isEqualTo(200);
            }
            assertThat(verified(s.get(CP).body()).size()).isEqualTo(2);
        }
        // drop the last entry: the tree file recorded 2
        List<String> lines = Files.readAllLines(dir.resolve("ledger.jsonl"));
        Files.writeString(dir.resolve("ledger.jsonl"), lines.get(0) + "\n");
        CliRun r = ect("serve", "--port", "0", "--id", B, "--trust", A + "=a.jwks", "--ledger", "ledger.jsonl",
                "--ledger-key", "ledger.jwk", "--origin", ORIGIN);
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("does not fit its tree file").contains("truncated");

        CliRun noOrigin = ect("serve", "--port", "0", "--id", B, "--trust", A + "=a.jwks", "--ledger", "x.jsonl", "--ledger-key", "ledger.jwk");
        assertThat(noOrigin.code()).isEqualTo(2);
        assertThat(noOrigin.err()).contains("--ledger-key and --origin go together");
        CliRun noLedger = ect("serve", "--port", "0", "--id", B, "--trust", A + "=a.jwks", "--ledger-key", "ledger.jwk", "--origin", ORIGIN);
        assertThat(noLedger.code()).isEqualTo(2);
        assertThat(noLedger.err()).contains("needs --ledger");
        CliRun notEd = ect("serve", "--port", "0", "--id", B, "--trust", A + "=a.jwks", "--ledger", "y.jsonl",
                "--ledger-key", "a.jwk", "--origin", ORIGIN);
        assertThat(notEd.code()).isEqualTo(2);
        assertThat(notEd.err()).contains("Ed25519");
    }

    static Map<String, Object> json(String s) { return JsonText.parseObject(s); }
}

package dev.ect.cli;

import static dev.ect.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ledger checkpoint / verify / prove / verify-proof and keygen --alg EdDSA, in-process (L-07..L-09). */
class LedgerEvidenceCommandsTest {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    static final String ORIGIN = "ledger.example.com/b";

    @TempDir
    Path dir;
    Path ledger;
    List<String> jtis = new ArrayList<>();

    @BeforeEach
    void keys() {
        ledger = dir.resolve("ledger.jsonl");
        assertThat(run("keygen", "--kid", "a-1", "--private", p("a.jwk"), "--public", p("a.jwks")).code()).isZero();
        CliRun k = run("keygen", "--alg", "EdDSA", "--kid", "ledger-1", "--origin", ORIGIN, "--private", p("ledger.jwk"),
                "--public", p("ledger.jwks"));
        assertThat(k.code()).as(k.toString()).isZero();
    }

    String p(String name) { return dir.resolve(name).toString(); }

    void accept(int n) {
        for (int i = 0; i < n; i++) {
            CliRun m = run("mint", "--key", p("a.jwk"), "--iss", A, "--aud", B, "--exec-act", "task_" + jtis.size());
            assertThat(m.code()).as(m.toString()).isZero();
            String token = m.out().strip();
            CliRun v = run("verify", "--trust", A + "=" + p("a.jwks"), "--aud", B, "--ledger", ledger.toString(), token);
            assertThat(v.code()).as(v.toString()).isZero();
            jtis.add(run("inspect", "--claim", "jti", token).out().strip());
        }
    }

    String checkpoint(String file) throws Exception {
        CliRun c = run("ledger", "checkpoint", "--key", p("ledger.jwk"), "--origin", ORIGIN, ledger.toString());
        assertThat(c.code()).as(c.toString()).isZero();
        Files.writeString(dir.resolve(file), c.out());
        return c.out();
    }

    CliRun verifyAgainst(String checkpointFile, String... more) {
        List<String> args = new ArrayList<>(List.of("ledger", "verify", "--trust", A + "=" + p("a.jwks"), "--checkpoint",
                p(checkpointFile), "--checkpoint-key", p("ledger.jwks")));
        args.addAll(List.of(more));
        args.add(ledger.toString());
        return run(args.toArray(String[]::new));
    }

    @Test
    @DisplayName("L-07 keygen --alg EdDSA prints the signed-note verifier key; checkpoint prints origin, size, root, signature")
    void keygenAndCheckpointFormat() throws Exception {
        CliRun k = run("keygen", "--alg", "EdDSA", "--kid", "l2", "--private", p("l2.jwk"), "--public", p("l2.jwks"));
        assertThat(k.out()).containsPattern("note verifier key: l2\\+[0-9a-f]{8}\\+A[Q-Za-f][A-Za-z0-9+/]{42}\n");
        assertThat(run("keygen", "--kid", "x", "--origin", "o", "--private", p("x.jwk"), "--public", p("x.jwks")).code())
                .as("--origin only for EdDSA").isEqualTo(2);
        accept(3);
        String note = checkpoint("cp.txt");
        assertThat(note).as(note).matches("(?s)" + java.util.regex.Pattern.quote(ORIGIN) + "\n3\n[A-Za-z0-9+/]{43}=\n\n\u2014 "
                + java.util.regex.Pattern.quote(ORIGIN) + " [A-Za-z0-9+/]{91}=\n");
        assertThat(Files.size(dir.resolve("ledger.jsonl.tree"))).isEqualTo(32L * (2 * 3 - 2));
        CliRun wrongKey = run("ledger", "checkpoint", "--key", p("a.jwk"), "--origin", ORIGIN, ledger.toString());
        assertThat(wrongKey.code()).isEqualTo(2);
        assertThat(wrongKey.err()).contains("Ed25519");
    }

    @Test
    @DisplayName("L-09 ledger verify exits 0 on an honest ledger that grew since the checkpoint, with a vkey file too")
    void honestGrownLedgerPasses() throws Exception {
        accept(3);
        checkpoint("cp.txt");
        accept(2);
        CliRun v = verifyAgainst("cp.txt");
        assertThat(v.code()).as(v.toString()).isZero();
        assertThat(v.out()).contains("5 entries, hash chain intact").contains("5 token signatures verified")
                .contains("extends the checkpoint of 3 entries of " + ORIGIN);
        String vkey = run("keygen", "--alg", "EdDSA", "--kid", "unused", "--private", p("u.jwk"), "--public", p("u.jwks")).out();
        assertThat(vkey).contains("note verifier key");
        // the ledger's key in verifier-key form
        String ledgerVkey = dev.ect.core.tlog.CheckpointSigner.fromPrivateJwk(ORIGIN, Files.readString(dir.resolve("ledger.jwk")))
                .verifierKey();
        Files.writeString(dir.resolve("ledger.vkey"), ledgerVkey + "\n");
        CliRun json = run("ledger", "verify", "--json", "--checkpoint", p("cp.txt"), "--checkpoint-key", p("ledger.vkey"),
                ledger.toString());
        assertThat(json.code()).as(json.toString()).isZero();
        assertThat(json.json()).containsEntry("ok", true).containsEntry("checkpoint_size", 3L);
    }

    @Test
    @DisplayName("L-09 ledger verify exits 1 on a truncated tail, naming the first missing entry")
    void truncatedTailFails() throws Exception {
        accept(4);
        checkpoint("cp.txt");
        Tamper.rewrite(ledger, e -> new ArrayList<>(e.subList(0, 2)));
        assertThat(run("ledger", "verify", ledger.toString()).code()).as("the chain alone passes").isZero();
        CliRun v = verifyAgainst("cp.txt");
        assertThat(v.code()).as(v.toString()).isEqualTo(1);
        assertThat(v.out()).contains("NOT INTACT").contains("CHECKPOINT at entry 3").contains("entries 3..4 are missing");
    }

    @Test
    @DisplayName("L-09 ledger verify exits 1 on reordered entries with a recomputed chain, naming the first moved entry")
    void reorderedFails() throws Exception {
        accept(4);
        checkpoint("cp.txt");
        Tamper.rewrite(ledger, e -> {
            Collections.swap(e, 1, 3);
            return e;
        });
        CliRun v = verifyAgainst("cp.txt", "--json");
        assertThat(v.code()).as(v.toString()).isEqualTo(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> first = ((List<Map<String, Object>>) v.json().get("findings")).get(0);
        assertThat(first).containsEntry("kind", "CHECKPOINT").containsEntry("seq", 2L);
        // checkpoint and prove refuse to go on from a tree file the ledger no longer fits
        CliRun c = run("ledger", "checkpoint", "--key", p("ledger.jwk"), "--origin", ORIGIN, ledger.toString());
        assertThat(c.code()).isEqualTo(1);
        assertThat(c.err()).contains("entry 2");
        assertThat(run("ledger", "prove", "--seq", "1", ledger.toString()).code()).isEqualTo(1);
    }

    @Test
    @DisplayName("L-09 ledger verify exits 1 on a rewritten entry with a recomputed chain, naming it")
    void rewrittenEntryFails() throws Exception {
        accept(3);
        checkpoint("cp.txt");
        accept(1); // a fourth, genuinely signed token to put in place of entry 2
        Tamper.rewrite(ledger, e -> {
            e.set(1, e.remove(3));
            return e;
        });
        CliRun v = verifyAgainst("cp.txt");
        assertThat(v.code()).as(v.toString()).isEqualTo(1);
        assertThat(v.out()).contains("CHECKPOINT at entry 2");
    }

    @Test
    @DisplayName("L-09 ledger verify --trust exits 1 on a forged signature AAAA with a recomputed chain, naming the entry")
    void forgedSignatureFails() throws Exception {
        accept(3);
        Tamper.rewrite(ledger, e -> {
            e.set(1, Tamper.forgedSignature(e.get(1)));
            return e;
        });
        assertThat(run("ledger", "verify", ledger.toString()).code()).as("the chain alone passes").isZero();
        CliRun v = run("ledger", "verify", "--trust", A + "=" + p("a.jwks"), ledger.toString());
        assertThat(v.code()).as(v.toString()).isEqualTo(1);
        assertThat(v.out()).contains("SIGNATURE at entry 2").contains("does not verify").contains(jtis.get(1));
        CliRun other = run("ledger", "verify", "--trust", "spiffe://example.com/other=" + p("a.jwks"), ledger.toString());
        assertThat(other.out()).contains("SIGNATURE at entry 1: no trusted key for iss " + A);
    }

    @Test
    @DisplayName("L-07 ledger verify exits 1 on a checkpoint signed by another key")
    void foreignCheckpointFails() throws Exception {
        accept(2);
        checkpoint("cp.txt");
        run("keygen", "--alg", "EdDSA", "--kid", "o", "--private", p("o.jwk"), "--public", p("o.jwks"));
        CliRun v = run("ledger", "verify", "--checkpoint", p("cp.txt"), "--checkpoint-key", p("o.jwks"), ledger.toString());
        assertThat(v.code()).as(v.toString()).isEqualTo(1);
        assertThat(v.out()).contains("does not verify");
        assertThat(run("ledger", "verify", "--checkpoint", p("cp.txt"), ledger.toString()).code()).isEqualTo(2);
    }

    @Test
    @DisplayName("L-08 prove --jti and --consistency print RFC 9162 proofs that verify-proof checks against checkpoints")
    void proveAndVerifyProof() throws Exception {
        accept(3);
        checkpoint("old.txt");
        accept(4);
        checkpoint("new.txt");
        CliRun inc = run("ledger", "prove", "--jti", jtis.get(4), ledger.toString());
        assertThat(inc.code()).as(inc.toString()).isZero();
        Map<String, Object> j = inc.json();
        assertThat(j).containsEntry("leaf_index", 4L).containsEntry("tree_size", 7L).containsKey("leaf_hash");
        assertThat((List<?>) j.get("hashes")).hasSize(3);
        Files.writeString(dir.resolve("inc.json"), inc.out());
        Files.writeString(dir.resolve("entry5.txt"), Files.readAllLines(ledger).get(4) + "\n");
        Files.writeString(dir.resolve("entry4.txt"), Files.readAllLines(ledger).get(3) + "\n");
        CliRun ok = run("ledger", "verify-proof", "--checkpoint", p("new.txt"), "--checkpoint-key", p("ledger.jwks"),
                "--entry", p("entry5.txt"), p("inc.json"));
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("proof verified: entry 5 (leaf 4) is in the checkpoint of 7 entries");
        CliRun wrongEntry = run("ledger", "verify-proof", "--checkpoint", p("new.txt"), "--checkpoint-key", p("ledger.jwks"),
                "--entry", p("entry4.txt"), p("inc.json"));
        assertThat(wrongEntry.code()).isEqualTo(1);
        assertThat(wrongEntry.out()).contains("leaf_hash is not the hash of the entry");
        CliRun oldCp = run("ledger", "verify-proof", "--checkpoint", p("old.txt"), "--checkpoint-key", p("ledger.jwks"), p("inc.json"));
        assertThat(oldCp.code()).isEqualTo(1);
        // a proof against the old size, from stdin
        CliRun incOld = run("ledger", "prove", "--seq", "2", "--tree-size", "3", ledger.toString());
        CliRun viaStdin = run(Map.of(), incOld.out(), "ledger", "verify-proof", "--checkpoint", p("old.txt"),
                "--checkpoint-key", p("ledger.jwks"), "-");
        assertThat(viaStdin.code()).as(viaStdin.toString()).isZero();

        CliRun con = run("ledger", "prove", "--consistency", "3", ledger.toString());
        assertThat(con.code()).as(con.toString()).isZero();
        assertThat(con.json()).containsEntry("old_size", 3L).containsEntry("tree_size", 7L);
        Files.writeString(dir.resolve("con.json"), con.out());
        CliRun cok = run("ledger", "verify-proof", "--old-checkpoint", p("old.txt"), "--checkpoint", p("new.txt"),
                "--checkpoint-key", p("ledger.jwks"), p("con.json"));
        assertThat(cok.code()).as(cok.toString()).isZero();
        assertThat(cok.out()).contains("the checkpoint of 7 entries extends the one of 3");
        String bad = con.out().replaceFirst("\"hashes\":\\[\"[A-Za-z0-9+/]", "\"hashes\":[\"" + (con.out().contains("[\"A") ? "B" : "A"));
        Files.writeString(dir.resolve("bad.json"), bad);
        CliRun cbad = run("ledger", "verify-proof", "--old-checkpoint", p("old.txt"), "--checkpoint", p("new.txt"),
                "--checkpoint-key", p("ledger.jwks"), p("bad.json"));
        assertThat(cbad.code()).as(cbad.toString()).isEqualTo(1);
        assertThat(run("ledger", "verify-proof", "--checkpoint", p("new.txt"), "--checkpoint-key", p("ledger.jwks"),
                p("con.json")).code()).as("consistency needs --old-checkpoint").isEqualTo(2);
        CliRun none = run("ledger", "prove", "--jti", "00000000-0000-0000-0000-000000000000", ledger.toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("no entry with jti");
        assertThat(run("ledger", "prove", "--seq", "9", ledger.toString()).code()).isEqualTo(2);
    }
}

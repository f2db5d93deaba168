package dev.ect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code ect.jar}: signed checkpoints, proofs and the ledger check that a rewrite cannot pass (L-07..L-09). */
class LedgerEvidenceIT {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    static final String ORIGIN = "ledger.example.com/b";

    @TempDir
    Path dir;

    CliRun ect(String... args) { return JarProcess.run(dir, args); }

    String accept() {
        CliRun m = ect("mint", "--key", "a.jwk", "--iss", A, "--aud", B, "--exec-act", "step");
        assertThat(m.code()).as(m.toString()).isZero();
        CliRun v = ect("verify", "--trust", A + "=a.jwks", "--aud", B, "--ledger", "ledger.jsonl", m.out().strip());
        assertThat(v.code()).as(v.toString()).isZero();
        return (String) v.claims().get("jti");
    }

    /** A copy of the ledger and its tree file, to tamper with. */
    Path copy(String name) throws Exception {
        Files.copy(dir.resolve("ledger.jsonl"), dir.resolve(name));
        Files.copy(dir.resolve("ledger.jsonl.tree"), dir.resolve(name + ".tree"));
        return dir.resolve(name);
    }

    CliRun audit(String ledger) {
        return ect("ledger", "verify", "--trust", A + "=a.jwks", "--checkpoint", "cp3.txt", "--checkpoint-key", "ledger.jwks", ledger);
    }

    @Test
    @DisplayName("L-07 L-08 L-09 checkpoint, prove, verify-proof and ledger verify through the jar; every tampering exits 1 naming the entry")
    void checkpointsProofsAndTamperChecks() throws Exception {
        assertThat(ect("keygen", "--kid", "a-1", "--private", "a.jwk", "--public", "a.jwks").code()).isZero();
        CliRun k = ect("keygen", "--alg", "EdDSA", "--kid", "ledger-1", "--origin", ORIGIN, "--private", "ledger.jwk",
                "--public", "ledger.jwks");
        assertThat(k.code()).as(k.toString()).isZero();
        assertThat(k.out()).containsPattern("note verifier key: " + ORIGIN.replace(".", "\\.") + "\\+[0-9a-f]{8}\\+");
        List<String> jtis = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            jtis.add(accept());
        }
        CliRun cp = ect("ledger", "checkpoint", "--key", "ledger.jwk", "--origin", ORIGIN, "ledger.jsonl");
        assertThat(cp.code()).as(cp.toString()).isZero();
        assertThat(cp.out()).startsWith(ORIGIN + "\n3\n").contains("\n\n\u2014 " + ORIGIN + " ");
        Files.writeString(dir.resolve("cp3.txt"), cp.out());
        jtis.add(accept());

        // honest and grown: 0
        CliRun ok = audit("ledger.jsonl");
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("4 entries").contains("4 token signatures verified").contains("checkpoint of 3 entries");

        // inclusion of the second entry in the old checkpoint, consistency old -> new
        CliRun inc = ect("ledger", "prove", "--jti", jtis.get(1), "--tree-size", "3", "ledger.jsonl");
        assertThat(inc.code()).as(inc.toString()).isZero();
        assertThat(inc.json()).containsEntry("leaf_index", 1L).containsEntry("tree_size", 3L);
        Files.writeString(dir.resolve("inc.json"), inc.out());
        CliRun vi = ect("ledger", "verify-proof", "--checkpoint", "cp3.txt", "--checkpoint-key", "ledger.jwks", "inc.json");
        assertThat(vi.code()).as(vi.toString()).isZero();
        CliRun cp4 = ect("ledger", "checkpoint", "--key", "ledger.jwk", "--origin", ORIGIN, "ledger.jsonl");
        Files.writeString(dir.resolve("cp4.txt"), cp4.out());
        CliRun con = ect("ledger", "prove", "--consistency", "3", "ledger.jsonl");
        assertThat(con.json()).containsEntry("old_size", 3L).containsEntry("tree_size", 4L);
        Files.writeString(dir.resolve("con.json"), con.out());
        CliRun vc = ect("ledger", "verify-proof", "--old-checkpoint", "cp3.txt", "--checkpoint", "cp4.txt",
                "--checkpoint-key", "ledger.jwks", "con.json");
        assertThat(vc.code()).as(vc.toString()).isZero();

        // truncated tail (chain recomputed, here trivially intact)
        Tamper.rewrite(copy("cut.jsonl"), e -> new ArrayList<>(e.subList(0, 2)));
        CliRun cut = audit("cut.jsonl");
        assertThat(cut.code()).as(cut.toString()).isEqualTo(1);
        assertThat(cut.out()).contains("CHECKPOINT at entry 3");
        // reordered, chain recomputed
        Tamper.rewrite(copy("swap.jsonl"), e -> {
            Collections.swap(e, 0, 1);
            return e;
        });
        CliRun swap = audit("swap.jsonl");
        assertThat(swap.code()).as(swap.toString()).isEqualTo(1);
        assertThat(swap.out()).contains("CHECKPOINT at entry 1");
        // rewritten: entry 2 replaced by the (genuinely signed) entry 4, chain recomputed
        Tamper.rewrite(copy("rewrite.jsonl"), e -> {
            e.set(1, e.remove(3));
            return e;
        });
        CliRun rw = audit("rewrite.jsonl");
        assertThat(rw.code()).as(rw.toString()).isEqualTo(1);
        assertThat(rw.out()).contains("CHECKPOINT at entry 2");
        // forged signature, chain recomputed: found by --trust alone
        Tamper.rewrite(copy("forged.jsonl"), e -> {
            e.set(3, Tamper.forgedSignature(e.get(3)));
            return e;
        });
        CliRun forged = ect("ledger", "verify", "--trust", A + "=a.jwks", "forged.jsonl");
        assertThat(forged.code()).as(forged.toString()).isEqualTo(1);
        assertThat(forged.out()).contains("SIGNATURE at entry 4").contains(jtis.get(3));
    }
}

package dev.ect.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.SignedEct;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** L-04: the chain check over entry lists and over raw ledger files. */
class ChainVerificationTest {
    final String wid = TestEcts.uuid("chain");
    List<LedgerEntry> chain;

    @TempDir
    Path dir;

    @BeforeEach
    void chain() {
        InMemoryLedger l = new InMemoryLedger(TestEcts.CLOCK);
        for (int i = 0; i < 5; i++) {
            SignedEct s = TestEcts.unsigned(wid, "t" + i, List.of());
            l.append(s);
        }
        chain = new ArrayList<>(l.entries());
    }

    ChainVerification withEntry(int index, LedgerEntry replacement) {
        List<LedgerEntry> c = new ArrayList<>(chain);
        c.set(index, replacement);
        return ChainVerification.of(c);
    }

    static LedgerEntry rehashed(LedgerEntry e) { return e.withHash(e.computeHash()); }

    // L-04
    @Test
    void l04IntactChainIsOk() {
        ChainVerification v = ChainVerification.of(chain);
        assertThat(v.ok()).isTrue();
        assertThat(v.entriesChecked()).isEqualTo(5);
        assertThat(v.lastHash()).isEqualTo(chain.get(4).hash());
        assertThat(v.brokenLine()).isEmpty();
        assertThat(ChainVerification.of(List.of()).ok()).isTrue();
    }

    // L-04: each kind of break is named at the first broken entry
    @Test
    void l04NamesTheFirstBrokenEntryAndWhy() {
        LedgerEntry e = chain.get(2);
        ChainVerification changedField = withEntry(2, new LedgerEntry(e.seq(), e.compact(), e.jti(), e.wid(), e.iss(),
                "tampered", e.pred(), e.recordedAt(), e.prevHash(), e.hash()));
        assertThat(changedField.ok()).isFalse();
        assertThat(changedField.brokenSeq()).hasValue(3);
        assertThat(changedField.entriesChecked()).isEqualTo(2);
        assertThat(changedField.lastHash()).isEqualTo(chain.get(1).hash());
        assertThat(changedField.problem()).hasValueSatisfying(p -> assertThat(p).contains("hash mismatch"));
        assertThat(changedField.toString()).contains("broken at entry 3").doesNotContain("line");

        // the field changed and its hash recomputed: the chain links, but the field disagrees with the token
        ChainVerification rehashedField = withEntry(2, rehashed(new LedgerEntry(e.seq(), e.compact(), e.jti(), e.wid(),
                e.iss(), "tampered", e.pred(), e.recordedAt(), e.prevHash(), "")));
        assertThat(rehashedField.brokenSeq()).hasValue(3);
        assertThat(rehashedField.problem()).hasValueSatisfying(p -> assertThat(p).contains("exec_act does not match"));

        for (String field : List.of("jti", "wid", "iss", "pred")) {
            LedgerEntry t = new LedgerEntry(e.seq(), e.compact(), field.equals("jti") ? "x" : e.jti(),
                    field.equals("wid") ? null : e.wid(), field.equals("iss") ? "x" : e.iss(), e.execAct(),
                    field.equals("pred") ? List.of("x") : e.pred(), e.recordedAt(), e.prevHash(), "");
            assertThat(withEntry(2, rehashed(t)).problem()).hasValueSatisfying(p -> assertThat(p).startsWith(field + " does not"));
        }

        ChainVerification badLink = withEntry(3, rehashed(new LedgerEntry(4, chain.get(3).compact(), chain.get(3).jti(), wid,
                chain.get(3).iss(), chain.get(3).execAct(), List.of(), chain.get(3).recordedAt(), "ab".repeat(32), "")));
        assertThat(badLink.brokenSeq()).hasValue(4);
        assertThat(badLink.problem()).hasValueSatisfying(p -> assertThat(p).contains("prev_hash does not match the hash of entry 3"));

        ChainVerification badGenesis = withEntry(0, rehashed(new LedgerEntry(1, chain.get(0).compact(), chain.get(0).jti(), wid,
                chain.get(0).iss(), chain.get(0).execAct(), List.of(), chain.get(0).recordedAt(), "ab".repeat(32), "")));
        assertThat(badGenesis.problem()).hasValueSatisfying(p -> assertThat(p).contains("genesis"));

        List<LedgerEntry> gap = new ArrayList<>(chain);
        gap.remove(1);
        ChainVerification removed = ChainVerification.of(gap);
        assertThat(removed.brokenSeq()).hasValue(2);
        assertThat(removed.problem()).hasValueSatisfying(p -> assertThat(p).contains("seq is 3, expected 2"));

        LedgerEntry undecodable = rehashed(new LedgerEntry(3, "not.a.token", e.jti(), e.wid(), e.iss(), e.execAct(), e.pred(),
                e.recordedAt(), e.prevHash(), ""));
        assertThat(withEntry(2, undecodable).problem()).hasValueSatisfying(p -> assertThat(p).contains("cannot be decoded"));
    }

    // L-04 + L-06: an (iss, wid, jti) recorded twice breaks the chain even with valid hashes
    @Test
    void l06DuplicateKeyInAChainIsABreak() {
        LedgerEntry first = chain.get(0);
        LedgerEntry dup = rehashed(new LedgerEntry(6, first.compact(), first.jti(), first.wid(), first.iss(), first.execAct(),
                first.pred(), first.recordedAt(), chain.get(4).hash(), ""));
        List<LedgerEntry> c = new ArrayList<>(chain);
        c.add(dup);
        ChainVerification v = ChainVerification.of(c);
        assertThat(v.brokenSeq()).hasValue(6);
        assertThat(v.problem()).hasValueSatisfying(p -> assertThat(p).contains("already recorded at seq 1 (L-06)"));
        assertThatThrownBy(() -> ChainVerification.of(java.util.Collections.singletonList(null)))
                .isInstanceOf(NullPointerException.class);
    }

    String fileOf(List<LedgerEntry> entries) {
        StringBuilder sb = new StringBuilder();
        entries.forEach(e -> sb.append(new String(LedgerFile.line(e), StandardCharsets.US_ASCII)));
        return sb.toString();
    }

    ChainVerification ofFileText(String text) throws Exception {
        Path f = dir.resolve("f.jsonl");
        Files.write(f, text.getBytes(StandardCharsets.ISO_8859_1));
        return ChainVerification.ofFile(f);
    }

    // L-04 on files: lines that are not exactly what the ledger writes are breaks, named by line
    @Test
    void l04FileLinesMustBeExactlyCanonical() throws Exception {
        String good = fileOf(chain);
        assertThat(ofFileText(good).entriesChecked()).isEqualTo(5);
        assertThat(ofFileText("").ok()).isTrue();
        String[] lines = good.split("\n");
        String line2 = lines[1];
        List<String> variants = List.of(
                line2.replace("{\"seq\":2,", "{ \"seq\":2,"),                 // whitespace
                line2.replace("{\"seq\":2,", "{\"seq\":2,\"extra\":1,"),      // extra member
                line2.replace("\"seq\":2", "\"seq\":\"2\""),                  // wrong type
                line2.replace("\"exec_act\":\"t1\"", "\"exec_act\":\"\\u0074\\u0031\""), // other escaping, same value
                line2.replace("T00:00:00.000Z", "T00:00:00Z"),                // other time form, same instant
                line2.replace("T00:00:00.000Z", "not a time"),
                line2.replace("\"pred\":[]", "\"pred\":{}"),
                line2.replace("\"pred\":[]", "\"pred\":[1]"),
                line2.replace("\"hash\":\"", "\"hash\":1,\"x\":\""),
                line2.replace("\"iss\":\"", "\"iss\":7,\"y\":\""),
                line2.substring(0, 20),
                "",
                "[]",
                line2.replace("t1", "t\u00e9"));                             // a raw non-ASCII byte
        for (String variant : variants) {
            ChainVerification v = ofFileText(lines[0] + "\n" + variant + "\n" + lines[2] + "\n");
            assertThat(v.ok()).as(variant).isFalse();
            assertThat(v.brokenLine()).as(variant).hasValue(2);
            assertThat(v.brokenSeq()).as(variant).hasValue(2);
            assertThat(v.entriesChecked()).isEqualTo(1);
        }
        ChainVerification overlong = ofFileText(lines[0] + "\n" + "x".repeat(LedgerFile.MAX_LINE + 10) + "\n");
        assertThat(overlong.brokenLine()).hasValue(2);
        assertThat(overlong.problem()).hasValueSatisfying(p -> assertThat(p).contains("longer than"));
        ChainVerification overlongTail = ofFileText(lines[0] + "\n" + "x".repeat(LedgerFile.MAX_LINE + 10));
        assertThat(overlongTail.problem()).hasValueSatisfying(p -> assertThat(p).contains("no trailing newline"));
        assertThat(overlongTail.entriesChecked()).isEqualTo(1);
    }

    @Test
    void ofFileFailsForAMissingFile() {
        assertThatThrownBy(() -> ChainVerification.ofFile(dir.resolve("missing"))).isInstanceOf(java.io.IOException.class);
    }
}

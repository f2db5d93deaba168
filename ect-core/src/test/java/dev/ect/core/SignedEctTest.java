package dev.ect.core;

import dev.ect.core.EctSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.internal.EctCodec;
import dev.ect.core.internal.Json;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.ledger.TestEcts;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link SignedEct} is made only by the library (the signer and the verifier), so its ECT is
 * always the one its compact form carries, and a ledger can record it without decoding the token
 * again (issue 14, step 1).
 */
class SignedEctTest {
    private static final String W = TestEcts.uuid("W1");

    @Test
    @DisplayName("SignedEct and VerifiedEct have no constructor outside the library")
    void noPublicConstructors() {
        for (Class<?> c : List.of(SignedEct.class, VerifiedEct.class)) {
            assertThat(c.getConstructors()).as(c.getSimpleName()).isEmpty();
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                // private, or package-private for the default signer and verifier next to them (dev.ect.core)
                assertThat(Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers())).as(k.toString()).isFalse();
            }
            assertThat(Modifier.isFinal(c.getModifiers())).isTrue();
        }
    }

    /** Drafts with every claim form: one and several audiences, no wid, hashes, ect_ext with non-ASCII and a lone surrogate. */
    private static List<Ect> drafts() {
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("tenant", "acme \u00e9\u20ac\ud83d\ude00");
        ext.put("odd", "lone \ud800 surrogate, \u2028 and \"quotes\"");
        ext.put("n", List.of(1L, 2.5, true, Map.of("k", "v")));
        ext.put("nothing", null);
        List<Ect> out = new ArrayList<>();
        out.add(Ect.builder().iss(TestEcts.ISS).aud(TestEcts.AUD).execAct("a").build());
        out.add(Ect.builder().iss(TestEcts.ISS).aud(List.of(TestEcts.AUD, "spiffe://example.com/c")).wid(W)
                .execAct("exec \u00fc\ud83d\ude00").pred(TestEcts.uuid("p1"), TestEcts.uuid("p2"))
                .inpHash(EctHashes.sha256("in".getBytes())).outHash(EctHashes.sha256("out".getBytes())).ext(ext).build());
        out.add(Ect.builder().iss("spiffe://example.com/\ud800").aud(TestEcts.AUD).jti(UUID.randomUUID().toString())
                .execAct("x").ext(Map.of()).build());
        return out;
    }

    @Test
    @DisplayName("M-07: a minted SignedEct's ECT is exactly what its compact form decodes to, header values included")
    void m07MintedTokenCarriesItsEct() {
        for (Ect draft : drafts()) {
            SignedEct s = TestEcts.SIGNER.mint(draft);
            Ect decoded = EctCodec.decodeStored(s.compact(), null);
            assertThat(decoded).isEqualTo(s.ect());
            assertThat(List.of(decoded.typ(), decoded.alg(), decoded.kid())).containsExactly(Ect.TYP, "ES256", "k1");
            assertThat(decoded.ext()).isEqualTo(s.ect().ext());
            // one writer: the typed claims writer gives the bytes of the generic writer over claims()
            assertThat(EctCodec.claimsUtf8(s.ect())).isEqualTo(Json.writeUtf8(s.ect().claims()));
            // and the verifier decodes the same ECT (L2; the ext's lone surrogate is kept, not turned into '?')
            if (draft.iss().equals(TestEcts.ISS)) { // the verifier trusts this issuer only
                Ect verified = TestEcts.verifier().settings(EctSettings.builder().allowUnresolvedPredecessors(true).build()).build().check(s.compact()).ect();
                assertThat(verified).isEqualTo(s.ect());
            }
        }
    }

    @Test
    @DisplayName("V-15: the ledger indexes the verifier's own ECT: the token is not decoded again to append it")
    void v15VerifiedTokenIsAppendedAsItIs(@TempDir Path dir) throws Exception {
        SignedEct s = TestEcts.mint(W, "a", List.of());
        InMemoryLedger memory = new InMemoryLedger(TestEcts.CLOCK);
        VerifiedEct v = TestEcts.verifier().ledger(memory).build().verify(s.compact());
        assertThat(v.signed().compact()).isEqualTo(s.compact());
        assertThat(v.signed().ect()).isSameAs(v.ect());
        assertThat(memory.findByJti(s.ect().jti()).get(0)).isSameAs(v.signed()); // the token itself, not decoded again
        try (FileLedger file = FileLedger.open(dir.resolve("l.jsonl"), FileLedger.Recovery.STRICT, TestEcts.CLOCK)) {
            VerifiedEct w = TestEcts.verifier().ledger(file).build().verify(TestEcts.mint(W, "b", List.of()).compact());
            assertThat(file.findByJti(w.ect().jti()).get(0)).isSameAs(w.signed());
        }
        try (FileLedger reopened = FileLedger.open(dir.resolve("l.jsonl"), FileLedger.Recovery.STRICT, TestEcts.CLOCK)) {
            assertThat(reopened.entries()).hasSize(1); // read back through the one decoder
            LedgerEntry e = reopened.entries().get(0);
            assertThat(reopened.findByJti(e.jti())).containsExactly(e.signed());
        }
    }

    @Test
    @DisplayName("T-08: a minted response ECT is recorded as minted (the very ECT object), without a decode")
    void t08MintedTokenIsRecordedAsMinted() {
        InMemoryLedger ledger = new InMemoryLedger(TestEcts.CLOCK);
        SignedEct minted = TestEcts.mint(W, "respond", List.of());
        LedgerEntry e = ledger.append(minted);
        assertThat(ledger.findByJti(minted.ect().jti()).get(0)).isSameAs(minted);
        assertThat(e.compact()).isSameAs(minted.compact());
    }

    @Test
    void valueSemanticsAndNoTokenInToString() {
        SignedEct a = TestEcts.mint(W, "a", List.of());
        VerifiedEct v1 = TestEcts.verifier().build().check(a.compact());
        VerifiedEct v2 = TestEcts.verifier().build().check(a.compact());
        // the minted and the verified form of one token are the same value
        assertThat(v1.signed()).isEqualTo(v2.signed()).hasSameHashCodeAs(v2.signed()).isEqualTo(a).hasSameHashCodeAs(a);
        assertThat(a.toString()).doesNotContain(a.compact()).contains(a.ect().jti());
        assertThat(Arrays.asList(a.equals(null), a.equals("x"))).containsOnly(false);
    }
}

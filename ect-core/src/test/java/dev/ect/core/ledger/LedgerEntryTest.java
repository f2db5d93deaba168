package dev.ect.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.SignedEct;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** L-02: the fields of an entry, its canonical bytes and its hash. */
class LedgerEntryTest {

    static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII)));
    }

    // L-02: the exact canonical form, and hash = SHA-256(prevHash || canonical bytes)
    @Test
    void l02CanonicalFormAndHashAreExactlyAsDocumented() throws Exception {
        LedgerEntry e = new LedgerEntry(7, "h.p.s", "11111111-1111-1111-1111-111111111111",
                "22222222-2222-2222-2222-222222222222", "spiffe://example.com/a", "review_spec",
                List.of("33333333-3333-3333-3333-333333333333", "44444444-4444-4444-4444-444444444444"),
                Instant.parse("2026-03-01T12:34:56.789123Z"), "ab".repeat(32), "");
        String expected = "{\"seq\":7,\"recorded_at\":\"2026-03-01T12:34:56.789Z\","
                + "\"jti\":\"11111111-1111-1111-1111-111111111111\",\"wid\":\"22222222-2222-2222-2222-222222222222\","
                + "\"iss\":\"spiffe://example.com/a\",\"exec_act\":\"review_spec\","
                + "\"pred\":[\"33333333-3333-3333-3333-333333333333\",\"44444444-4444-4444-4444-444444444444\"],"
                + "\"compact\":\"h.p.s\"}";
        assertThat(new String(e.canonicalBytes(), StandardCharsets.US_ASCII)).isEqualTo(expected);
        assertThat(e.computeHash()).isEqualTo(sha256Hex("ab".repeat(32) + expected));
        assertThat(e.recordedAt()).isEqualTo(Instant.parse("2026-03-01T12:34:56.789Z"));
        assertThat(e.hashMatches()).isFalse();
        assertThat(e.withHash(e.computeHash()).hashMatches()).isTrue();
    }

    // L-02: whole seconds still get three fractional digits; absent values are null; empty pred
    @Test
    void l02CanonicalFormOfNullsAndWholeSeconds() {
        LedgerEntry e = new LedgerEntry(1, "x", "j", null, null, null, List.of(), Instant.parse("2026-03-01T00:00:00Z"),
                LedgerEntry.GENESIS_HASH, "");
        assertThat(new String(e.canonicalBytes(), StandardCharsets.US_ASCII)).isEqualTo(
                "{\"seq\":1,\"recorded_at\":\"2026-03-01T00:00:00.000Z\",\"jti\":\"j\",\"wid\":null,\"iss\":null,"
                        + "\"exec_act\":null,\"pred\":[],\"compact\":\"x\"}");
    }

    // L-02: escaping keeps the canonical bytes ASCII and unambiguous
    @Test
    void l02EscapesQuotesBackslashesControlAndNonAsciiCharacters() {
        String act = "a\"b\\c\nd\u007f\u00e9\ud83d\ude00/";
        LedgerEntry e = new LedgerEntry(1, "x", "j", null, "i", act, List.of(), Instant.EPOCH, LedgerEntry.GENESIS_HASH, "");
        String text = new String(e.canonicalBytes(), StandardCharsets.US_ASCII);
        assertThat(text).contains("\"exec_act\":\"a\\\"b\\\\c\\u000ad\\u007f\\u00e9\\ud83d\\ude00/\"");
        for (byte b : e.canonicalBytes()) {
            assertThat(b).isBetween((byte) 0x20, (byte) 0x7E);
        }
        // a different string gives different bytes (no two values share an encoding)
        LedgerEntry other = new LedgerEntry(1, "x", "j", null, "i", "a\"b\\c\nd\u007f\u00e9\ud83d\ude01/", List.of(),
                Instant.EPOCH, LedgerEntry.GENESIS_HASH, "");
        assertThat(other.computeHash()).isNotEqualTo(e.computeHash());
    }

    // L-02: every field is covered by the hash
    @Test
    void l02EveryFieldChangesTheHash() {
        SignedEct s = TestEcts.mint(TestEcts.uuid("W1"), "review", List.of(TestEcts.uuid("P")));
        LedgerEntry e = LedgerEntry.create(3, s, TestEcts.NOW, "cd".repeat(32));
        assertThat(e.hashMatches()).isTrue();
        List<LedgerEntry> variants = List.of(
                new LedgerEntry(4, e.compact(), e.jti(), e.wid(), e.iss(), e.execAct(), e.pred(), e.recordedAt(), e.prevHash(), e.hash()),
                new LedgerEntry(3, e.compact() + "x", e.jti(), e.wid(), e.iss(), e.execAct(), e.pred(), e.recordedAt(), e.prevHash(), e.hash()),
                new LedgerEntry(3, e.compact(), e.jti() + "x", e.wid(), e.iss(), e.execAct(), e.pred(), e.recordedAt(), e.prevHash(), e.hash()),
                new LedgerEntry(3, e.compact(), e.jti(), null, e.iss(), e.execAct(), e.pred(), e.recordedAt(), e.prevHash(), e.hash()),
                new LedgerEntry(3, e.compact(), e.jti(), e.wid(), "spiffe://x", e.execAct(), e.pred(), e.recordedAt(), e.prevHash(), e.hash()),
                new LedgerEntry(3, e.compact(), e.jti(), e.wid(), e.iss(), "deploy", e.pred(), e.recordedAt(), e.prevHash(), e.hash()),
                new LedgerEntry(3, e.compact(), e.jti(), e.wid(), e.iss(), e.execAct(), List.of(), e.recordedAt(), e.prevHash(), e.hash()),
                new LedgerEntry(3, e.compact(), e.jti(), e.wid(), e.iss(), e.execAct(), e.pred(), e.recordedAt().plusMillis(1), e.prevHash(), e.hash()),
                new LedgerEntry(3, e.compact(), e.jti(), e.wid(), e.iss(), e.execAct(), e.pred(), e.recordedAt(), "ce".repeat(32), e.hash()));
        for (LedgerEntry v : variants) {
            assertThat(v.hashMatches()).as("%s", v).isFalse();
        }
    }

    // L-02: create() (a SignedEct's compact written without the escape scan, into the thread's
    // scratch array) hashes exactly what the documented definition says, whatever the ids, issuer
    // and exec_act hold; the scratch array holds nothing over from a larger entry
    @Test
    void l02CreateHashesTheDocumentedBytes() throws Exception {
        Random r = new Random(5);
        String[] acts = {"plan", "a\"b\\c", "t\u00e9st \u20ac", "x\ud83d\ude00y", "\u007f/", "z".repeat(255)};
        String prev = LedgerEntry.GENESIS_HASH;
        for (int i = 0; i < 60; i++) {
            String act = acts[r.nextInt(acts.length)];
            List<String> pred = r.nextBoolean() ? List.of() : List.of(TestEcts.uuid("P" + i), TestEcts.uuid("Q" + i));
            SignedEct s = i % 7 == 0 ? TestEcts.mint(null, act, pred) : TestEcts.mint(TestEcts.uuid("W" + (i % 3)), act, pred);
            long seq = i == 59 ? Long.MAX_VALUE : 1 + r.nextInt(i % 2 == 0 ? 9 : 1_000_000_000);
            LedgerEntry e = LedgerEntry.create(seq, s, TestEcts.NOW.plusMillis(r.nextInt(100_000)), prev);
            String canonical = new String(e.canonicalBytes(), StandardCharsets.US_ASCII);
            assertThat(canonical).startsWith("{\"seq\":" + seq + ",");
            assertThat(e.hash()).isEqualTo(sha256Hex(prev + canonical)).isEqualTo(e.computeHash());
            prev = e.hash();
        }
        // prevHash is hashed as its US-ASCII bytes (a stored entry may carry anything there)
        for (String odd : List.of("\u00e9".repeat(64), "a\ud83d\ude00b", "")) {
            LedgerEntry e = new LedgerEntry(-12, "x", "j", null, "i", "a", List.of(), Instant.EPOCH, odd, "");
            byte[] prefix = odd.getBytes(StandardCharsets.US_ASCII);
            byte[] body = e.canonicalBytes();
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(prefix);
            assertThat(e.computeHash()).isEqualTo(HexFormat.of().formatHex(md.digest(body)));
            assertThat(new String(body, StandardCharsets.US_ASCII)).startsWith("{\"seq\":-12,");
        }
    }

    // the canonical decimal of seq is Long.toString's, for every length and sign
    @Test
    void seqIsWrittenInDecimalAsLongToStringWritesIt() {
        Random r = new Random(9);
        for (int i = 0; i < 2000; i++) {
            long v = switch (i) {
                case 0 -> 0;
                case 1 -> Long.MAX_VALUE;
                case 2 -> Long.MIN_VALUE;
                case 3 -> -1;
                default -> r.nextLong() >> r.nextInt(64);
            };
            AsciiBuilder a = new AsciiBuilder(1);
            a.append(v);
            assertThat(new String(a.array(), 0, a.length(), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
        }
    }

    @Test
    void createTakesTheFieldsFromTheEctAndDecodesItBack() {
        SignedEct s = TestEcts.mint(null, "plan", List.of());
        LedgerEntry e = LedgerEntry.create(1, s, TestEcts.NOW, LedgerEntry.GENESIS_HASH);
        assertThat(e.jti()).isEqualTo(s.ect().jti());
        assertThat(e.wid()).isNull();
        assertThat(e.iss()).isEqualTo(TestEcts.ISS);
        assertThat(e.execAct()).isEqualTo("plan");
        assertThat(e.ect()).isEqualTo(s.ect());
        assertThat(e.toString()).contains(e.jti()).doesNotContain(s.compact());
        assertThatThrownBy(() -> LedgerEntry.create(0, s, TestEcts.NOW, LedgerEntry.GENESIS_HASH))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LedgerEntry(1, "x", "j", null, null, null, List.of(), TestEcts.NOW, null, ""))
                .hasMessageContaining("prevHash");
    }

    @Test
    void decodingRejectsWhatIsNotAnEct() {
        for (String bad : List.of("a.b", "a.b.c.d", "!!.e30.x", "e30.!!.x", "e30.e30.x", "e30")) {
            LedgerEntry e = new LedgerEntry(1, bad, "j", null, null, null, List.of(), TestEcts.NOW, LedgerEntry.GENESIS_HASH, "");
            assertThatThrownBy(e::ect).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        // an L1 token (base64url JSON claims) decodes
        Ect draft = TestEcts.mint(null, "plan", List.of()).ect();
        String l1 = dev.ect.core.internal.Json.b64(dev.ect.core.internal.Json.write(draft.claims()));
        LedgerEntry e = new LedgerEntry(1, l1, draft.jti(), null, null, null, List.of(), TestEcts.NOW, LedgerEntry.GENESIS_HASH, "");
        assertThat(e.ect().sameClaims(draft)).isTrue();
        assertThat(e.ect().alg()).isNull();
    }

    // L-02: the hand-written recorded_at format equals the documented DateTimeFormatter pattern
    @Test
    void recordedAtFormatMatchesThePatternForManyInstants() {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
        Random r = new Random(42);
        List<Instant> edge = List.of(Instant.EPOCH, Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("0999-12-31T23:59:59.999Z"),
                Instant.parse("9999-12-31T23:59:59.999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("-0001-06-01T00:00:00Z"), Instant.parse("2026-03-01T09:05:07.001Z"));
        for (int i = 0; i < 20_000 + edge.size(); i++) {
            Instant t = i < edge.size() ? edge.get(i)
                    : Instant.ofEpochSecond(r.nextLong() % 253402300799L, (r.nextInt(1000)) * 1_000_000L);
            assertThat(LedgerEntry.recordedAtText(t)).as("%s", t).isEqualTo(f.format(t));
        }
    }
}

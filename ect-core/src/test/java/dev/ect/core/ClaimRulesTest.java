package dev.ect.core;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.NOW;
import static dev.ect.core.support.Fixtures.claims;
import static dev.ect.core.support.Fixtures.header;
import static dev.ect.core.support.Fixtures.keyA;
import static dev.ect.core.support.Fixtures.verifierB;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.support.Jws;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Profile section 2.2, claims C-01..C-13, checked by verification steps V-09 and V-10 (and V-07,
 * V-12 where a claim feeds them). The simple cases are data in {@code vectors/claim-rules.json};
 * the limits are tested exactly at their boundaries below.
 */
class ClaimRulesTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(iat|jti|uuid)(?:([+-])(\\d+)|:(\\w+))?}");

    /** A verifier of B for issuer A that lets unresolved predecessors pass, so V-13 does not mask pred rules. */
    private static EctVerifier verifier() {
        return verifierB().allowUnresolvedPredecessors(true).build();
    }

    private static String signed(Map<String, Object> claims) { return Jws.sign(header(keyA()), claims, keyA()); }

    static Stream<Arguments> vectors() throws IOException {
        try (InputStream in = ClaimRulesTest.class.getResourceAsStream("/vectors/claim-rules.json")) {
            Map<String, Object> doc = Jws.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> vs = (List<Map<String, Object>>) doc.get("vectors");
            return vs.stream().map(v -> Arguments.of(v.get("rule") + " " + v.get("name"), v));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    @SuppressWarnings("unchecked")
    void claimVector(String name, Map<String, Object> vector) {
        Map<String, Object> c = claims();
        String jti = (String) c.get("jti");
        Map<String, String> named = new HashMap<>();
        for (Object r : (List<Object>) vector.getOrDefault("remove", List.of())) {
            c.remove((String) r);
        }
        ((Map<String, Object>) vector.getOrDefault("set", Map.of()))
                .forEach((k, v) -> c.put(k, substitute(v, jti, named)));
        String token = signed(c);
        String expect = (String) vector.get("expect");
        if (expect.equals("ok")) {
            VerifiedEct v = verifier().verify(token);
            assertThat(v.ect().jti()).isEqualTo(c.get("jti"));
        } else {
            assertRejected(() -> verifier().verify(token), ReasonCode.fromCode(expect));
        }
    }

    private static Object substitute(Object v, String jti, Map<String, String> named) {
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(o -> out.add(substitute(o, jti, named)));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, o) -> out.put((String) k, substitute(o, jti, named)));
            return out;
        }
        if (!(v instanceof String s)) {
            return v;
        }
        Matcher m = PLACEHOLDER.matcher(s);
        if (!m.matches()) {
            return s;
        }
        switch (m.group(1)) {
            case "iat" -> {
                long iat = NOW.getEpochSecond();
                long d = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
                return "-".equals(m.group(2)) ? iat - d : iat + d;
            }
            case "jti" -> {
                return jti;
            }
            default -> {
                String label = m.group(4);
                return label == null ? UUID.randomUUID().toString()
                        : named.computeIfAbsent(label, x -> UUID.randomUUID().toString());
            }
        }
    }

    // ---- C-07: exec_act length, exactly at the boundary

    @Test
    void acceptsExecActOf256Characters() { // C-07
        Map<String, Object> c = claims();
        c.put("exec_act", "x".repeat(256));
        assertThat(verifier().verify(signed(c)).ect().execAct()).hasSize(256);
    }

    @Test
    void rejectsExecActOf257Characters() { // C-07
        Map<String, Object> c = claims();
        c.put("exec_act", "x".repeat(257));
        assertRejected(() -> verifier().verify(signed(c)), ReasonCode.INVALID_CLAIM);
    }

    @Test
    void countsExecActInCharactersNotUtf16UnitsOrBytes() { // C-07: 256 code points of 4 UTF-8 bytes each
        String clef = new String(Character.toChars(0x1D11E)); // outside the BMP: 2 UTF-16 units, 4 bytes
        Map<String, Object> c = claims();
        c.put("exec_act", clef.repeat(256));
        assertThat(verifier().verify(signed(c)).ect().execAct()).isEqualTo(clef.repeat(256));
        Map<String, Object> c2 = claims();
        c2.put("exec_act", clef.repeat(257));
        assertRejected(() -> verifier().verify(signed(c2)), ReasonCode.INVALID_CLAIM);
    }

    // ---- C-08: maxPred, exactly at the boundary

    private static List<String> uuids(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(UUID.randomUUID().toString());
        }
        return out;
    }

    @Test
    void acceptsExactlyMaxPredPredecessors() { // C-08, default maxPred 100
        Map<String, Object> c = claims();
        c.put("pred", uuids(100));
        VerifiedEct v = verifier().verify(signed(c));
        assertThat(v.ect().pred()).hasSize(100);
        assertThat(v.unresolvedPredecessors()).hasSize(100);
    }

    // C-08: a predecessor named twice (here differing only in letter case) is refused, both for a
    // short list (checked pairwise) and a long one (checked with a set), wherever the repeat sits
    @Test
    void rejectsARepeatedPredecessorInShortAndLongLists() {
        for (int n : new int[] {2, 3, 16, 17, 60}) {
            for (int at : new int[] {0, n - 1}) {
                List<String> pred = uuids(n);
                String again = pred.get(at).toUpperCase(java.util.Locale.ROOT);
                pred.add(at == 0 ? pred.size() : 1, again);
                Map<String, Object> c = claims();
                c.put("pred", pred);
                assertRejected(() -> verifier().verify(signed(c)), ReasonCode.INVALID_CLAIM);
            }
            Map<String, Object> distinct = claims();
            distinct.put("pred", uuids(n));
            assertThat(verifier().verify(signed(distinct)).ect().pred()).hasSize(n);
        }
    }

    @Test
    void rejectsOneMoreThanMaxPredPredecessors() { // C-08 -> pred_limit_exceeded
        Map<String, Object> c = claims();
        c.put("pred", uuids(101));
        assertRejected(() -> verifier().verify(signed(c)), ReasonCode.PRED_LIMIT_EXCEEDED);
    }

    @Test
    void honoursAConfiguredMaxPred() { // C-08
        EctVerifier v = verifierB().allowUnresolvedPredecessors(true).maxPred(2).build();
        Map<String, Object> two = claims();
        two.put("pred", uuids(2));
        assertThat(v.verify(signed(two)).ect().pred()).hasSize(2);
        Map<String, Object> three = claims();
        three.put("pred", uuids(3));
        assertRejected(() -> v.verify(signed(three)), ReasonCode.PRED_LIMIT_EXCEEDED);
    }

    // ---- C-10: ect_ext size and depth, exactly at the boundaries

    /** {"k":"aaa..."} serializes to 8 + n bytes. */
    private static Map<String, Object> extOfBytes(int bytes) {
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("k", "a".repeat(bytes - 8));
        assertThat(Jws.json(ext).getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
        return ext;
    }

    @Test
    void acceptsEctExtOfExactly4096Bytes() { // C-10
        Map<String, Object> c = claims();
        c.put("ect_ext", extOfBytes(4096));
        assertThat(verifier().verify(signed(c)).ect().ext()).containsKey("k");
    }

    @Test
    void rejectsEctExtOf4097Bytes() { // C-10 -> invalid_ext
        Map<String, Object> c = claims();
        c.put("ect_ext", extOfBytes(4097));
        assertRejected(() -> verifier().verify(signed(c)), ReasonCode.INVALID_EXT);
    }

    @Test
    void measuresEctExtInUtf8Bytes() { // C-10: 2-byte characters count twice
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("k", "\u00e9".repeat(2044)); // 8 + 2 * 2044 = 4096 bytes, 2052 characters
        Map<String, Object> c = claims();
        c.put("ect_ext", ext);
        assertThat(verifier().verify(signed(c)).ect().ext()).containsKey("k");
        Map<String, Object> ext2 = new LinkedHashMap<>();
        ext2.put("k", "\u00e9".repeat(2044) + "a");
        Map<String, Object> c2 = claims();
        c2.put("ect_ext", ext2);
        assertRejected(() -> verifier().verify(signed(c2)), ReasonCode.INVALID_EXT);
    }

    /** An ect_ext object of the given depth (the object itself is depth 1). */
    private static Map<String, Object> extOfDepth(int depth) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("leaf", "v");
        for (int d = 1; d < depth; d++) {
            Map<String, Object> outer = new LinkedHashMap<>();
            outer.put("d" + d, inner);
            inner = outer;
        }
        return inner;
    }

    @Test
    void acceptsEctExtNestedToDepth5() { // C-10
        Map<String, Object> c = claims();
        c.put("ect_ext", extOfDepth(5));
        assertThat(verifier().verify(signed(c)).ect().ext()).isEqualTo(extOfDepth(5));
    }

    @Test
    void rejectsEctExtNestedToDepth6() { // C-10 -> invalid_ext
        Map<String, Object> c = claims();
        c.put("ect_ext", extOfDepth(6));
        assertRejected(() -> verifier().verify(signed(c)), ReasonCode.INVALID_EXT);
    }

    @Test
    void rejectsDuplicateMemberNamesInsideEctExt() { // section 2.2: duplicates make the token malformed
        String payload = Jws.json(claims()).replaceFirst("}$",
                ",\"ect_ext\":{\"pol_decision\":\"approved\",\"pol_decision\":\"rejected\"}}");
        String token = Jws.signJson(Jws.json(header(keyA())), payload, keyA());
        assertRejected(() -> verifier().verify(token), ReasonCode.MALFORMED_TOKEN);
    }

    @Test
    void exposesEctExtReadOnly() { // C-10
        Map<String, Object> c = claims();
        c.put("ect_ext", Map.of("pol", "policy_v1", "list", List.of(1, 2)));
        Map<String, Object> ext = verifier().verify(signed(c)).ect().ext();
        assertThat(ext).containsEntry("pol", "policy_v1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ext.put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) ext.get("list");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> list.add(3))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- C-11: the legacy option

    @ParameterizedTest
    @ValueSource(strings = {"par", "ext", "pol", "pol_decision"})
    void legacyRejectionNamesTheReplacement(String legacyName) { // C-11
        Map<String, Object> c = claims();
        c.put(legacyName, legacyName.equals("par") ? List.of() : legacyName.equals("ext") ? Map.of() : "x");
        EctException e = assertRejected(() -> verifier().verify(signed(c)), ReasonCode.LEGACY_CLAIM);
        String replacement = switch (legacyName) {
            case "par" -> "pred";
            case "ext" -> "ect_ext";
            default -> "ect_ext." + legacyName;
        };
        assertThat(e.error().detail()).contains("'" + legacyName + "'").contains(replacement);
        assertThat(e.error().ruleId()).isEqualTo("C-11");
    }

    @Test
    @DisplayName("C-11a: a token with sub is accepted, and sub has no effect (not the issuer, not a claim of the ECT)")
    void subIsIgnored() {
        Map<String, Object> plain = claims();
        Map<String, Object> withSub = new java.util.LinkedHashMap<>(plain);
        withSub.put("jti", UUID.randomUUID().toString());
        withSub.put("sub", "spiffe://example.com/agent/someone-else");

        Ect e = verifierB().build().verify(signed(withSub)).ect();
        Ect same = verifierB().build().verify(signed(plain)).ect();

        assertThat(e.iss()).isEqualTo(A); // the key is bound to iss; sub takes no part in it
        assertThat(e.claims()).doesNotContainKey("sub");
        assertThat(e.toBuilder().jti(same.jti()).build().sameClaims(same)).isTrue();
    }

    @Test
    @DisplayName("C-11a: sub is ignored with the legacy option too, whatever its JSON type")
    void subIsIgnoredWithTheLegacyOptionAndAnyType() {
        for (Object v : List.of("x", 1L, List.of(), Map.of("a", 1L), Boolean.TRUE)) {
            Map<String, Object> c = claims();
            c.put("sub", v);
            assertThat(verifierB().legacyClaims(true).build().verify(signed(c)).ect().claims()).doesNotContainKey("sub");
            Map<String, Object> c2 = claims();
            c2.put("sub", v);
            assertThat(verifierB().build().verify(signed(c2)).ect().iss()).isEqualTo(A);
        }
    }

    @Test
    void legacyOptionMapsParToPredAndExtToEctExt() { // C-11
        String p = UUID.randomUUID().toString();
        Map<String, Object> c = claims();
        c.remove("pred");
        c.put("par", List.of(p));
        c.put("ext", Map.of("com.example.x", 1));
        c.put("pol", "policy_v1");
        c.put("pol_decision", "approved");
        c.put("sub", A);
        EctVerifier v = verifierB().allowUnresolvedPredecessors(true).legacyClaims(true).build();
        Ect e = v.verify(signed(c)).ect();
        assertThat(e.pred()).containsExactly(p);
        assertThat(e.ext()).containsEntry("com.example.x", 1L).containsEntry("pol", "policy_v1")
                .containsEntry("pol_decision", "approved");
        assertThat(e.claims()).doesNotContainKeys("par", "ext", "sub", "pol", "pol_decision");
    }

    @Test
    void legacyOptionPrefersThe01NamesWhenBothArePresent() { // C-11
        String p = UUID.randomUUID().toString();
        Map<String, Object> c = claims();
        c.put("pred", List.of(p));
        c.put("par", List.of(UUID.randomUUID().toString()));
        c.put("ect_ext", Map.of("pol", "v2"));
        c.put("pol", "v1");
        EctVerifier v = verifierB().allowUnresolvedPredecessors(true).legacyClaims(true).build();
        Ect e = v.verify(signed(c)).ect();
        assertThat(e.pred()).containsExactly(p);
        assertThat(e.ext()).containsEntry("pol", "v2");
    }

    @Test
    void legacyOptionStillRejectsANonObjectEctExtWhenMergingPol() { // C-10 with C-11 mapping
        Map<String, Object> c = claims();
        c.put("ect_ext", "not-an-object");
        c.put("pol", "v1");
        EctVerifier v = verifierB().legacyClaims(true).build();
        assertRejected(() -> v.verify(signed(c)), ReasonCode.INVALID_EXT);
    }

    @Test
    void legacyOptionStillAppliesThe01RulesToMappedClaims() { // C-11 then C-08
        Map<String, Object> c = claims();
        c.remove("pred");
        c.put("par", List.of("not-a-uuid"));
        EctVerifier v = verifierB().legacyClaims(true).build();
        assertRejected(() -> v.verify(signed(c)), ReasonCode.INVALID_CLAIM);
    }

    // ---- C-13 and the Ect value

    @Test
    void verifiedEctCarriesEveryClaimAndHeaderValue() { // C-01..C-10, H-01, H-04
        Map<String, Object> c = claims();
        c.put("aud", List.of(B, "spiffe://example.com/ledger"));
        c.put("inp_hash", EctHashes.sha256("in"));
        c.put("out_hash", EctHashes.sha256("out"));
        String pred = UUID.randomUUID().toString();
        c.put("pred", List.of(pred));
        c.put("ect_ext", Map.of("pol", "p"));
        Ect e = verifier().verify(signed(c)).ect();
        assertThat(e.iss()).isEqualTo(A);
        assertThat(e.aud()).containsExactly(B, "spiffe://example.com/ledger");
        assertThat(e.iat()).isEqualTo(NOW);
        assertThat(e.exp()).isEqualTo(NOW.plusSeconds(600));
        assertThat(e.jti()).isEqualTo(c.get("jti"));
        assertThat(e.wid()).isEqualTo(c.get("wid"));
        assertThat(e.execAct()).isEqualTo("review_spec");
        assertThat(e.pred()).containsExactly(pred);
        assertThat(e.inpHash()).isEqualTo(EctHashes.sha256("in"));
        assertThat(e.outHash()).isEqualTo(EctHashes.sha256("out"));
        assertThat(e.ext()).isEqualTo(Map.of("pol", "p"));
        assertThat(e.typ()).isEqualTo("exec+jwt");
        assertThat(e.alg()).isEqualTo("ES256");
        assertThat(e.kid()).isEqualTo("a-1");
        assertThat(e.header()).containsExactly(Map.entry("alg", "ES256"), Map.entry("kid", "a-1"), Map.entry("typ", "exec+jwt"));
        assertThat(e.claims()).containsEntry("aud", List.of(B, "spiffe://example.com/ledger"));
    }
}

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
        return verifierB().settings(EctSettings.builder().allowUnresolvedPredecessors(true).build()).build();
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

    /** The vectors of one rule; every rule of the file has a source below ({@link #everyVectorRuleHasATestMethod}). */
    private static Stream<Arguments> vectors(String rule) throws IOException {
        return vectors().filter(a -> ((Map<?, ?>) a.get()[1]).get("rule").equals(rule));
    }

    /** The rules of claim-rules.json, each run by the test method that names it. */
    private static final List<String> VECTOR_RULES = List.of("C-01", "C-02", "V-12", "C-03", "C-04", "C-05", "C-06", "C-07", "C-08", "C-09", "C-10", "C-11", "C-11a", "C-12", "C-13");
    static Stream<Arguments> c01Vectors() throws IOException { return vectors("C-01"); }
    static Stream<Arguments> c02Vectors() throws IOException { return vectors("C-02"); }
    static Stream<Arguments> v12Vectors() throws IOException { return vectors("V-12"); }
    static Stream<Arguments> c03Vectors() throws IOException { return vectors("C-03"); }
    static Stream<Arguments> c04Vectors() throws IOException { return vectors("C-04"); }
    static Stream<Arguments> c05Vectors() throws IOException { return vectors("C-05"); }
    static Stream<Arguments> c06Vectors() throws IOException { return vectors("C-06"); }
    static Stream<Arguments> c07Vectors() throws IOException { return vectors("C-07"); }
    static Stream<Arguments> c08Vectors() throws IOException { return vectors("C-08"); }
    static Stream<Arguments> c09Vectors() throws IOException { return vectors("C-09"); }
    static Stream<Arguments> c10Vectors() throws IOException { return vectors("C-10"); }
    static Stream<Arguments> c11Vectors() throws IOException { return vectors("C-11"); }
    static Stream<Arguments> c11aVectors() throws IOException { return vectors("C-11a"); }
    static Stream<Arguments> c12Vectors() throws IOException { return vectors("C-12"); }
    static Stream<Arguments> c13Vectors() throws IOException { return vectors("C-13"); }

    @Test
    @DisplayName("every rule of claim-rules.json is run by a test method below (no vector is left out)")
    void everyVectorRuleHasATestMethod() throws Exception {
        List<String> inFile = vectors().map(a -> (String) ((Map<?, ?>) a.get()[1]).get("rule")).distinct().toList();
        assertThat(inFile).containsExactlyInAnyOrderElementsOf(VECTOR_RULES);
        for (String r : VECTOR_RULES) {
            assertThat(ClaimRulesTest.class.getDeclaredMethod(r.toLowerCase(java.util.Locale.ROOT).replace("-", "") + "Vectors")).isNotNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("c01Vectors")
    @DisplayName("C-01 iss is required and non-empty; an unusable iss resolves no key (V-07 runs before V-09)")
    void c01Vector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("c02Vectors")
    @DisplayName("C-02 V-09 aud is required: a non-empty string or an array of non-empty strings")
    void c02Vector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("v12Vectors")
    @DisplayName("V-12 aud must contain the verifier's own id, compared exactly, else audience_mismatch")
    void v12Vector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("c03Vectors")
    @DisplayName("C-03 V-09 iat is a required integer NumericDate")
    void c03Vector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("c04Vectors")
    @DisplayName("C-04 V-09 exp is required and later than iat")
    void c04Vector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("c05Vectors")
    @DisplayName("C-05 V-10 jti is a required UUID in the canonical 8-4-4-4-12 form")
    void c05Vector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("c06Vectors")
    @DisplayName("C-06 V-10 wid is optional and a UUID when present")
    void c06Vector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("c07Vectors")
    @DisplayName("C-07 exec_act is a required non-empty string")
    void c07Vector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("c08Vectors")
    @DisplayName("C-08 V-10 pred is a required array of distinct UUIDs that does not contain the own jti")
    void c08Vector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("c09Vectors")
    @DisplayName("C-09 V-10 inp_hash and out_hash are unpadded base64url SHA-256 digests")
    void c09Vector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("c10Vectors")
    @DisplayName("C-10 V-10 ect_ext is a JSON object within the depth limit, else invalid_ext")
    void c10Vector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("c11Vectors")
    @DisplayName("C-11 V-10 the -00 names par, ext, pol and pol_decision at top level are legacy_claim")
    void c11Vector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("c11aVectors")
    @DisplayName("C-11a sub at top level is ignored")
    void c11aVector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("c12Vectors")
    @DisplayName("C-12 nbf is checked like any JWT nbf")
    void c12Vector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("c13Vectors")
    @DisplayName("C-13 unknown claims are ignored")
    void c13Vector(String name, Map<String, Object> vector) {
        claimVector(vector);
    }

    @SuppressWarnings("unchecked")
    private static void claimVector(Map<String, Object> vector) {
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
    @DisplayName("C-08 exactly maxPred (default 100) predecessors are accepted")
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
    @DisplayName("C-08 a predecessor named twice, also in another letter case, is invalid_claim in short and long lists")
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
    @DisplayName("C-08 V-10 one more than maxPred predecessors is pred_limit_exceeded")
    void rejectsOneMoreThanMaxPredPredecessors() { // C-08 -> pred_limit_exceeded
        Map<String, Object> c = claims();
        c.put("pred", uuids(101));
        assertRejected(() -> verifier().verify(signed(c)), ReasonCode.PRED_LIMIT_EXCEEDED);
    }

    @Test
    void honoursAConfiguredMaxPred() { // C-08
        EctVerifier v = verifierB().settings(EctSettings.builder().allowUnresolvedPredecessors(true).maxPred(2).build()).build();
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
    @DisplayName("C-10 an ect_ext of exactly 4096 bytes is accepted")
    void acceptsEctExtOfExactly4096Bytes() { // C-10
        Map<String, Object> c = claims();
        c.put("ect_ext", extOfBytes(4096));
        assertThat(verifier().verify(signed(c)).ect().ext()).containsKey("k");
    }

    @Test
    @DisplayName("C-10 V-10 an ect_ext of 4097 bytes is invalid_ext")
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
    @DisplayName("C-10 an ect_ext nested to depth 5 is accepted")
    void acceptsEctExtNestedToDepth5() { // C-10
        Map<String, Object> c = claims();
        c.put("ect_ext", extOfDepth(5));
        assertThat(verifier().verify(signed(c)).ect().ext()).isEqualTo(extOfDepth(5));
    }

    @Test
    @DisplayName("C-10 V-10 an ect_ext nested to depth 6 is invalid_ext")
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
    @DisplayName("C-11 V-10 a -00 claim is legacy_claim with a reason that names the -01 replacement")
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
            assertThat(verifierB().settings(EctSettings.builder().legacyClaims(true).build()).build().verify(signed(c)).ect().claims()).doesNotContainKey("sub");
            Map<String, Object> c2 = claims();
            c2.put("sub", v);
            assertThat(verifierB().build().verify(signed(c2)).ect().iss()).isEqualTo(A);
        }
    }

    @Test
    @DisplayName("C-11 the legacy option maps par to pred and ext to ect_ext")
    void legacyOptionMapsParToPredAndExtToEctExt() { // C-11
        String p = UUID.randomUUID().toString();
        Map<String, Object> c = claims();
        c.remove("pred");
        c.put("par", List.of(p));
        c.put("ext", Map.of("com.example.x", 1));
        c.put("pol", "policy_v1");
        c.put("pol_decision", "approved");
        c.put("sub", A);
        EctVerifier v = verifierB().settings(EctSettings.builder().allowUnresolvedPredecessors(true).legacyClaims(true).build()).build();
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
        EctVerifier v = verifierB().settings(EctSettings.builder().allowUnresolvedPredecessors(true).legacyClaims(true).build()).build();
        Ect e = v.verify(signed(c)).ect();
        assertThat(e.pred()).containsExactly(p);
        assertThat(e.ext()).containsEntry("pol", "v2");
    }

    @Test
    void legacyOptionStillRejectsANonObjectEctExtWhenMergingPol() { // C-10 with C-11 mapping
        Map<String, Object> c = claims();
        c.put("ect_ext", "not-an-object");
        c.put("pol", "v1");
        EctVerifier v = verifierB().settings(EctSettings.builder().legacyClaims(true).build()).build();
        assertRejected(() -> v.verify(signed(c)), ReasonCode.INVALID_EXT);
    }

    @Test
    void legacyOptionStillAppliesThe01RulesToMappedClaims() { // C-11 then C-08
        Map<String, Object> c = claims();
        c.remove("pred");
        c.put("par", List.of("not-a-uuid"));
        EctVerifier v = verifierB().settings(EctSettings.builder().legacyClaims(true).build()).build();
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

package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The codec reads the common claims form straight into typed values ({@link Json#claimValues});
 * everything else goes through the generic parser and the map claim rules. For every input both
 * paths must agree (V-02, V-09, V-10, C-01..C-12): the typed read accepts only what the generic
 * parser accepts, and then gives the same {@link Ect}, or the same error (reason code, rule id and
 * detail), and the same {@code nbf}.
 */
class ClaimValuesDifferentialTest {
    private static final EctSettings[] SETTINGS = {EctSettings.defaults(),
        EctSettings.builder().maxPred(2).legacyClaims(true).build()};

    private static int typedReads;

    static void assertAgrees(byte[] json) {
        ClaimValues typed = Json.claimValues(json);
        // the codec reads a payload from the front of a reused array: the bytes after it do not count
        byte[] padded = java.util.Arrays.copyOf(json, json.length + 9);
        java.util.Arrays.fill(padded, json.length, padded.length, (byte) (json.length % 2 == 0 ? '}' : ' '));
        ClaimValues prefix = Json.claimValues(padded, json.length);
        assertThat(prefix == null).as("prefix read of %s", HexFormat.of().formatHex(json)).isEqualTo(typed == null);
        if (typed != null) {
            assertThat(outcome(() -> ClaimRules.toEct(prefix, "exec+jwt", "ES256", "k", SETTINGS[0])))
                    .isEqualTo(outcome(() -> ClaimRules.toEct(typed, "exec+jwt", "ES256", "k", SETTINGS[0])));
        }
        if (typed == null) {
            return; // the generic path alone decides
        }
        typedReads++;
        Map<String, Object> map = Json.parseObject(json);
        String hex = HexFormat.of().formatHex(json);
        assertThat(map).as("the generic parser accepts what the typed read accepted: %s", hex).isNotNull();
        assertThat(typed.nbf).as("nbf of %s", hex).isEqualTo(ClaimRules.nbf(map));
        for (EctSettings s : SETTINGS) {
            assertThat(outcome(() -> ClaimRules.toEct(typed, "exec+jwt", "ES256", "k", s)))
                    .as("input %s", hex).isEqualTo(outcome(() -> ClaimRules.toEct(map, "exec+jwt", "ES256", "k", s)));
        }
    }

    private static String outcome(java.util.function.Supplier<Ect> f) {
        try {
            Ect e = f.get();
            return "ok " + e + " " + e.ext() + " " + e.inpHash() + " " + e.outHash() + " " + e.typ();
        } catch (EctRejectedException e) {
            return "rejected " + e.error().code() + " " + e.error().ruleId() + " " + e.error().detail();
        }
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static final String J = UUID.randomUUID().toString();
    private static final String P = UUID.randomUUID().toString();

    /** A valid claims object in the minted form; the mutations below derive the rest. */
    private static String valid() {
        return "{\"iss\":\"spiffe://a\",\"aud\":\"spiffe://b\",\"iat\":1772323200,\"exp\":1772323800,\"jti\":\"" + J
                + "\",\"wid\":\"" + P + "\",\"exec_act\":\"review\",\"pred\":[\"" + P + "\"],\"inp_hash\":\""
                + "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg\",\"ect_ext\":{\"k\":[1,{\"x\":null}]}}";
    }

    @Test
    @DisplayName("V-09/V-10: hand-written claims, valid and broken in each rule, agree on both paths")
    void handWrittenClaimsAgree() {
        String v = valid();
        List<String> cases = new ArrayList<>(List.of(v, "{}", "{\"iss\":\"a\"}",
                v.replace("\"aud\":\"spiffe://b\"", "\"aud\":[\"spiffe://b\",\"spiffe://c\"]"),
                v.replace("\"aud\":\"spiffe://b\"", "\"aud\":[]"), v.replace("\"aud\":\"spiffe://b\"", "\"aud\":[\"\"]"),
                v.replace("\"aud\":\"spiffe://b\"", "\"aud\":\"\""), v.replace("\"aud\":\"spiffe://b\"", "\"aud\":[1]"),
                v.replace("\"iss\":\"spiffe://a\"", "\"iss\":\"\""), v.replace("\"iss\":\"spiffe://a\"", "\"iss\":null"),
                v.replace("\"iss\":\"spiffe://a\"", "\"iss\":\"\\u0073piffe\\n\\ud800\""),
                v.replace("1772323200", "1772323800"), v.replace("1772323200", "-1"), v.replace("1772323200", "1.5"),
                v.replace("1772323200", "253402300800"), v.replace("1772323200", "99999999999999999999"),
                v.replace("1772323200", "1e3"), v.replace("1772323200", "\"1772323200\""),
                v.replace("\"jti\":\"" + J + "\"", "\"jti\":\"" + J.toUpperCase() + "\""),
                v.replace("\"jti\":\"" + J + "\"", "\"jti\":\"not-a-uuid\""), v.replace("\"wid\":\"" + P + "\",", ""),
                v.replace("\"wid\":\"" + P + "\"", "\"wid\":\"\""), v.replace("\"wid\":\"" + P + "\"", "\"wid\":null"),
                v.replace("\"exec_act\":\"review\"", "\"exec_act\":\"" + "x".repeat(257) + "\""),
                v.replace("\"pred\":[\"" + P + "\"]", "\"pred\":[]"), v.replace("\"pred\":[\"" + P + "\"]", "\"pred\":\"" + P + "\""),
                v.replace("\"pred\":[\"" + P + "\"]", "\"pred\":[\"" + P + "\",\"" + P.toUpperCase() + "\"]"),
                v.replace("\"pred\":[\"" + P + "\"]", "\"pred\":[\"" + P + "\",5]"),
                v.replace("\"pred\":[\"" + P + "\"]", "\"pred\":[\"" + J + "\"]"),
                v.replace("\"pred\":[\"" + P + "\"]", "\"pred\":[\"" + P + "\",\"" + J + "\",\"" + UUID.randomUUID() + "\"]"),
                v.replace("\"pred\":[\"" + P + "\"]", "\"pred\":[\"" + P + "\"],\"pred\":[]"),
                v.replace("n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg", "short"),
                v.replace("{\"k\":[1,{\"x\":null}]}", "[]"), v.replace("{\"k\":[1,{\"x\":null}]}", "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{}}}}}}"),
                v.replace("{\"k\":[1,{\"x\":null}]}", "{\"a\":\"" + "y".repeat(5000) + "\"}"),
                v.replace("{\"k\":[1,{\"x\":null}]}", "{\"k\":1,\"k\":2}"),
                v.replace("}}", "},\"nbf\":1772323200}"), v.replace("}}", "},\"nbf\":-5}"), v.replace("}}", "},\"nbf\":\"x\"}"),
                v.replace("}}", "},\"sub\":\"x\"}"), v.replace("}}", "},\"par\":[]}"), v.replace("}}", "},\"ext\":{}}"),
                v.replace("}}", "},\"iss\":\"again\"}"), v.replace("}}", "} }  "), v.replace("}}", "},}"),
                v.replace("{\"iss\"", "{ \n\"iss\""), v.replace(":", " : "), v + "x", v.substring(0, v.length() - 1)));
        cases.add(v.replace("\"exec_act\"", "\"exec\\u005fact\""));
        for (String c : cases) {
            assertAgrees(utf8(c));
        }
        assertThat(Json.claimValues(utf8(v))).as("the minted form is read typed").isNotNull();
        assertThat(Json.claimValues(utf8(v.replace("}}", "},\"sub\":\"x\"}")))).as("another member: generic").isNull();
    }

    @Test
    @DisplayName("V-02: random mutations of a valid claims object agree on both paths")
    void mutatedClaimsAgree() {
        Random r = new Random(14L);
        byte[] base = utf8(valid());
        String alphabet = "{}[]\",:0123456789-.eE \\u\"nulltruefalse";
        for (int k = 0; k < 30_000; k++) {
            byte[] b = base.clone();
            int edits = 1 + r.nextInt(3);
            for (int e = 0; e < edits; e++) {
                b[r.nextInt(b.length)] = (byte) alphabet.charAt(r.nextInt(alphabet.length()));
            }
            assertAgrees(b);
        }
    }

    @Test
    void generatedAndCorpusJsonAgree() throws IOException {
        Random r = new Random(15L);
        for (int k = 0; k < 20_000; k++) {
            assertAgrees(utf8(new JsonDifferentialTest.JsonGen(r).document()));
        }
        Path corpus = Path.of("..", "ect-hardening-tests", "src", "test", "resources", "dev", "ect", "hardening", "fuzz");
        try (Stream<Path> s = Files.walk(corpus)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String part : text.split("\\.", -1)) {
                    byte[] d = Json.b64decode(part, 0, part.length());
                    if (d != null) {
                        assertAgrees(d);
                    }
                }
            }
        }
        assertThat(typedReads).as("inputs read typed (the checks above are not vacuous)").isPositive();
    }
}

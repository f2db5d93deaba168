package dev.ect.core.dag;

import static dev.ect.core.ledger.TestEcts.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ect.core.Ect;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctLevel;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.VerifiedEct;
import dev.ect.core.internal.Json;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.TestEcts;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the DAG vectors of {@code src/test/resources/dag/*.json} (format in its README) through the
 * real verifier: signed tokens, a fixed clock, an {@link InMemoryLedger} as ECT store and ledger.
 * Covers G-01..G-07 (and C-08 for a self-reference); each vector names its rule ids.
 */
class DagVectorsTest {
    /** The second issuer a vector may name with {@code "iss": "B"} (G-01 per issuer, G-07). */
    static final String ISS_B = "spiffe://example.com/agent/b-other";
    static final EctKeyPair KEY_B = EctKeys.generate(EctAlgorithm.ES256, "kb");
    static final EctSigner SIGNER_B = EctSigner.builder(KEY_B).clock(TestEcts.CLOCK).build();

    static Stream<Arguments> vectors() throws IOException, URISyntaxException {
        Path dir = Path.of(DagVectorsTest.class.getResource("/dag").toURI());
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                Map<String, Object> v = Json.parseObject(Files.readAllBytes(f));
                assertThat(v).as("%s is a JSON object", f).isNotNull();
                String name = f.getFileName() + " " + v.get("rules") + ": " + v.get("name");
                out.add(Arguments.of(Named.of(name, v)));
            }
        }
        return out.stream();
    }

    @Test
    void everyDagRuleHasAVector() throws Exception {
        List<Object> covered = new ArrayList<>();
        vectors().forEach(a -> covered.addAll(list(map(((Named<?>) a.get()[0]).getPayload()).get("rules"))));
        assertThat(covered).contains("G-01", "G-02", "G-03", "G-04", "G-05", "G-06", "G-07");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void vector(Map<String, Object> v) {
        Map<String, Object> settings = v.containsKey("settings") ? map(v.get("settings")) : Map.of();
        InMemoryLedger ledger = new InMemoryLedger(TestEcts.CLOCK);
        EctVerifier.Builder b = EctVerifier.builder().verifierId(TestEcts.AUD).clock(TestEcts.CLOCK)
                .keySource(StaticKeySource.builder().key(TestEcts.ISS, TestEcts.KEY).key(ISS_B, KEY_B).build())
                .ledger(ledger);
        if (Boolean.TRUE.equals(settings.get("allowUnresolved"))) {
            b.settings(EctSettings.builder().allowUnresolvedPredecessors(true).build());
        }
        if (settings.get("maxAncestors") instanceof Long n) {
            b.settings(EctSettings.builder().maxAncestors(n.intValue()).build());
        }
        if ("rejectChildrenOfRejectedPolicyDecisions".equals(settings.get("policy"))) {
            b.dagRule(DagRule.rejectChildrenOfRejectedPolicyDecisions());
        }
        EctVerifier verifier = b.build();

        Map<String, String> compacts = new HashMap<>();
        for (Object o : list(v.get("stored"))) {
            Map<String, Object> s = map(o);
            SignedEct se = signer(s).mint(draft(s, -120));
            ledger.append(se.ect(), se.compact());
            compacts.put((String) s.get("id"), se.compact());
        }
        long before = ledger.size();
        Map<String, Object> c = map(v.get("child"));
        String token;
        if (c.containsKey("resubmit")) {
            token = compacts.get((String) c.get("resubmit"));
        } else if (Boolean.TRUE.equals(c.get("unchecked"))) {
            Ect d = draft(c, -60);
            token = TestEcts.signUnchecked(d.toBuilder().exp(d.iat().plus(Duration.ofMinutes(10))).build());
        } else {
            token = signer(c).sign(draft(c, -60));
        }

        Map<String, Object> expect = map(v.get("expect"));
        if (Boolean.TRUE.equals(expect.get("accept"))) {
            VerifiedEct verified = verifier.verify(token);
            assertThat(verified.level()).isEqualTo(EctLevel.L3);
            assertThat(verified.unresolvedPredecessors())
                    .containsExactlyElementsOf(list(expect.get("unresolved")).stream().map(x -> uuid((String) x)).toList());
            assertThat(ledger.size()).isEqualTo(before + 1);
            assertThat(ledger.findEntry(verified.ect().iss(), verified.ect().wid(), verified.ect().jti())).isPresent();
            assertThat(ledger.verifyChain().ok()).isTrue();
        } else {
            EctRejectedException e = catchThrowableOfType(EctRejectedException.class, () -> verifier.verify(token));
            assertThat(e).as("rejected").isNotNull();
            assertThat(e.reason().code()).isEqualTo(expect.get("reason"));
            assertThat(e.error().ruleId()).isEqualTo(expect.get("rule"));
            assertThat(ledger.size()).as("nothing appended").isEqualTo(before);
            // a pure check gives the same answer, and a rejected token consumed nothing
            assertThatThrownBy(() -> verifier.check(token)).isInstanceOfSatisfying(EctRejectedException.class,
                    again -> assertThat(again.reason()).isEqualTo(e.reason()));
        }
    }

    private static EctSigner signer(Map<String, Object> s) { return "B".equals(s.get("iss")) ? SIGNER_B : TestEcts.SIGNER; }

    private static Ect draft(Map<String, Object> s, long defaultIat) {
        String id = (String) s.get("id");
        String wid = s.containsKey("wid") ? (s.get("wid") == null ? null : uuid((String) s.get("wid"))) : uuid("W1");
        long iat = s.get("iat") instanceof Long l ? l : defaultIat;
        Ect.Builder b = Ect.builder().iss("B".equals(s.get("iss")) ? ISS_B : TestEcts.ISS).aud(TestEcts.AUD).jti(uuid(id)).wid(wid)
                .execAct(s.containsKey("exec_act") ? (String) s.get("exec_act") : "task_" + id)
                .pred(list(s.get("pred")).stream().map(p -> uuid((String) p)).toList())
                .iat(TestEcts.NOW.plusSeconds(iat));
        if (s.get("ext") != null) {
            b.ext(map(s.get("ext")));
        }
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) { return (Map<String, Object>) o; }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) { return o == null ? List.of() : (List<Object>) o; }
}

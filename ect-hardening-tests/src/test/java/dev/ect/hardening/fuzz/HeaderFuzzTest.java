package dev.ect.hardening.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ect.core.ReasonCode;
import dev.ect.hardening.support.Forge;
import dev.ect.testing.MutableClock;
import dev.ect.hardening.support.ResettableReplayStore;
import dev.ect.hardening.support.ServletStandIns;
import dev.ect.hardening.support.Verifiers;
import dev.ect.servlet.EctFilter;
import dev.ect.servlet.EctFilterConfig;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuzz target for the filter's header handling (T-01, T-02, T-03, T-05, T-07): how
 * {@link EctFilter#doFilter} reads, counts, trims and size-checks the {@code Execution-Context}
 * field(s) before verification. The request is an in-memory stand-in (see {@link ServletStandIns})
 * with 0..4 header fields whose names and values come from the fuzzer, some of them genuine tokens.
 *
 * <p>Properties: doFilter never throws; the protected resource is reached only for exactly one
 * field carrying, after trimming, a genuine token; every refusal is 403/503 problem+json with a
 * known {@code ect_error} and no trace of the presented value.
 */
class HeaderFuzzTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final MutableClock CLOCK = new MutableClock(T0);
    private static final String[] NAMES = {"Execution-Context", "execution-context", "EXECUTION-CONTEXT", "Execution_Context",
        "Execution-Context ", "X-Execution-Context", "Authorization"};
    private static final Set<String> CODES = new HashSet<>();
    private static final ResettableReplayStore REPLAY = new ResettableReplayStore(100, CLOCK);
    private static final EctFilter FILTER = new EctFilter(EctFilterConfig.builder().environment(Map.of())
            .verifier(dev.ect.core.EctVerifier.builder().verifierId(Forge.AUD).keySource(Verifiers.keySource()).clock(CLOCK)
                    .replayStore(REPLAY).listener(EctFilterConfig.verifierListener()).build()).build());
    /** Genuine tokens signed once (signing per input would dominate the fuzzing speed). */
    private static final List<String> GENUINE = List.of(Forge.valid(T0), Forge.valid(T0), Forge.valid(T0), Forge.valid(T0));

    static {
        for (ReasonCode r : ReasonCode.values()) {
            CODES.add(r.code());
        }
        CODES.add(EctFilter.VERIFICATION_UNAVAILABLE);
    }

    @FuzzTest(maxDuration = "30s")
    void headerFields(FuzzedDataProvider data) throws Exception {
        CLOCK.set(T0);
        REPLAY.reset();
        List<String> genuine = new ArrayList<>();
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        int n = data.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
            String name = data.consumeBoolean() ? data.pickValue(NAMES) : data.consumeString(24);
            String value;
            switch (data.consumeInt(0, 5)) {
                case 0 -> {
                    value = data.pickValue(GENUINE);
                    genuine.add(value);
                }
                case 1 -> { // a genuine token with fuzzer text around it
                    String t = data.pickValue(GENUINE);
                    genuine.add(t);
                    value = data.consumeString(4) + t + data.consumeString(4);
                }
                case 2 -> { // a genuine token with one character replaced
                    String t = data.pickValue(GENUINE);
                    int at = data.consumeInt(0, t.length() - 1);
                    value = t.substring(0, at) + data.consumeChar() + t.substring(at + 1);
                    if (value.equals(t)) { // replaced by itself: still the genuine token
                        genuine.add(t);
                    }
                }
                case 3 -> value = "x".repeat(data.consumeInt(8000, 9000)); // around maxTokenBytes
                default -> value = data.consumeString(200);
            }
            fields.add(new AbstractMap.SimpleEntry<>(name, value));
        }
        ServletStandIns.Recorded rec = new ServletStandIns.Recorded();
        ServletStandIns.CountingChain chain = new ServletStandIns.CountingChain();

        FILTER.doFilter(ServletStandIns.request("/task", fields), ServletStandIns.response(rec), chain);

        List<String> ectValues = fields.stream().filter(f -> f.getKey().equalsIgnoreCase("Execution-Context"))
                .map(Map.Entry::getValue).toList();
        if (chain.calls > 0) {
            assertThat(chain.calls).isEqualTo(1);
            assertThat(rec.status).isEqualTo(200);
            assertThat(ectValues).as("accepted only with exactly one field").hasSize(1);
            assertThat(genuine).as("accepted only a genuine token").contains(ows(ectValues.get(0)));
        } else {
            assertThat(rec.status).isIn(403, 503);
            assertThat(rec.header("content-type")).isEqualTo("application/problem+json");
            String body = rec.body();
            String code = body.replaceAll(".*\"ect_error\":\"([a-z_]+)\".*", "$1");
            assertThat(CODES).as("ect_error of %s", body).contains(code);
            if (ectValues.isEmpty()) {
                assertThat(code).isEqualTo("missing_ect");
            } else if (ectValues.size() > 1) {
                assertThat(code).isEqualTo("multiple_ects");
            }
            for (String v : ectValues) {
                // T-05: never echo the token. Only token-shaped values are checked: an arbitrary value may
                // coincide with the body's own fixed text (a finding of this target: the value
                // 'malformed_token"}' is the end of every malformed_token body), which is not an echo.
                if (TOKEN_SHAPED.matcher(ows(v)).matches()) {
                    assertThat(body).as("the body echoes the presented value").doesNotContain(ows(v));
                }
            }
        }
    }

    /** At least 16 characters of base64url segments joined by dots, like a compact JWS or a part of one. */
    private static final java.util.regex.Pattern TOKEN_SHAPED =
            java.util.regex.Pattern.compile("(?=.{16,})[A-Za-z0-9_=-]*(\\.[A-Za-z0-9_=-]*)+");

    /** The value without optional whitespace (RFC 9110 OWS: SP and HTAB) around it. */
    private static String ows(String v) { return v.replaceAll("^[ \t]+|[ \t]+$", ""); }
}

package dev.ect.hardening.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctSettings;
import dev.ect.core.dag.DagRule;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.hardening.support.Canary;
import dev.ect.hardening.support.Forge;
import dev.ect.hardening.support.HostileServer;
import dev.ect.hardening.support.RawHttp;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input suite (issue 8): every row of {@link HostileCases} sent over real HTTP to
 * {@link dev.ect.servlet.EctFilter} in an embedded Jetty 12 on 127.0.0.1 (and, by
 * {@link TomcatHostileInputSuiteTest}, in Tomcat 11). For each row: the exact
 * status and {@code ect_error}; never a 500, a hang (15 s) or an accept that the row does not
 * expect; the protected servlet runs only for accepted rows; no outbound connection (jku/x5u);
 * the body never echoes the token; and a valid request still succeeds afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputSuiteTest {
    private HostileServer server;
    private Canary canary;

    @BeforeAll
    void start() throws Exception {
        canary = new Canary();
        server = HostileServer.builder(new InMemoryLedger()).container(container())
                .settings(EctSettings.builder().maxAncestors(HostileCases.MAX_ANCESTORS).build())
                .dagRule(DagRule.rejectChildrenOfRejectedPolicyDecisions())
                .start();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        canary.close();
    }

    /** The container under attack. */
    protected HostileServer.Container container() { return HostileServer.Container.JETTY; }

    /**
     * The answer this container must give for a row. The table records Jetty's; a row the
     * container itself answers before the filter runs may differ per container.
     */
    protected HostileCase expected(HostileCase c) { return c; }

    static Stream<HostileCase> cases() { return HostileCases.all().stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersExactlyAsTheTableSays(HostileCase row) throws Exception {
        server.clock.advance(Duration.ofHours(1)); // every row starts at a fresh "now"; the clock only moves forward
        HostileCase c = expected(row);
        byte[] request = c.request().build(server, canary);
        int servletCallsBefore = server.servletCalls();

        RawHttp.Response r = server.send(request);

        assertThat(r.status()).as("status (body: %s)", r.body()).isEqualTo(c.status());
        assertThat(r.status()).isNotEqualTo(500);
        if (c.ectError() != null) {
            assertThat(r.header("content-type")).startsWith("application/problem+json");
            assertThat(r.body()).contains("\"ect_error\":\"" + c.ectError() + "\"")
                    .contains("\"status\":" + c.status());
        }
        assertThat(server.servletCalls() - servletCallsBefore).as("the protected servlet ran")
                .isEqualTo(c.expectsAccept() ? 1 : 0);
        String sent = new String(request, java.nio.charset.StandardCharsets.ISO_8859_1);
        int t = sent.indexOf("eyJ");
        if (t >= 0 && !c.expectsAccept()) { // the body never echoes the token (T-05)
            String tokenStart = sent.substring(t, Math.min(sent.length(), t + 40));
            assertThat(r.body()).doesNotContain(tokenStart);
        }
        assertThat(canary.connections()).as("outbound connections to a token-named URL (H-06)").isZero();

        // still healthy: a fresh valid request is accepted
        RawHttp.Response ok = server.sendToken(Forge.valid(server.now()));
        assertThat(ok.status()).as("a valid request after the row").isEqualTo(200);
    }

    @Test
    void theTableHasAtLeast100DistinctHostileRows() {
        List<HostileCase> all = HostileCases.all();
        Set<String> names = new HashSet<>();
        for (HostileCase c : all) {
            assertThat(names.add(c.toString())).as("duplicate row name %s", c).isTrue();
        }
        assertThat(all.stream().filter(c -> !c.expectsAccept()).count()).isGreaterThanOrEqualTo(100);
        for (HostileCase.Category cat : HostileCase.Category.values()) {
            assertThat(all.stream().filter(c -> c.category() == cat)).as("rows of %s", cat).isNotEmpty();
        }
    }
}

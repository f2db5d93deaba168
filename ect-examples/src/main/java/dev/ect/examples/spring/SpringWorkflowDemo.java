package dev.ect.examples.spring;

import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.client.EctRequestOptions;
import dev.ect.core.context.TaskContext;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.view.WorkflowDag;
import dev.ect.spring.EctClientHttpRequestInterceptor;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * Two Spring Boot services with ect-spring-boot-starter, in one JVM on random ports: alice asks the
 * <b>planner</b> for a plan; the planner asks the <b>researcher</b> twice with its {@code RestClient}
 * (research, then a fact check of the research), and answers. Both services verify every ECT that
 * reaches them (the starter's filter), sign a response ECT for each answer, and the planner's
 * {@code RestClient} verifies the researcher's answers; everything lands in <b>one hash-chained
 * ledger</b> the two contexts share (an {@code AuditLedger} bean). The controllers contain no ECT
 * code except naming their {@code exec_act}. Then a replayed token is refused, the ledger's DAG is
 * printed as Mermaid and its hash chain checked.
 *
 * <pre>
 * mvn -q -B -pl ect-examples -am package -Dmaven.test.skip=true &amp;&amp; \
 *   java -cp "ect-examples/target/classes:$(cat ect-examples/target/spring-demo.classpath)" dev.ect.examples.spring.SpringWorkflowDemo
 * </pre>
 *
 * Exit code 0 when every expected outcome happened, 1 otherwise (each miss is printed).
 */
public final class SpringWorkflowDemo {
    static final String DOMAIN = "spiffe://demo.example/";
    static final String ALICE = DOMAIN + "user/alice";
    static final String PLANNER = DOMAIN + "agent/planner";
    static final String RESEARCHER = DOMAIN + "agent/researcher";
    private static final Pattern ECT_ERROR = Pattern.compile("\"ect_error\"\\s*:\\s*\"([a-z_]+)\"");

    private SpringWorkflowDemo() { }

    /** What one run observed. */
    public record Result(List<LedgerEntry> entries, String answer, String mermaid, boolean chainValid, String replayError,
            List<String> failures) {
        /** True when every expected outcome happened. */
        public boolean ok() { return failures.isEmpty(); }
    }

    public static void main(String[] args) throws Exception {
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        Path out = args.length > 0 ? Path.of(args[0])
                : Files.isDirectory(Path.of("ect-examples")) ? Path.of("ect-examples", "target", "spring-demo") : Path.of("target", "spring-demo");
        Result r = run(out, System.out);
        System.exit(r.ok() ? 0 : 1);
    }

    /** Runs the demo, printing the story to {@code out}; never calls {@code System.exit}. */
    public static Result run(Path outDir, PrintStream out) throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(outDir);
        Path ledgerFile = outDir.resolve("ledger.jsonl");
        Files.deleteIfExists(ledgerFile);
        Files.deleteIfExists(outDir.resolve("ledger.jsonl.lock"));
        EctKeyPair alice = EctKeys.generate("alice-1");
        EctKeyPair planner = EctKeys.generate("planner-1");
        EctKeyPair researcher = EctKeys.generate("researcher-1");
        Path keys = Files.createDirectories(outDir.resolve("keys"));
        Files.writeString(keys.resolve("alice.jwks"), alice.publicJwks());
        Files.writeString(keys.resolve("planner.jwks"), planner.publicJwks());
        Files.writeString(keys.resolve("planner.jwk"), planner.privateJwk());
        Files.writeString(keys.resolve("researcher.jwks"), researcher.publicJwks());
        Files.writeString(keys.resolve("researcher.jwk"), researcher.privateJwk());
        List<String> failures = new ArrayList<>();

        try (FileLedger ledger = FileLedger.open(ledgerFile)) {
            Map<String, Object> rp = new LinkedHashMap<>(common());
            rp.put("ect.verifier-id", RESEARCHER);
            rp.put("ect.trust", PLANNER + "=" + keys.resolve("planner.jwks"));
            rp.put("ect.response-key-file", keys.resolve("researcher.jwk").toString());
            try (ConfigurableApplicationContext r = start(ResearcherService.class, rp, ledger)) {
                int researcherPort = port(r);
                Map<String, Object> pp = new LinkedHashMap<>(common());
                pp.put("ect.verifier-id", PLANNER);
                pp.put("ect.trust", ALICE + "=" + keys.resolve("alice.jwks") + "," + RESEARCHER + "=" + keys.resolve("researcher.jwks"));
                pp.put("ect.response-key-file", keys.resolve("planner.jwk").toString());
                pp.put("ect.client.audiences[127.0.0.1:" + researcherPort + "]", RESEARCHER);
                pp.put("demo.researcher-url", "http://127.0.0.1:" + researcherPort);
                try (ConfigurableApplicationContext p = start(PlannerService.class, pp, ledger)) {
                    int plannerPort = port(p);
                    out.println("1. alice asks the planner (Spring Boot, port " + plannerPort + ") for a plan; the planner asks the");
                    out.println("   researcher (Spring Boot, port " + researcherPort + ") twice with its RestClient. Every hop carries an ECT:");
                    out.println();
                    String wid = UUID.randomUUID().toString();
                    String root = EctSigner.builder(alice).build().sign(Ect.builder().iss(ALICE).aud(PLANNER).wid(wid)
                            .execAct("request_plan").pred(List.of()).build());
                    HttpResponse<String> answer = get(plannerPort, "/plan?topic=ect", root);
                    if (answer.statusCode() != 200) {
                        failures.add("the planner answered " + answer.statusCode() + ": " + answer.body());
                    }
                    // alice checks the planner's response ECT and records it: the last node of the DAG (T-08, F-03)
                    String response = answer.headers().firstValue("Execution-Context").orElse(null);
                    if (response == null) {
                        failures.add("the planner's answer carries no response ECT");
                    } else {
                        EctVerifier aliceSide = EctVerifier.builder().verifierId(ALICE)
                                .keySource(StaticKeySource.builder().key(PLANNER, planner).build()).ledger(ledger).build();
                        aliceSide.verify(response);
                    }
                    List<LedgerEntry> entries = ledger.entriesOfWorkflow(wid);
                    printTable(out, entries);
                    out.println();
                    out.println("   answer: " + answer.body());
                    out.println();

                    out.println("2. The same token again (a replay), to the planner:");
                    int before = ledger.entries().size();
                    HttpResponse<String> replay = get(plannerPort, "/plan?topic=ect", root);
                    String replayError = error(replay.body());
                    out.println("   " + replay.statusCode() + " " + replayError + (replay.statusCode() == 403 && "replay".equals(replayError)
                            ? "   refused as expected" : "   NOT REFUSED"));
                    if (replay.statusCode() != 403 || !"replay".equals(replayError)) {
                        failures.add("the replay was answered " + replay.statusCode() + " " + replayError);
                    }
                    if (ledger.entries().size() != before) {
                        failures.add("the replay reached the ledger");
                    }
                    out.println();

                    WorkflowDag dag = WorkflowDag.of(ledger, wid);
                    String mermaid = dag.toMermaid();
                    Path mmd = Files.writeString(outDir.resolve("workflow.mmd"), mermaid);
                    out.println("3. The workflow DAG from the ledger (Mermaid, also in " + mmd + "):");
                    out.println();
                    mermaid.lines().forEach(l -> out.println("   " + l));
                    out.println();
                    ChainVerification chain = ledger.verifyChain();
                    out.println("4. Ledger " + ledgerFile + ": " + ledger.entries().size() + " entries, hash chain "
                            + (chain.ok() ? "intact" : "BROKEN: " + chain));
                    expect(failures, entries, dag, chain);
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    out.println();
                    out.println(failures.isEmpty() ? "OK: two Spring Boot services, " + entries.size() + " ECTs in one DAG, ledger intact, replay refused ("
                            + ms + " ms)" : "FAILED: " + String.join("; ", failures));
                    return new Result(entries, answer.body(), mermaid, chain.ok(), replayError, List.copyOf(failures));
                }
            }
        }
    }

    /** The chain the workflow must have made: request, two round trips to the researcher, the answer. */
    private static void expect(List<String> failures, List<LedgerEntry> entries, WorkflowDag dag, ChainVerification chain) {
        if (!chain.ok()) {
            failures.add("the ledger's hash chain is broken: " + chain);
        }
        List<String> acts = entries.stream().map(e -> e.ect().execAct()).toList();
        List<String> wanted = List.of("request_plan", "ask_research", "research_topic", "ask_fact_check", "check_facts", "make_plan");
        if (!acts.equals(wanted)) {
            failures.add("expected the ECTs " + wanted + " in the ledger, found " + acts);
            return;
        }
        for (int i = 1; i < entries.size(); i++) { // a chain: each task depends on the one before (F-02, F-03)
            if (!entries.get(i).ect().pred().equals(List.of(entries.get(i - 1).ect().jti()))) {
                failures.add(acts.get(i) + " should depend on " + acts.get(i - 1) + " but has pred " + entries.get(i).ect().pred());
            }
        }
        if (!dag.unresolved().isEmpty()) {
            failures.add("unresolved predecessors " + dag.unresolved());
        }
    }

    private static Map<String, Object> common() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server.port", "0");
        m.put("server.address", "127.0.0.1");
        m.put("spring.main.banner-mode", "off");
        m.put("logging.level.root", "warn");
        // Tomcat's leak check names the JDK HttpClient's idle worker thread of RestClient at shutdown: not a leak
        m.put("logging.level.org.apache.catalina.loader.WebappClassLoaderBase", "error");
        m.put("ect.min-level", "L3");
        return m;
    }

    /** One service: its own context, the shared ledger as its AuditLedger bean. */
    private static ConfigurableApplicationContext start(Class<?> app, Map<String, Object> properties, AuditLedger ledger) {
        return new SpringApplicationBuilder(app).properties(properties)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("sharedLedger", ledger))
                .run();
    }

    private static int port(ConfigurableApplicationContext ctx) { return ((WebServerApplicationContext) ctx).getWebServer().getPort(); }

    private static HttpResponse<String> get(int port, String pathAndQuery, String token) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(30))
                .header("Execution-Context", token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(String body) {
        Matcher m = ECT_ERROR.matcher(body);
        return m.find() ? m.group(1) : "-";
    }

    private static void printTable(PrintStream out, List<LedgerEntry> entries) {
        out.println(String.format("   %-4s %-12s    %-12s %-15s %-9s %s", "seq", "from", "to", "exec_act", "jti", "pred"));
        for (LedgerEntry e : entries) {
            Ect ect = e.ect();
            out.println(String.format("   %-4d %-12s -> %-12s %-15s %-9s %s", e.seq(), shortName(ect.iss()), shortName(String.join(",", ect.aud())),
                    ect.execAct(), ect.jti().substring(0, 8), ect.pred().isEmpty() ? "(root)"
                            : String.join(", ", ect.pred().stream().map(p -> p.substring(0, Math.min(8, p.length()))).toList())));
        }
    }

    private static String shortName(String id) { return id.substring(id.lastIndexOf('/') + 1); }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The planner: asks the researcher twice, then answers. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(PlannerController.class)
    public static class PlannerService { }

    @RestController
    public static class PlannerController {
        private final RestClient researcher;

        public PlannerController(RestClient.Builder builder, @Value("${demo.researcher-url}") String url) {
            this.researcher = builder.baseUrl(url).build();
        }

        @GetMapping("/plan")
        public String plan(@RequestParam("topic") String topic) {
            String facts = researcher.get().uri("/research?topic={t}", topic)
                    .attribute(EctClientHttpRequestInterceptor.OPTIONS, EctRequestOptions.builder().execAct("ask_research").build())
                    .retrieve().body(String.class);
            String checked = researcher.get().uri("/check?claim={c}", facts)
                    .attribute(EctClientHttpRequestInterceptor.OPTIONS, EctRequestOptions.builder().execAct("ask_fact_check").build())
                    .retrieve().body(String.class);
            TaskContext.current().ifPresent(t -> t.setExecAct("make_plan"));
            return "plan for " + topic + ": " + facts + " (" + checked + ")";
        }
    }

    /** The researcher: answers research and fact-check requests. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(ResearcherController.class)
    public static class ResearcherService { }

    @RestController
    public static class ResearcherController {
        @GetMapping("/research")
        public String research(@RequestParam("topic") String topic) {
            TaskContext.current().ifPresent(t -> t.setExecAct("research_topic"));
            return "three sources on " + topic;
        }

        @GetMapping("/check")
        public String check(@RequestParam("claim") String claim) {
            TaskContext.current().ifPresent(t -> t.setExecAct("check_facts"));
            return "checked: " + claim.length() + " characters, 3 sources confirmed";
        }
    }
}

package dev.ect.examples;

import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.view.WorkflowDag;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The runnable multi-agent workflow: a user asks a planner for a report; the planner asks a
 * researcher and a reviewer <em>in parallel</em> (fan-out), then hands both answers to a writer
 * (fan-in). Four agents in one JVM, each an embedded Jetty server with the ECT filter and an OkHttp
 * client with the ECT integration, each with its own key and SPIFFE-style id, all appending to one
 * hash-chained file ledger. The handlers contain no ECT code: the ECTs and their DAG come from the
 * wiring in {@link Agent} alone.
 *
 * <p>Then it attacks the researcher three ways (a replayed token, a tampered token, a token signed
 * by a key nobody trusts), prints the reason code of each rejection, prints the DAG, verifies the
 * ledger's hash chain and writes the DAG as Mermaid and DOT (and SVG when Graphviz is installed).
 *
 * <pre>
 * mvn -q -B -pl ect-examples -am package -Dmaven.test.skip=true &amp;&amp; java -jar ect-examples/target/ect-demo.jar
 * </pre>
 *
 * Exit code 0 when every expected outcome happened, 1 otherwise (each miss is printed).
 */
public final class WorkflowDemo {
    static final String DOMAIN = "spiffe://demo.example/";
    private static final MediaType TEXT = MediaType.get("text/plain; charset=utf-8");
    private static final Pattern ECT_ERROR = Pattern.compile("\"ect_error\"\\s*:\\s*\"([a-z_]+)\"");

    /** What each request path asks for: the exec_act of the ECT the caller mints (M-06 style naming). */
    static final Map<String, String> REQUEST_ACTIONS = Map.of(
            "/report", "request_report",
            "/research", "ask_research",
            "/review", "ask_review",
            "/write", "ask_write");

    private WorkflowDemo() {}

    public static void main(String[] args) throws Exception {
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        Path out = args.length > 0 ? Path.of(args[0]) : defaultOutputDir();
        DemoResult result = run(out, System.out);
        System.exit(result.ok() ? 0 : 1);
    }

    /** {@code ect-examples/target/demo} from the repository root, else {@code target/demo}. */
    static Path defaultOutputDir() {
        return Files.isDirectory(Path.of("ect-examples")) ? Path.of("ect-examples", "target", "demo") : Path.of("target", "demo");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Runs the whole demo, printing the story to {@code out}; never calls {@code System.exit}. */
    public static DemoResult run(Path outDir, PrintStream out) throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(outDir);
        Path ledgerFile = outDir.resolve("ledger.jsonl");
        Files.deleteIfExists(ledgerFile); // every run starts a fresh audit trail
        List<String> failures = new ArrayList<>();

        // every agent answers with a response ECT recording the task it performed (T-08)
        Agent alice = new Agent("alice", DOMAIN + "user/alice", EctKeys.generate("alice-1"), "use_report");
        Agent planner = new Agent("planner", DOMAIN + "agent/planner", EctKeys.generate("planner-1"), "plan_report");
        Agent researcher = new Agent("researcher", DOMAIN + "agent/researcher", EctKeys.generate("researcher-1"), "research_topic");
        Agent reviewer = new Agent("reviewer", DOMAIN + "agent/reviewer", EctKeys.generate("reviewer-1"), "review_sources");
        Agent writer = new Agent("writer", DOMAIN + "agent/writer", EctKeys.generate("writer-1"), "write_report");
        List<Agent> agents = List.of(alice, planner, researcher, reviewer, writer);
        Map<String, String> names = new LinkedHashMap<>();
        StaticKeySource.Builder trustB = StaticKeySource.builder();
        for (Agent a : agents) {
            names.put(a.id, a.name);
            trustB.key(a.id, a.key);
        }
        KeySource trust = trustB.build();

        out.println("ECT demo: four agents, one workflow, one audit ledger");
        out.println("=====================================================");
        try (FileLedger ledger = FileLedger.open(ledgerFile)) {
            // --- the agents' business logic: no ECT code anywhere below ---
            planner.startServer(trust, ledger, (topic, self) -> {
                CompletableFuture<String> notes = send(self.client(), researcher.url("/research"), topic);
                CompletableFuture<String> critique = send(self.client(), reviewer.url("/review"), topic);
                String material = notes.join() + "\n" + critique.join();
                return send(self.client(), writer.url("/write"), material).join();
            });
            researcher.startServer(trust, ledger, (topic, self) -> "notes: three sources on " + topic);
            reviewer.startServer(trust, ledger, (topic, self) -> "review: sources on " + topic + " are current");
            writer.startServer(trust, ledger, (material, self) ->
                    "REPORT\n" + material.lines().map(l -> "  - " + l).reduce((x, y) -> x + "\n" + y).orElse(""));
            // --- wiring: who is who (aud of each call) ---
            Map<String, String> directory = new LinkedHashMap<>();
            for (Agent a : List.of(planner, researcher, reviewer, writer)) {
                directory.put(a.hostPort(), a.id);
            }
            for (Agent a : agents) {
                a.startClient(trust, ledger, directory, REQUEST_ACTIONS);
            }
            out.println();
            out.println("Agents (each: Jetty + ECT filter, OkHttp + ECT integration, own ES256 key):");
            for (Agent a : agents) {
                out.printf(Locale.ROOT, "  %-10s %-38s %s%n", a.name, a.id, a == alice ? "(client only)" : "http://" + a.hostPort());
            }

            // --- 1. the workflow ---
            String report = send(alice.client(), planner.url("/report"), "ECT adoption").get(20, TimeUnit.SECONDS);
            out.println();
            out.println("1. alice asks the planner for a report; the planner asks researcher and reviewer in");
            out.println("   parallel, then the writer. Every hop carried an ECT, verified and appended to the ledger:");
            out.println();
            List<LedgerEntry> entries = ledger.entries();
            List<DemoResult.Hop> hops = hops(entries, ledger, names);
            printHops(out, hops);
            out.println();
            out.println("   alice received:");
            report.lines().forEach(l -> out.println("     " + l));
            checkWorkflow(hops, report, failures);

            // --- 2. the DAG ---
            String wid = hops.isEmpty() ? null : hops.get(0).wid();
            WorkflowDag dag = WorkflowDag.of(ledger, wid);
            String dagText = dag.toText();
            out.println();
            out.println("2. The workflow DAG (wid " + wid + "):");
            out.println();
            dagText.lines().forEach(l -> out.println("   " + l));

            // --- 3. the defences ---
            out.println();
            out.println("3. Attacks on the researcher (each must be refused with 403 and its reason code):");
            long before = ledger.size();
            Map<String, String> defences = defences(entries, ledger, researcher);
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("replayed token", "replay");
            expected.put("tampered token", "invalid_signature");
            expected.put("untrusted key", "unknown_key");
            for (Map.Entry<String, String> e : expected.entrySet()) {
                String got = defences.get(e.getKey());
                boolean ok = e.getValue().equals(got);
                out.printf(Locale.ROOT, "   %-16s -> 403 %-18s %s%n", e.getKey(), got, ok ? "refused as expected" : "UNEXPECTED (wanted " + e.getValue() + ")");
                if (!ok) {
                    failures.add(e.getKey() + ": expected ect_error " + e.getValue() + ", got " + got);
                }
            }
            boolean grew = ledger.size() != before;
            if (grew) {
                failures.add("a rejected token was appended to the ledger");
            }
            out.println("   ledger entries before/after the attacks: " + before + "/" + ledger.size());

            // --- 4. the audit ledger ---
            ChainVerification chain = ledger.verifyChain(); // reads the file again, byte for byte (L-04)
            out.println();
            out.println("4. Audit ledger " + ledgerFile + ": " + chain.entriesChecked() + " entries, hash chain "
                    + (chain.ok() ? "intact" : "BROKEN: " + chain));
            out.println("   last hash (anchor it elsewhere to detect a rewritten chain): " + chain.lastHash());
            if (!chain.ok()) {
                failures.add("ledger hash chain: " + chain);
            }

            // --- 5. files ---
            Path mermaid = outDir.resolve("workflow.mmd");
            Path dot = outDir.resolve("workflow.dot");
            Files.writeString(mermaid, dag.toMermaid(), StandardCharsets.UTF_8);
            Files.writeString(dot, dag.toDot(), StandardCharsets.UTF_8);
            Optional<Path> svg = svg(dot, outDir.resolve("workflow.svg"));
            out.println();
            out.println("5. Files:");
            out.println("   " + ledgerFile + "   (the audit trail: java -jar ect-cli/target/ect.jar ledger verify " + ledgerFile + ")");
            out.println("   " + mermaid + "   (Mermaid)");
            out.println("   " + dot + "   (Graphviz DOT)");
            out.println("   " + svg.map(Path::toString).orElse("(no SVG: install Graphviz 'dot' to get one)"));

            out.println();
            if (failures.isEmpty()) {
                out.printf(Locale.ROOT, "OK: diamond DAG, ledger intact, 3 attacks refused (%d ms)%n",
                        Duration.ofNanos(System.nanoTime() - start).toMillis());
            } else {
                out.println("FAILED:");
                failures.forEach(f -> out.println("  - " + f));
            }
            return new DemoResult(hops, report, chain.ok(), defences, grew, dagText,
                    new DemoResult.Files(ledgerFile, mermaid, dot, svg), List.copyOf(failures));
        } finally {
            for (Agent a : agents) {
                try {
                    a.close();
                } catch (RuntimeException e) {
                    out.println("(" + e.getMessage() + ")");
                }
            }
        }
    }

    /** POSTs {@code body} through an ECT-aware client; completes with the answer body. */
    static CompletableFuture<String> send(OkHttpClient client, String url, String body) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Call call = client.newCall(new Request.Builder().url(url).post(RequestBody.create(body, TEXT)).build());
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call c, IOException e) { f.completeExceptionally(e); }

            @Override
            public void onResponse(Call c, Response r) {
                try (r) {
                    String text = r.body().string();
                    if (r.isSuccessful()) {
                        f.complete(text);
                    } else {
                        f.completeExceptionally(new IOException(url + " answered " + r.code() + ": " + text));
                    }
                } catch (IOException e) {
                    f.completeExceptionally(e);
                }
            }
        });
        return f;
    }

    private static List<DemoResult.Hop> hops(List<LedgerEntry> entries, AuditLedger ledger, Map<String, String> names) {
        List<DemoResult.Hop> hops = new ArrayList<>();
        for (LedgerEntry e : entries) {
            String aud = ledger.findByJti(e.jti()).stream().findFirst().map(s -> s.ect().aud())
                    .map(a -> a.stream().map(x -> names.getOrDefault(x, x)).reduce((x, y) -> x + "," + y).orElse("-"))
                    .orElse("-");
            hops.add(new DemoResult.Hop(e.seq(), names.getOrDefault(e.iss(), e.iss()), aud, e.execAct(), e.jti(), e.pred(), e.wid()));
        }
        return hops;
    }

    private static void printHops(PrintStream out, List<DemoResult.Hop> hops) {
        out.printf(Locale.ROOT, "   %3s  %-10s    %-10s  %-15s %-9s %s%n", "seq", "from", "to", "exec_act", "jti", "pred");
        for (DemoResult.Hop h : hops) {
            String pred = h.pred().isEmpty() ? "(root)" : String.join(", ", h.pred().stream().map(WorkflowDemo::shortId).toList());
            out.printf(Locale.ROOT, "   %3d  %-10s -> %-10s  %-15s %-9s %s%n", h.seq(), h.agent(), h.audience(), h.execAct(),
                    shortId(h.jti()), pred);
        }
    }

    static String shortId(String jti) { return jti.length() > 8 ? jti.substring(0, 8) : jti; }

    /** The diamond: request → (research ∥ review) → write → answer, all in one workflow. */
    private static void checkWorkflow(List<DemoResult.Hop> hops, String report, List<String> failures) {
        if (!report.startsWith("REPORT") || !report.contains("notes:") || !report.contains("review:")) {
            failures.add("alice's report is incomplete: " + report);
        }
        if (hops.size() != 8) {
            failures.add("expected 8 ledger entries (4 requests, 4 answers), found " + hops.size());
        }
        Set<String> wids = new HashSet<>();
        hops.forEach(h -> wids.add(String.valueOf(h.wid())));
        if (wids.size() != 1) {
            failures.add("expected one workflow id, found " + wids);
        }
        DemoResult.Hop a = find(hops, "alice", "request_report", failures);
        DemoResult.Hop r1 = find(hops, "planner", "ask_research", failures);
        DemoResult.Hop v1 = find(hops, "planner", "ask_review", failures);
        DemoResult.Hop r2 = find(hops, "researcher", "research_topic", failures);
        DemoResult.Hop v2 = find(hops, "reviewer", "review_sources", failures);
        DemoResult.Hop w1 = find(hops, "planner", "ask_write", failures);
        DemoResult.Hop w2 = find(hops, "writer", "write_report", failures);
        DemoResult.Hop p = find(hops, "planner", "plan_report", failures);
        if (!failures.isEmpty()) {
            return;
        }
        expectPred(a, Set.of(), failures);
        expectPred(r1, Set.of(a.jti()), failures);   // fan-out: both parallel calls depend on alice's request
        expectPred(v1, Set.of(a.jti()), failures);
        expectPred(r2, Set.of(r1.jti()), failures);
        expectPred(v2, Set.of(v1.jti()), failures);
        expectPred(w1, Set.of(r2.jti(), v2.jti()), failures); // fan-in: the writer's task depends on both answers
        expectPred(w2, Set.of(w1.jti()), failures);
        expectPred(p, Set.of(w2.jti()), failures); // the planner's answer follows from its last call (F-04)
    }

    private static DemoResult.Hop find(List<DemoResult.Hop> hops, String agent, String act, List<String> failures) {
        for (DemoResult.Hop h : hops) {
            if (h.agent().equals(agent) && h.execAct().equals(act)) {
                return h;
            }
        }
        failures.add("no ledger entry for " + agent + " " + act);
        return null;
    }

    private static void expectPred(DemoResult.Hop h, Set<String> pred, List<String> failures) {
        if (!Set.copyOf(h.pred()).equals(pred) || h.pred().size() != pred.size()) {
            failures.add(h.agent() + " " + h.execAct() + ": expected pred " + pred + ", found " + h.pred());
        }
    }

    /**
     * Three attacks on the researcher, sent with a plain OkHttp client (no ECT integration): the
     * planner's token replayed, the same token with a changed claim, and a token from a key no agent
     * trusts. Returns attack → the {@code ect_error} of the answer (or what came back instead).
     */
    private static Map<String, String> defences(List<LedgerEntry> entries, AuditLedger ledger, Agent researcher) throws IOException {
        OkHttpClient plain = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(20)).build();
        try {
            Map<String, String> out = new LinkedHashMap<>();
            String stolen = entries.stream().filter(e -> "ask_research".equals(e.execAct())).map(LedgerEntry::compact)
                    .findFirst().orElseThrow(() -> new IllegalStateException("no ask_research token in the ledger"));
            out.put("replayed token", attack(plain, researcher, stolen));
            String[] parts = stolen.split("\\.");
            String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                    .replace("\"ask_research\"", "\"ask_research_and_delete_everything\"");
            String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
            out.put("tampered token", attack(plain, researcher, tampered));
            EctKeyPair mallory = EctKeys.generate("mallory-1");
            String forged = EctSigner.builder(mallory).build().sign(Ect.builder().iss(DOMAIN + "agent/mallory")
                    .aud(researcher.id).execAct("ask_research").build());
            out.put("untrusted key", attack(plain, researcher, forged));
            return out;
        } finally {
            plain.dispatcher().executorService().shutdown();
            plain.connectionPool().evictAll();
        }
    }

    private static String attack(OkHttpClient plain, Agent target, String token) throws IOException {
        Request req = new Request.Builder().url(target.url("/research")).header("Execution-Context", token)
                .post(RequestBody.create("ECT adoption", TEXT)).build();
        try (Response r = plain.newCall(req).execute()) {
            String body = r.body().string();
            Matcher m = ECT_ERROR.matcher(body);
            if (r.code() == 403 && m.find()) {
                return m.group(1);
            }
            return "HTTP " + r.code();
        }
    }

    /** Renders the DOT file with Graphviz when {@code dot} is installed; empty otherwise. */
    static Optional<Path> svg(Path dotFile, Path svgFile) {
        try {
            Process p = new ProcessBuilder("dot", "-Tsvg", "-o", svgFile.toString(), dotFile.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 && Files.isRegularFile(svgFile) ? Optional.of(svgFile) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // Graphviz not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}

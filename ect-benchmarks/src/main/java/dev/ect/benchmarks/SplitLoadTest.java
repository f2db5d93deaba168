package dev.ect.benchmarks;

import dev.ect.core.EctVerifier;
import dev.ect.core.keys.EctKeys;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The load test of {@link LoadTest} with the server and the client on separate CPUs, so that the
 * server's throughput can be compared with a crypto ceiling measured on the very core it runs on.
 *
 * <p>Three JVMs, all the same {@code java} binary and class path: this one (the launcher) checks
 * that {@code taskset} exists and that two CPUs are usable, then starts the <em>driver</em> under
 * {@code taskset -c <driver-cpu>}; the driver starts the <em>server</em> under {@code taskset -c
 * <server-cpu>} and talks to it over the server's stdin/stdout (lines starting with {@code @ect}).
 * The server is exactly {@link LoadTest}'s ({@link LoadServer} with the {@link LoadFixture}
 * pipeline); the driver is {@link LoadDriver} and pre-mints unique tokens with the server's key
 * before each phase, outside the measured window.
 *
 * <p>Phases: {@code /plain} (the HTTP stack alone), then {@code /ect} with each provider; each a
 * warm-up, then at most {@code --requests} requests or {@code --seconds} seconds. Around each
 * measured window the server reports its process CPU time (all its threads, user + system), so the
 * table shows server CPU µs per request: {@code /plain} (whose requests carry an ignored token
 * header of the same size) is what Jetty and the loopback socket cost, {@code /ect} adds the filter
 * and the pipeline. Before and after each filter phase the server measures the raw ES256 verify
 * time of that provider on its core (median of several short runs, wall and thread CPU time); the
 * ceiling is 1 core / raw verify, and the HTTP-adjusted bound is 1 / (server µs per {@code /plain}
 * request + raw verify µs): what the filter would reach if everything but the HTTP stack and the
 * ECDSA verification were free. The same two ratios are also given from CPU times alone, which
 * other load on the machine distorts much less than wall time.
 *
 * <p>The server JVM sees one CPU, so the JVM's ergonomics pick its GC (Serial on JDK 17 and 25);
 * the table header names it, and {@code --server-jvm-args} overrides it.
 *
 * <p>Every phase and every exchange with the server has a time limit, and so has the whole run;
 * each JVM kills its child when it exits or fails, and the server and driver exit by themselves
 * when their parent's pipe closes. No fallback: without {@code taskset} or with fewer than two
 * CPUs it fails with a message.
 *
 * <pre>
 * java -cp ect-benchmarks/target/benchmarks.jar dev.ect.benchmarks.SplitLoadTest
 *      [--providers jdk,accp] [--connections 16] [--requests 60000] [--seconds 15] [--warmup 3]
 *      [--server-cpu 1] [--driver-cpu 0] [--server-jvm-args "-XX:+UseG1GC"]
 *      [--ceiling-runs 5] [--ceiling-ms 300] [--quick]
 * </pre>
 */
public final class SplitLoadTest {
    private static final String TAG = "@ect ";
    private static final String EOF = new String("EOF"); // identity-compared sentinel
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private SplitLoadTest() {}

    /** A run that cannot go on, with a message for the user. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) { super(message); }
    }

    /**
     * Runs the split-cores load test (or, with the internal {@code --role}, one of its parts) and
     * exits: 0 when every request got 200, 1 when some did not, 2 when the run could not be done.
     *
     * @param args options, see the class description
     */
    public static void main(String[] args) throws Exception {
        int rc;
        try {
            Options o = Options.parse(args);
            if (o.help) {
                System.out.println(USAGE);
                return;
            }
            rc = switch (o.role) {
                case "launcher" -> launch(o, args);
                case "driver" -> drive(o);
                case "server" -> serve(o);
                default -> throw new Failure("unknown role " + o.role);
            };
        } catch (Failure | IllegalArgumentException e) {
            System.err.println("SplitLoadTest: " + e.getMessage());
            rc = 2;
        }
        System.exit(rc);
    }

    private static final String USAGE = String.join("\n",
            "SplitLoadTest [--providers jdk,accp] [--connections 16] [--requests 60000] [--seconds 15] [--warmup 3]",
            "              [--server-cpu 1] [--driver-cpu 0] [--server-jvm-args \"...\"] [--ceiling-runs 5] [--ceiling-ms 300] [--quick]",
            "Server JVM pinned to --server-cpu, driver JVM to --driver-cpu (needs taskset and two CPUs).");

    static final class Options {
        String role = "launcher";
        List<String> providers = List.of(Fixtures.JDK, Fixtures.ACCP);
        int connections = 16;
        int requests = 60_000;
        int seconds = 15;
        int warmupSeconds = 3;
        int serverCpu = 1;
        int driverCpu = 0;
        List<String> serverJvmArgs = List.of();
        int ceilingRuns = 5;
        int ceilingMillis = 300;
        int ceilingWarmup = 2_000;
        long maxSeconds;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!a.equals("--quick") && !a.equals("--help") && i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                switch (a) {
                    case "--role" -> o.role = args[++i];
                    case "--providers" -> o.providers = Arrays.asList(args[++i].split(","));
                    case "--connections" -> o.connections = Integer.parseInt(args[++i]);
                    case "--requests" -> o.requests = Integer.parseInt(args[++i]);
                    case "--seconds" -> o.seconds = Integer.parseInt(args[++i]);
                    case "--warmup" -> o.warmupSeconds = Integer.parseInt(args[++i]);
                    case "--server-cpu" -> o.serverCpu = Integer.parseInt(args[++i]);
                    case "--driver-cpu" -> o.driverCpu = Integer.parseInt(args[++i]);
                    case "--server-jvm-args" -> o.serverJvmArgs = Arrays.stream(args[++i].trim().split("\\s+"))
                            .filter(s -> !s.isEmpty()).collect(Collectors.toList());
                    case "--ceiling-runs" -> o.ceilingRuns = Integer.parseInt(args[++i]);
                    case "--ceiling-ms" -> o.ceilingMillis = Integer.parseInt(args[++i]);
                    case "--ceiling-warmup" -> o.ceilingWarmup = Integer.parseInt(args[++i]);
                    case "--max-seconds" -> o.maxSeconds = Long.parseLong(args[++i]);
                    case "--quick" -> {
                        o.requests = 300;
                        o.seconds = 2;
                        o.warmupSeconds = 0;
                        o.connections = 4;
                        o.ceilingRuns = 3;
                        o.ceilingMillis = 50;
                        o.ceilingWarmup = 200;
                    }
                    case "--help" -> o.help = true;
                    default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
                }
            }
            if (o.serverCpu == o.driverCpu) {
                throw new IllegalArgumentException("--server-cpu and --driver-cpu must differ");
            }
            if (o.requests < 1 || o.seconds < 1 || o.connections < 1 || o.ceilingRuns < 1 || o.ceilingMillis < 1) {
                throw new IllegalArgumentException("--requests, --seconds, --connections and --ceiling-* must be positive");
            }
            return o;
        }

        /** Upper bound of the whole run; a run that takes longer is hung and gets killed. */
        long budgetSeconds() {
            int phases = 1 + providers.size();
            return phases * (2L * (warmupSeconds + seconds) + 180) + 60;
        }
    }

    // ---------------------------------------------------------------- launcher

    private static int launch(Options o, String[] args) throws Exception {
        requireTwoPinnableCpus(o);
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", Integer.toString(o.driverCpu)));
        cmd.addAll(javaCommand(List.of()));
        cmd.add(SplitLoadTest.class.getName());
        cmd.addAll(List.of("--role", "driver"));
        cmd.addAll(Arrays.asList(args));
        Process driver = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start(); // stdin stays a pipe: closes when we die
        killOnExit(driver);
        try {
            long limit = o.budgetSeconds() + 60;
            if (!driver.waitFor(limit, TimeUnit.SECONDS)) {
                throw new Failure("the run did not finish within " + limit + " s; killed it");
            }
            return driver.exitValue();
        } finally {
            kill(driver);
        }
    }

    /** Fails unless this JVM may use two CPUs and taskset can pin to both chosen ones. */
    private static void requireTwoPinnableCpus(Options o) throws Exception {
        int n = Runtime.getRuntime().availableProcessors();
        if (n < 2) {
            throw new Failure("needs two CPUs (server pinned to one, driver to another) but this JVM may use " + n
                    + "; use LoadTest without --split on this machine");
        }
        for (int cpu : new int[] {o.driverCpu, o.serverCpu}) {
            Process p;
            try {
                p = new ProcessBuilder("taskset", "-c", Integer.toString(cpu), "true").redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new Failure("cannot run taskset (" + e.getMessage() + "); install util-linux: the split mode pins the "
                        + "server and the driver to separate CPUs with it");
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new Failure("taskset -c " + cpu + " true did not finish within 10 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new Failure("cannot pin to CPU " + cpu + " with taskset (exit " + p.exitValue() + "): " + out
                        + "; choose others with --server-cpu/--driver-cpu");
            }
        }
    }

    /** The running JVM's java binary, its JVM options (minus a debugger agent) and class path. */
    static List<String> javaCommand(List<String> extraJvmArgs) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> c = new ArrayList<>();
        c.add(java);
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-Xrunjdwp")) {
                c.add(a);
            }
        }
        c.addAll(extraJvmArgs);
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        return c;
    }

    static void killOnExit(Process p) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> kill(p), "kill-" + p.pid()));
    }

    /** Kills {@code p} and everything it started (collected first: orphans are no longer descendants). */
    static void kill(Process p) {
        List<ProcessHandle> kids = p.descendants().collect(Collectors.toList());
        p.destroyForcibly();
        kids.forEach(ProcessHandle::destroyForcibly);
    }

    // ---------------------------------------------------------------- driver

    /** A finished phase, as seen from both sides. */
    private record Phase(String provider, LoadDriver.Result r, long serverCpuNs, long serverWallNs, long driverCpuNs,
            long driverWallNs, RawVerify.Micros before, RawVerify.Micros after) {
        double serverMicrosPerRequest() { return serverCpuNs / 1e3 / r.count(); }

        double reqPerSecond() { return r.count() / r.seconds(); }

        /**
         * Raw verify µs (wall) behind the ceiling: the faster of the before and after measurements. A
         * cold JIT (before the first phase, SunEC measured up to 2× slower) or other load only makes a
         * measurement slower, so the faster one is the fairer, and the stricter, ceiling.
         */
        double rawVerifyMicros() { return Math.min(before.wall(), after.wall()); }

        /** Raw verify thread-CPU µs, likewise. */
        double rawVerifyCpuMicros() { return Math.min(before.cpu(), after.cpu()); }
    }

    private static int drive(Options o) throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        if (cpus != 1) {
            throw new Failure("the driver should be pinned to one CPU but may use " + cpus + " (start SplitLoadTest without --role)");
        }
        exitWhenStdinCloses("driver: the launcher went away");
        String loadBefore = loadAverage();
        o.maxSeconds = o.budgetSeconds();
        try (ServerChild server = ServerChild.start(o)) {
            String[] ready = server.expect("READY", 120);
            // READY <cpus> <java.version> <private JWK, base64url> <wid> <pred,pred,pred> <GC names...>
            if (!ready[1].equals("1")) {
                throw new Failure("the server should be pinned to one CPU but may use " + ready[1]);
            }
            String jwk = new String(Base64.getUrlDecoder().decode(ready[3]), StandardCharsets.UTF_8);
            LoadFixture fx = LoadFixture.forMinting(EctKeys.fromPrivateJwk(jwk), ready[4], Arrays.asList(ready[5].split(",")));
            System.out.printf(Locale.ROOT, "Split cores: server JVM %s on CPU %d (sees %s CPU, GC %s), driver JVM %s on CPU %d; "
                    + "%d connections, at most %d requests or %d s per phase (after %d s warm-up); raw verify: median of %d × %d ms "
                    + "before and after each filter phase, on the server's core%n",
                    ready[2], o.serverCpu, ready[1], ready[6], System.getProperty("java.version"), o.driverCpu,
                    o.connections, o.requests, o.seconds, o.warmupSeconds, o.ceilingRuns, o.ceilingMillis);
            System.out.println("load average (1/5/15 min) before: " + loadBefore);
            List<Phase> phases = new ArrayList<>();
            phases.add(phase(server, fx, null, o));
            for (String p : o.providers) {
                phases.add(phase(server, fx, p, o));
            }
            server.send("QUIT");
            System.out.println("load average (1/5/15 min) after: " + loadAverage());
            return printTable(phases);
        }
    }

    private static Phase phase(ServerChild server, LoadFixture fx, String provider, Options o) throws Exception {
        String path = provider == null ? "/plain" : "/ect";
        System.err.println("phase " + path + (provider == null ? "" : " " + provider) + " ...");
        String[] warm;
        String[] tokens;
        if (provider == null) { // the same request bytes as /ect (the header is ignored): HTTP cost of the same request
            String one = fx.mint(1)[0];
            warm = new String[o.warmupSeconds == 0 ? 0 : 20_000];
            tokens = new String[o.requests];
            Arrays.fill(warm, one);
            Arrays.fill(tokens, one);
        } else {
            warm = fx.mint(o.warmupSeconds == 0 ? 0 : Math.min(o.requests, 20_000));
            tokens = fx.mint(o.requests);
        }
        server.send("PHASE " + (provider == null ? "plain" : provider));
        String[] serving = server.expect("SERVING", 300); // SERVING <port> <raw wall µs|-> <raw cpu µs|->
        int port = Integer.parseInt(serving[1]);
        if (o.warmupSeconds > 0) {
            LoadDriver.drive(port, path, warm, o.connections, warm.length, o.warmupSeconds);
        }
        warm = null;
        server.send("BEGIN");
        server.expect("BEGUN", 30);
        long cpu0 = OS.getProcessCpuTime();
        long wall0 = System.nanoTime();
        LoadDriver.Result r = LoadDriver.drive(port, path, tokens, o.connections, o.requests, o.seconds);
        long driverCpu = OS.getProcessCpuTime() - cpu0;
        long driverWall = System.nanoTime() - wall0;
        server.send("END");
        String[] measured = server.expect("MEASURED", 30); // MEASURED <cpu ns> <wall ns>
        server.send("STOP");
        String[] stopped = server.expect("STOPPED", 300); // STOPPED <raw wall µs|-> <raw cpu µs|->
        return new Phase(provider, r, Long.parseLong(measured[1]), Long.parseLong(measured[2]), driverCpu, driverWall,
                micros(serving, 2), micros(stopped, 1));
    }

    private static RawVerify.Micros micros(String[] f, int at) {
        return f[at].equals("-") ? null : new RawVerify.Micros(Double.parseDouble(f[at]), Double.parseDouble(f[at + 1]));
    }

    private static int printTable(List<Phase> phases) {
        Phase plain = phases.get(0);
        double httpMicros = plain.serverMicrosPerRequest();
        System.out.println();
        System.out.println("| path | provider | requests | s | req/s | p50 ms | p99 ms | non-200 | server CPU µs/req | server core busy "
                + "| driver core busy | ceiling (1 core) req/s | req/s / ceiling | HTTP-adjusted bound req/s | req/s / bound "
                + "| CPU: raw verify / server | CPU: (HTTP + raw verify) / server |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        boolean failed = false;
        for (Phase p : phases) {
            LoadDriver.Result r = p.r();
            failed |= r.errors() != 0;
            List<String> c = new ArrayList<>(List.of(p.provider() == null ? "no filter" : "EctFilter",
                    p.provider() == null ? "-" : f("%s (raw verify %.0f/%.0f µs)", p.provider(), p.before().wall(), p.after().wall()),
                    Integer.toString(r.count()), f("%.1f", r.seconds()), f("%.0f", p.reqPerSecond()), f("%.2f", r.p50() / 1e6),
                    f("%.2f", r.p99() / 1e6), Integer.toString(r.errors()), f("%.0f", p.serverMicrosPerRequest()),
                    f("%.2f", (double) p.serverCpuNs() / p.serverWallNs()), f("%.2f", (double) p.driverCpuNs() / p.driverWallNs())));
            if (p.provider() == null) {
                c.addAll(List.of("-", "-", "-", "-", "-", "-"));
            } else {
                double ceiling = 1e6 / p.rawVerifyMicros();
                double bound = 1e6 / (httpMicros + p.rawVerifyMicros());
                double rawCpu = p.rawVerifyCpuMicros();
                c.addAll(List.of(f("%.0f", ceiling), f("%.2f", p.reqPerSecond() / ceiling), f("%.0f", bound),
                        f("%.2f", p.reqPerSecond() / bound), f("%.2f", rawCpu / p.serverMicrosPerRequest()),
                        f("%.2f", (httpMicros + rawCpu) / p.serverMicrosPerRequest())));
            }
            System.out.println("| " + String.join(" | ", c) + " |");
        }
        System.out.println();
        System.out.println(f("HTTP stack alone (/plain): %.0f µs server CPU per request.", httpMicros));
        for (Phase p : phases.subList(1, phases.size())) {
            double added = p.serverMicrosPerRequest() - httpMicros;
            double rawCpu = p.rawVerifyCpuMicros();
            System.out.println(f("%s: the filter adds %.0f µs server CPU per request over /plain; raw verify %.0f µs CPU "
                    + "(%.0f µs wall) of it, the other %.0f µs are the rest of the pipeline and the filter.",
                    p.provider(), added, rawCpu, p.rawVerifyMicros(), added - rawCpu));
        }
        System.out.println("Raw verify: before/after the phase, wall µs (median); ceiling = 1 core / the faster of the two raw verify measurements; HTTP-adjusted "
                + "bound = 1 / (/plain server µs + raw verify µs). /plain requests carry a token header of the same size "
                + "(ignored), so /plain is the HTTP cost of the same request. Core busy: process CPU time / wall time in "
                + "the measured window; a server well below 1.00 was not saturated (driver-bound or its core was taken "
                + "by something else), so req/s understates it while µs/req still holds. The two CPU columns are the "
                + "same two ratios from CPU times only (raw verify thread CPU, server process CPU per request): what "
                + "req/s / ceiling and req/s / bound would be on a saturated core that nothing else uses, and much less "
                + "sensitive to other load on the machine than the wall-time ratios.");
        if (failed) {
            System.out.println("FAILED: some requests did not get 200");
            return 1;
        }
        return 0;
    }

    private static String f(String format, Object... args) { return String.format(Locale.ROOT, format, args); }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Exits (running shutdown hooks, which kill our child) when our parent's pipe on stdin closes. */
    static void exitWhenStdinCloses(String why) {
        Thread t = new Thread(() -> {
            try {
                InputStream in = System.in;
                while (in.read() >= 0) {
                    // the driver's parent never writes; just wait for end of file
                }
            } catch (IOException e) {
                // treated as closed
            }
            System.err.println(why + "; exiting");
            System.exit(3);
        }, "parent-watch");
        t.setDaemon(true);
        t.start();
    }

    /** The server JVM as seen by the driver: a pinned child speaking the {@code @ect} line protocol. */
    private static final class ServerChild implements AutoCloseable {
        private final Process process;
        private final BufferedWriter commands;
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        private boolean quitSent;

        private ServerChild(Process process) {
            this.process = process;
            this.commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII));
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith(TAG)) {
                            answers.add(line.substring(TAG.length()));
                        } else {
                            System.err.println("[server] " + line);
                        }
                    }
                } catch (IOException e) {
                    // the child is gone
                }
                answers.add(EOF);
            }, "server-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static ServerChild start(Options o) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("taskset", "-c", Integer.toString(o.serverCpu)));
            cmd.addAll(javaCommand(o.serverJvmArgs));
            cmd.add(SplitLoadTest.class.getName());
            cmd.addAll(List.of("--role", "server", "--max-seconds", Long.toString(o.maxSeconds),
                    "--ceiling-runs", Integer.toString(o.ceilingRuns), "--ceiling-ms", Integer.toString(o.ceilingMillis),
                    "--ceiling-warmup", Integer.toString(o.ceilingWarmup)));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            killOnExit(p);
            return new ServerChild(p);
        }

        void send(String command) throws IOException {
            quitSent |= command.equals("QUIT");
            commands.write(command);
            commands.newLine();
            commands.flush();
        }

        /** The next answer, which must be {@code what}; fails on an error, a timeout or the child's exit. */
        String[] expect(String what, long seconds) throws Exception {
            String line = answers.poll(seconds, TimeUnit.SECONDS);
            if (line == null) {
                throw new Failure("the server JVM did not answer " + what + " within " + seconds + " s");
            }
            if (line == EOF) {
                String status = process.waitFor(5, TimeUnit.SECONDS) ? "status " + process.exitValue() : "still running";
                throw new Failure("the server JVM closed its output (" + status + ") instead of answering " + what);
            }
            if (line.startsWith("ERROR ")) {
                throw new Failure("the server JVM failed: " + line.substring(6));
            }
            String[] f = line.split(" ", what.equals("READY") ? 7 : -1);
            if (!f[0].equals(what)) {
                throw new Failure("the server JVM answered '" + line + "' instead of " + what);
            }
            return f;
        }

        @Override
        public void close() throws InterruptedException {
            if (quitSent && !process.waitFor(10, TimeUnit.SECONDS)) { // after QUIT it exits by itself
                System.err.println("the server JVM did not exit within 10 s of QUIT; killing it");
            }
            kill(process);
        }
    }

    // ---------------------------------------------------------------- server

    private static int serve(Options o) throws Exception {
        if (o.maxSeconds <= 0) {
            throw new Failure("the server role is internal: start SplitLoadTest without --role");
        }
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(o.maxSeconds));
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("server JVM: time limit of " + o.maxSeconds + " s reached; exiting");
            Runtime.getRuntime().halt(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        LoadServer server = null;
        try {
            LoadFixture fx = LoadFixture.create();
            String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                    .collect(Collectors.joining(", "));
            say("READY " + Runtime.getRuntime().availableProcessors() + " " + System.getProperty("java.version") + " "
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(fx.key.privateJwk().getBytes(StandardCharsets.UTF_8))
                    + " " + fx.wid + " " + String.join(",", fx.predJtis) + " " + gcs);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            String provider = null;
            long cpu0 = 0;
            long wall0 = 0;
            String line;
            while ((line = in.readLine()) != null) {
                String[] c = line.trim().split(" ");
                switch (c[0]) {
                    case "PHASE" -> {
                        provider = c[1].equals("plain") ? null : c[1];
                        EctVerifier verifier = null;
                        RawVerify.Micros before = null;
                        if (provider != null) {
                            verifier = fx.verifier(Fixtures.provider(provider));
                            before = rawVerify(provider, fx, o);
                        }
                        server = LoadServer.start(verifier);
                        say("SERVING " + server.port() + " " + format(before));
                    }
                    case "BEGIN" -> {
                        cpu0 = OS.getProcessCpuTime();
                        wall0 = System.nanoTime();
                        say("BEGUN");
                    }
                    case "END" -> {
                        long cpu = OS.getProcessCpuTime() - cpu0;
                        say("MEASURED " + cpu + " " + (System.nanoTime() - wall0));
                    }
                    case "STOP" -> {
                        server.close();
                        server = null;
                        say("STOPPED " + format(provider == null ? null : rawVerify(provider, fx, o)));
                    }
                    case "QUIT" -> {
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown command: " + line);
                }
            }
            System.err.println("server JVM: the driver went away (stdin closed); exiting");
            return 3;
        } catch (Exception | Error e) {
            say("ERROR " + e.toString().replace('\n', ' '));
            return 1;
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static RawVerify.Micros rawVerify(String provider, LoadFixture fx, Options o) throws Exception {
        return RawVerify.median(provider, fx.key.publicKey(), fx.sample(), o.ceilingWarmup, o.ceilingRuns, o.ceilingMillis);
    }

    private static String format(RawVerify.Micros m) {
        return m == null ? "- -" : f("%.3f %.3f", m.wall(), m.cpu());
    }

    private static void say(String line) {
        System.out.println(TAG + line);
        System.out.flush();
    }
}

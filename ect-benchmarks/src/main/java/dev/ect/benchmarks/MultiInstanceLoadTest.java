package dev.ect.benchmarks;

import dev.ect.core.EctVerifier;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.spi.EctStores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Multi-instance load test (issue 15): N verifier instances with <em>shared</em> stores (Redis
 * replay store + PostgreSQL ledger, chosen by {@code ECT_REDIS_URL} / {@code ECT_JDBC_URL} exactly
 * as {@code ect serve} does) against the same N instances with <em>local</em> stores (Caffeine
 * replay store + one {@link FileLedger} per instance), under the same load, in one run.
 *
 * <p>Each instance is a child JVM (same {@code java}, JVM options and class path as this one, plus
 * {@code --instance-jvm-args}), which is what a deployment of several replicas is: separate heaps,
 * JITs, GCs, connection pools. It runs {@link LoadServer} (embedded Jetty 12 + {@code EctFilter} on
 * {@code /ect/*}) with the full pipeline of {@link Fixtures#pipeline} (signature, claims, DAG with
 * three predecessors, replay store, durable ledger append); only the stores differ between the two
 * modes. This JVM is the driver: {@link LoadDriver} over all instances' ports (connection c goes to
 * instance c mod N), fresh pre-minted tokens (one issuer, one workflow, unique jti each) minted while
 * the instances start, outside the measured window.
 *
 * <p>Cells: for each provider, for each N, {@code --rounds} rounds, local and shared alternating
 * (local, shared, then shared, local, ...), each on fresh instances: start, warm-up, measured
 * window of at most {@code --requests} requests or {@code --seconds} seconds. A shared cell gets a
 * fresh PostgreSQL schema and a fresh Redis key prefix, seeded with the predecessors; after the cell
 * the ledger's row count and the Redis key count are checked against the accepted requests (so a
 * shared cell that did not really share fails), and the schema and keys are dropped. A local cell's
 * ledger files live in a temporary directory that is deleted at the end.
 *
 * <p>{@code --warmup-requests N} warms each cell up by count (N requests, whatever they take) instead
 * of by time, so both modes enter the measured window equally warm. {@code --jit-settle N} (default
 * 10,000; 0 off) then goes on in chunks of N requests until the instances' JIT compilers are quiet
 * (a shared instance compiles for far longer: see {@link #settleJit}). {@code --pin S,I} pins this
 * driver, PostgreSQL and Redis to CPU S and every instance to CPU I ({@code taskset}, needs the right
 * to pin the servers' processes; they get all CPUs back at the end): the stores then run "on hosts of
 * their own", as in a deployment, and the instances' one core bounds both modes.
 *
 * <p>Everything talks to 127.0.0.1; every phase has a time limit; the instances exit by themselves
 * when this JVM's pipe closes or their time limit passes, and are killed when a cell ends or this
 * JVM exits. Exit status 0 when every request got 200, 1 when some did not, 2 when the run failed.
 *
 * <pre>
 * java -cp ect-benchmarks/target/benchmarks.jar dev.ect.benchmarks.MultiInstanceLoadTest
 *      [--providers accp,jdk] [--instances 1,2,4] [--rounds 2] [--connections 16] [--requests 60000]
 *      [--seconds 10] [--warmup 3] [--warmup-requests 0] [--jit-settle 10000] [--pin 0,1] [--redis-url redis://127.0.0.1:6379/0]
 *      [--jdbc-url "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"] [--instance-jvm-args "-Xmx1g"] [--quick]
 * </pre>
 */
public final class MultiInstanceLoadTest {
    private static final String TAG = "@ect ";
    private static final String EOF = new String("EOF"); // identity-compared sentinel
    static final String LOCAL = "local";
    static final String SHARED = "shared";

    /** Shared cells whose schema and keys are not dropped yet (schema → key prefix); a shutdown hook drops them. */
    private static final Map<String, String> UNDROPPED = new java.util.concurrent.ConcurrentHashMap<>();

    /** The CPUs this JVM may use at start (before {@code --pin} narrows it to one). */
    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    private MultiInstanceLoadTest() {}

    /** A run that cannot go on, with a message for the user. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) { super(message); }
    }

    private static final String USAGE = String.join("\n",
            "MultiInstanceLoadTest [--providers accp,jdk] [--instances 1,2,4] [--rounds 2] [--connections 16] [--requests 60000]",
            "                      [--seconds 10] [--warmup 3] [--warmup-requests 0] [--jit-settle 10000] [--pin STORES_CPU,INSTANCES_CPU]",
            "                      [--redis-url URL] [--jdbc-url URL] [--instance-jvm-args \"...\"] [--quick]",
            "N child-JVM instances with shared stores (Redis + PostgreSQL) vs local stores (Caffeine + FileLedger), same load.");

    /**
     * Runs the benchmark (or, with the internal {@code --role instance}, one instance) and exits.
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
            rc = o.role.equals("instance") ? instance(o) : drive(o);
        } catch (Failure | IllegalArgumentException e) {
            System.err.println("MultiInstanceLoadTest: " + e.getMessage());
            rc = 2;
        } catch (Exception e) { // e.g. a store that cannot be reached for seeding or checking
            System.err.println("MultiInstanceLoadTest: the run failed: " + e);
            rc = 2;
        }
        System.exit(rc);
    }

    static final class Options {
        String role = "driver";
        List<String> providers = List.of(Fixtures.ACCP, Fixtures.JDK);
        List<Integer> instances = List.of(1, 2, 4);
        int rounds = 2;
        int connections = 16;
        int requests = 60_000;
        int seconds = 10;
        int warmupSeconds = 3;
        String redisUrl = "redis://127.0.0.1:6379/0";
        String jdbcUrl = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
        /**
         * 1 GiB: with the JIT settling a cell sends up to ~150,000 requests, and a local instance holds
         * every entry in its FileLedger's index and its replay store (384 MiB ran out at N = 1).
         */
        List<String> instanceJvmArgs = List.of("-Xmx1g");
        /** Warm-up by count: at least this many requests per cell before the measured window (0: by time only). */
        int warmupRequests;
        /** After the warm-up, chunks of this many requests until the instances' JIT is quiet (0: off; {@link #settleJit}). */
        int jitSettle = 10_000;
        /**
         * {@code --pin S,I}: this driver, PostgreSQL and Redis on CPU S, every instance JVM on CPU I (null:
         * no pinning). Emulates a deployment whose stores run on hosts of their own: in both modes the
         * instances' one core is what bounds the throughput.
         */
        int[] pin;
        // instance role
        String provider;
        String store;
        Path dir;
        Path ledgerFile;
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
                    case "--instances" -> o.instances = Arrays.stream(args[++i].split(",")).map(Integer::valueOf)
                            .collect(Collectors.toList());
                    case "--rounds" -> o.rounds = Integer.parseInt(args[++i]);
                    case "--connections" -> o.connections = Integer.parseInt(args[++i]);
                    case "--requests" -> o.requests = Integer.parseInt(args[++i]);
                    case "--seconds" -> o.seconds = Integer.parseInt(args[++i]);
                    case "--warmup" -> o.warmupSeconds = Integer.parseInt(args[++i]);
                    case "--redis-url" -> o.redisUrl = args[++i];
                    case "--jdbc-url" -> o.jdbcUrl = args[++i];
                    case "--warmup-requests" -> o.warmupRequests = Integer.parseInt(args[++i]);
                    case "--jit-settle" -> o.jitSettle = Integer.parseInt(args[++i]);
                    case "--pin" -> o.pin = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--instance-jvm-args" -> o.instanceJvmArgs = Arrays.stream(args[++i].trim().split("\\s+"))
                            .filter(s -> !s.isEmpty()).collect(Collectors.toList());
                    case "--provider" -> o.provider = args[++i];
                    case "--store" -> o.store = args[++i];
                    case "--dir" -> o.dir = Path.of(args[++i]);
                    case "--ledger-file" -> o.ledgerFile = Path.of(args[++i]);
                    case "--max-seconds" -> o.maxSeconds = Long.parseLong(args[++i]);
                    case "--quick" -> {
                        o.providers = List.of(Fixtures.JDK);
                        o.instances = List.of(1, 2);
                        o.rounds = 1;
                        o.connections = 4;
                        o.requests = 400;
                        o.seconds = 1;
                        o.warmupSeconds = 0;
                        o.jitSettle = 0;
                        o.instanceJvmArgs = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
                    }
                    case "--help" -> o.help = true;
                    default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
                }
            }
            if (o.rounds < 1 || o.requests < 1 || o.seconds < 1 || o.warmupSeconds < 0 || o.instances.isEmpty()
                    || o.instances.stream().anyMatch(n -> n < 1 || n > o.connections)) {
                throw new IllegalArgumentException("--rounds, --requests, --seconds must be positive and every --instances "
                        + "value between 1 and --connections (" + o.connections + ")");
            }
            if (o.redisUrl.contains("?") || o.jdbcUrl.contains("ect.schema") || o.jdbcUrl.contains("ect.tablePrefix")) {
                throw new IllegalArgumentException("--redis-url takes no options and --jdbc-url no ect.schema/ect.tablePrefix: "
                        + "each shared cell gets its own key prefix and schema");
            }
            return o;
        }

        /** Time limit of one instance JVM; one that lives longer is hung and halts itself. */
        long instanceSeconds() { return 2L * (warmupSeconds + seconds) + (jitSettle > 0 ? 900 : 240); }
    }

    // ---------------------------------------------------------------- driver

    /** One measured cell. */
    private record Cell(String provider, int n, String store, int round, LoadDriver.Result r, long serverCpuNs, long postgresCpuNs,
            long redisCpuNs, long driverCpuNs, String check) {
        double reqPerSecond() { return r.count() / r.seconds(); }

        /** CPU nanoseconds of the measured window as µs per request. */
        private double perRequest(long cpuNs) { return cpuNs / 1e3 / Math.max(1, r.count()); }

        double serverCpuMicrosPerRequest() { return perRequest(serverCpuNs); }

        /** PostgreSQL's and Redis' own CPU (every process of theirs) per request in the measured window. */
        double storesCpuMicrosPerRequest() { return perRequest(postgresCpuNs + redisCpuNs); }

        /** Redis' part of {@link #storesCpuMicrosPerRequest}. */
        double redisCpuMicrosPerRequest() { return perRequest(redisCpuNs); }

        /** This driver's CPU per request in the measured window (the load threads and the rest of this JVM). */
        double driverCpuMicrosPerRequest() { return perRequest(driverCpuNs); }

        /** Everything the machine spent per request: instances + stores + driver. */
        double totalCpuMicrosPerRequest() {
            return serverCpuMicrosPerRequest() + storesCpuMicrosPerRequest() + driverCpuMicrosPerRequest();
        }
    }

    private static int drive(Options o) throws Exception {
        for (String p : o.providers) {
            Fixtures.provider(p); // fail now (e.g. no ACCP here), not after the first cells
        }
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Path dir = Files.createTempDirectory("ect-multi-" + run + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        LoadFixture fx = LoadFixture.create();
        Files.writeString(dir.resolve("key.jwk"), fx.key.privateJwk()); // a throwaway benchmark key, owner-only directory
        String loadBefore = SplitLoadTest.loadAverage();
        System.out.printf(Locale.ROOT, "Multi-instance: JVM %s, %d CPUs, load average %s; instances = child JVMs (%s); "
                + "%d connections in total spread over the instances; per cell %d s warm-up, then at most %d requests or %d s; "
                + "%d round(s) per N alternating local/shared; run id %s%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), loadBefore,
                String.join(" ", o.instanceJvmArgs), o.connections, o.warmupSeconds, o.requests, o.seconds, o.rounds, run);
        System.out.printf(Locale.ROOT, "local = CaffeineReplayStore + FileLedger per instance; shared = ECT_REDIS_URL=%s?keyPrefix=ect:mb:%s:<cell>: "
                + "+ ECT_JDBC_URL=%s&ect.schema=ect_mb_%s_<cell>%n", o.redisUrl, run, o.jdbcUrl, run);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // Ctrl-C or SIGTERM in the middle of a cell
            UNDROPPED.forEach((schema, prefix) -> dropShared(o, schema, prefix));
            try {
                deleteTree(dir);
            } catch (IOException | RuntimeException e) {
                System.err.println("could not delete " + dir + ": " + e);
            }
        }, "drop-shared-stores"));
        List<Cell> cells = new ArrayList<>();
        int cellNo = 0;
        List<Long> pinned = o.pin == null ? List.of() : pinStores(o.pin[0]);
        try {
            for (String provider : o.providers) {
                for (int n : o.instances) {
                    for (int round = 0; round < o.rounds; round++) {
                        List<String> order = round % 2 == 0 ? List.of(LOCAL, SHARED) : List.of(SHARED, LOCAL);
                        for (String store : order) {
                            Cell c = cell(o, fx, dir, run, ++cellNo, provider, n, store, round + 1);
                            cells.add(c);
                            System.out.printf(Locale.ROOT, "  %s N=%d %-6s round %d: %,7.0f req/s  p50 %.2f ms  p99 %.2f ms  non-200 %d  "
                                    + "CPU µs/req: instances %.0f, stores %.0f (Redis %.0f), driver %.0f  %s%n", provider, n, store, round + 1,
                                    c.reqPerSecond(), c.r().p50() / 1e6, c.r().p99() / 1e6, c.r().errors(), c.serverCpuMicrosPerRequest(),
                                    c.storesCpuMicrosPerRequest(), c.redisCpuMicrosPerRequest(), c.driverCpuMicrosPerRequest(), c.check());
                        }
                    }
                }
            }
        } finally {
            unpin(pinned);
            deleteTree(dir);
        }
        printTables(o, cells, loadBefore);
        if (cells.stream().anyMatch(c -> c.r().errors() > 0 || c.r().count() == 0)) {
            System.out.println("FAILED: some requests did not get 200 (or a cell answered none)");
            return 1;
        }
        return 0;
    }

    /**
     * Pins this JVM, every PostgreSQL process (postmaster included, so new backends inherit it) and
     * every redis-server to one CPU with {@code taskset -a -p}; returns the pids pinned. Fails when
     * that is not possible (no taskset, not allowed): a run with {@code --pin} is never silently unpinned.
     */
    private static List<Long> pinStores(int cpu) throws IOException, InterruptedException {
        List<Long> pids = new ArrayList<>();
        pids.add(ProcessHandle.current().pid());
        ProcessHandle.allProcesses().filter(h -> isPostgres(h) || isRedis(h)).forEach(h -> pids.add(h.pid()));
        if (pids.size() < 3) {
            throw new Failure("--pin: found no PostgreSQL or Redis process to pin (pids " + pids + ")");
        }
        for (long pid : pids) {
            taskset(Integer.toString(cpu), pid);
        }
        // The driver stands in for clients on other hosts: it must not delay the stores that share its
        // CPU (a PostgreSQL backend waiting behind 16 busy driver threads adds a time slice to every round
        // trip). Threads inherit their creator's nice value, so the load threads made later are niced too.
        long self = ProcessHandle.current().pid();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(self), "task"))) {
            for (Path t : tasks.toList()) {
                run("renice", "-n", "10", "-p", t.getFileName().toString());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> unpin(pids), "unpin-stores"));
        System.out.printf(Locale.ROOT, "pinned: driver (nice 10), PostgreSQL and Redis (%d processes) on CPU %d%n", pids.size(), cpu);
        return pids;
    }

    private static void taskset(String cpus, long pid) throws IOException, InterruptedException {
        run("taskset", "-a", "-c", "-p", cpus, Long.toString(pid));
    }

    /** Runs a pinning command; fails the run when it does not succeed within 10 s (needs util-linux and the right to). */
    private static void run(String... cmd) throws IOException, InterruptedException {
        Process t = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!t.waitFor(10, TimeUnit.SECONDS) || t.exitValue() != 0) {
            t.destroyForcibly();
            throw new Failure("--pin: " + String.join(" ", cmd) + " failed (needs util-linux and the right to pin or renice it)");
        }
    }

    /** Gives every pinned process back all CPUs (idempotent; errors only printed: it runs in a shutdown hook too). */
    private static void unpin(List<Long> pids) {
        String all = "0-" + (CPUS - 1);
        for (long pid : pids) {
            try {
                taskset(all, pid);
            } catch (IOException | InterruptedException | RuntimeException e) {
                // the process may be gone (a backend that ended); nothing to give back
            }
        }
    }

    /**
     * Warms up in chunks of {@code --jit-settle} requests until the instances' JIT compilers are
     * quiet: until a chunk added less than 2 % of its wall time (summed over the instances) to
     * their compilation time, or {@link #MAX_SETTLE_CHUNKS} chunks. A shared instance runs far more code than a local one
     * (the JDBC driver, the pool, the Redis client) and, at its lower request rate, is still
     * compiling long after a warm-up by count: measured, its C2 thread was half its CPU 20 s into
     * a cell. Returns the requests sent.
     */
    private static int settleJit(Options o, LoadFixture fx, int[] ports, String provider, int n, String store) throws Exception {
        int sent = 0;
        for (int chunk = 1; chunk <= MAX_SETTLE_CHUNKS; chunk++) {
            String[] tokens = fx.mint(o.jitSettle);
            long jit0 = jitMillis(ports);
            long t0 = System.nanoTime();
            LoadDriver.Result w = LoadDriver.drive(ports, "/ect", tokens, o.connections, tokens.length, 300);
            long wallMillis = (System.nanoTime() - t0) / 1_000_000;
            long jit = jitMillis(ports) - jit0;
            if (w.errors() > 0) {
                throw new Failure(f("%s N=%d %s: %d of %d JIT warm-up requests did not get 200", provider, n, store, w.errors(), w.count()));
            }
            sent += w.count();
            if (jit * 50 < wallMillis * ports.length) {
                System.out.printf(Locale.ROOT, "    %s N=%d %s: JIT quiet after %d chunk(s) of %d (last: %d ms compiling in %d ms)%n",
                        provider, n, store, chunk, o.jitSettle, jit, wallMillis);
                return sent;
            }
        }
        System.out.printf(Locale.ROOT, "    %s N=%d %s: JIT still compiling after %d chunks of %d; measuring anyway%n", provider, n,
                store, MAX_SETTLE_CHUNKS, o.jitSettle);
        return sent;
    }

    /** The most chunks {@link #settleJit} sends before it measures anyway. */
    private static final int MAX_SETTLE_CHUNKS = 10;

    /** Asks the instances for their JIT time ({@link #jitMillis}); one client for the whole run. */
    private static final java.net.http.HttpClient JIT_CLIENT = java.net.http.HttpClient.newHttpClient();

    /** The instances' JIT compilation time so far, summed (ms), from {@link LoadServer#JIT_PATH}. */
    private static long jitMillis(int[] ports) throws IOException, InterruptedException {
        long sum = 0;
        for (int port : ports) {
            var r = JIT_CLIENT.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + LoadServer.JIT_PATH)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            sum += Long.parseLong(r.body().trim());
        }
        return sum;
    }

    /**
     * The CPU time (user + system) of every PostgreSQL process now running, from {@code /proc}: the
     * stores' own cost, which the instances' CPU does not include. Backends that start and end inside
     * the window are missed (the instances' pools open before it); 0 where {@code /proc} cannot be read.
     */
    static long postgresCpuNanos() { return cpuNanosOf(MultiInstanceLoadTest::isPostgres); }

    /** The same for every Redis server process. */
    static long redisCpuNanos() { return cpuNanosOf(MultiInstanceLoadTest::isRedis); }

    private static long cpuNanosOf(java.util.function.Predicate<ProcessHandle> which) {
        return ProcessHandle.allProcesses().filter(which)
                .mapToLong(h -> h.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }

    static boolean isPostgres(ProcessHandle h) { return h.info().command().map(c -> c.endsWith("/postgres")).orElse(false); }

    /**
     * A Redis server: Debian installs {@code redis-server} as a link to {@code redis-check-rdb}, which
     * is then the process's executable (before session 6 the pinning missed Redis for that reason).
     */
    static boolean isRedis(ProcessHandle h) {
        return h.info().command().map(c -> c.endsWith("/redis-server") || c.endsWith("/redis-check-rdb")).orElse(false);
    }

    private static long driverCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** One cell on fresh instances; the shared stores it created are dropped before it returns. */
    private static Cell cell(Options o, LoadFixture fx, Path dir, String run, int cellNo, String provider, int n,
            String store, int round) throws Exception {
        boolean shared = store.equals(SHARED);
        String schema = "ect_mb_" + run + "_" + cellNo;
        String prefix = "ect:mb:" + run + ":" + cellNo + ":";
        Map<String, String> env = new HashMap<>();
        List<Path> ledgerFiles = new ArrayList<>();
        if (shared) {
            env.put(EctStores.REDIS_URL_ENV, o.redisUrl + "?keyPrefix=" + prefix);
            env.put(EctStores.JDBC_URL_ENV, o.jdbcUrl + "&ect.schema=" + schema);
        }
        List<Instance> instances = new ArrayList<>();
        long t0 = System.nanoTime();
        if (shared) {
            UNDROPPED.put(schema, prefix);
        }
        try {
            if (shared) {
                // the owner's first open creates the schema; the predecessors go in once, for every instance
                try (EctStores s = EctStores.of(null, env.get(EctStores.JDBC_URL_ENV), Fixtures.CLOCK)) {
                    fx.seed(s.ledger().orElseThrow());
                }
            } else {
                for (int i = 0; i < n; i++) {
                    Path f = dir.resolve("ledger-" + cellNo + "-" + i + ".jsonl");
                    try (FileLedger l = FileLedger.open(f, FileLedger.Recovery.STRICT, Fixtures.CLOCK)) {
                        fx.seed(l);
                    }
                    ledgerFiles.add(f);
                }
            }
            for (int i = 0; i < n; i++) {
                instances.add(Instance.start(o, provider, store, dir, shared ? null : ledgerFiles.get(i), env));
            }
            // mint while the instances start (outside any measured window)
            String[] warm = o.warmupRequests > 0 ? fx.mint(o.warmupRequests)
                    : o.warmupSeconds == 0 ? null : fx.mint(Math.min(o.requests, 8_000 * o.warmupSeconds));
            String[] tokens = fx.mint(o.requests);
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ports[i] = instances.get(i).awaitReady(120);
            }
            long readyMillis = (System.nanoTime() - t0) / 1_000_000;
            int warmCount = 0;
            if (warm != null) {
                // by count: every request of the warm-up set (the time limit only guards against a hang)
                LoadDriver.Result w = LoadDriver.drive(ports, "/ect", warm, o.connections, warm.length,
                        o.warmupRequests > 0 ? Math.max(300, o.warmupSeconds) : o.warmupSeconds);
                if (w.errors() > 0) {
                    throw new Failure(f("%s N=%d %s: %d of %d warm-up requests did not get 200", provider, n, store, w.errors(), w.count()));
                }
                warmCount = w.count();
            }
            if (o.jitSettle > 0) {
                warmCount += settleJit(o, fx, ports, provider, n, store);
            }
            long cpu0 = instances.stream().mapToLong(Instance::cpuNanos).sum();
            long postgres0 = postgresCpuNanos();
            long redis0 = redisCpuNanos();
            long driver0 = driverCpuNanos();
            LoadDriver.Result r = LoadDriver.drive(ports, "/ect", tokens, o.connections, o.requests, o.seconds);
            long cpu = instances.stream().mapToLong(Instance::cpuNanos).sum() - cpu0;
            long postgresCpu = postgresCpuNanos() - postgres0;
            long redisCpu = redisCpuNanos() - redis0;
            long driverCpu = driverCpuNanos() - driver0;
            for (Instance i : instances) {
                i.checkAlive();
            }
            long accepted = warmCount + r.count() - r.errors();
            String check = r.errors() > 0 ? "stores not checked (non-200 answers)"
                    : shared ? checkShared(o, schema, prefix, accepted) : checkLocal(ledgerFiles, accepted);
            check += f("; ready after %d ms", readyMillis);
            return new Cell(provider, n, store, round, r, cpu, postgresCpu, redisCpu, driverCpu, check);
        } finally {
            for (Instance i : instances) {
                i.close();
            }
            if (shared) {
                dropShared(o, schema, prefix);
                UNDROPPED.remove(schema);
            }
            for (Path f : ledgerFiles) {
                Files.deleteIfExists(f);
            }
        }
    }

    /**
     * Every accepted request left exactly one ledger row (plus the three predecessors) and one replay
     * key: the instances really shared the stores.
     */
    private static String checkShared(Options o, String schema, String prefix, long accepted) throws SQLException {
        long rows;
        try (Connection c = DriverManager.getConnection(o.jdbcUrl); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema + ".ect_ledger")) {
            rs.next();
            rows = rs.getLong(1);
        }
        long keys = 0;
        try (Jedis j = new Jedis(URI.create(o.redisUrl))) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> s = j.scan(cursor, new ScanParams().match(prefix + "*").count(1000));
                keys += s.getResult().size();
                cursor = s.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        if (rows != accepted + 3 || keys != accepted) {
            throw new Failure(f("shared stores do not match the %d accepted requests: %d ledger rows (expected %d), %d replay keys",
                    accepted, rows, accepted + 3, keys));
        }
        return f("checked: %d ledger rows, %d replay keys", rows, keys);
    }

    /** Every accepted request left one line in one instance's ledger file (plus three predecessors per file). */
    private static String checkLocal(List<Path> files, long accepted) throws IOException {
        long lines = 0;
        for (Path p : files) {
            try (Stream<String> s = Files.lines(p)) {
                lines += s.filter(l -> !l.isBlank()).count();
            }
        }
        long expected = accepted + 3L * files.size();
        if (lines != expected) {
            throw new Failure(f("local ledgers hold %d entries, expected %d", lines, expected));
        }
        return f("checked: %d ledger lines in %d files", lines, files.size());
    }

    /** Drops the cell's schema and deletes its replay keys; best effort, reported on failure. */
    private static void dropShared(Options o, String schema, String prefix) {
        try (Connection c = DriverManager.getConnection(o.jdbcUrl); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("could not drop schema " + schema + ": " + e.getMessage());
        }
        try (Jedis j = new Jedis(URI.create(o.redisUrl))) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> s = j.scan(cursor, new ScanParams().match(prefix + "*").count(1000));
                if (!s.getResult().isEmpty()) {
                    j.del(s.getResult().toArray(String[]::new));
                }
                cursor = s.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        } catch (RuntimeException e) {
            System.err.println("could not delete replay keys " + prefix + "*: " + e.getMessage());
        }
    }

    private static void printTables(Options o, List<Cell> cells, String loadBefore) {
        System.out.println();
        System.out.println("| provider | N | stores | round | requests | s | req/s | p50 ms | p99 ms | non-200 | instances' CPU µs/req"
                + " | stores' CPU µs/req | driver CPU µs/req | total CPU µs/req |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Cell c : cells) {
            System.out.println(f("| %s | %d | %s | %d | %d | %.1f | %.0f | %.2f | %.2f | %d | %.0f | %.0f | %.0f | %.0f |", c.provider(), c.n(),
                    c.store(), c.round(), c.r().count(), c.r().seconds(), c.reqPerSecond(), c.r().p50() / 1e6, c.r().p99() / 1e6,
                    c.r().errors(), c.serverCpuMicrosPerRequest(), c.storesCpuMicrosPerRequest(), c.driverCpuMicrosPerRequest(),
                    c.totalCpuMicrosPerRequest()));
        }
        System.out.println();
        System.out.println("| provider | N | local req/s | shared req/s | shared/local | local CPU µs/req | shared CPU µs/req"
                + " | shared stores' CPU µs/req | local total µs/req | shared total µs/req |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Map<String, List<Cell>> byKey = new LinkedHashMap<>();
        for (Cell c : cells) {
            byKey.computeIfAbsent(c.provider() + " " + c.n(), k -> new ArrayList<>()).add(c);
        }
        for (List<Cell> g : byKey.values()) {
            double local = mean(g, LOCAL, Cell::reqPerSecond);
            double shared = mean(g, SHARED, Cell::reqPerSecond);
            System.out.println(f("| %s | %d | %.0f | %.0f | %.2f | %.0f | %.0f | %.0f | %.0f | %.0f |", g.get(0).provider(), g.get(0).n(),
                    local, shared, shared / local, mean(g, LOCAL, Cell::serverCpuMicrosPerRequest),
                    mean(g, SHARED, Cell::serverCpuMicrosPerRequest), mean(g, SHARED, Cell::storesCpuMicrosPerRequest),
                    mean(g, LOCAL, Cell::totalCpuMicrosPerRequest), mean(g, SHARED, Cell::totalCpuMicrosPerRequest)));
        }
        System.out.println();
        System.out.println("req/s: mean over the rounds; instances' CPU: the instance JVMs' process CPU time (user + system) in the "
                + "measured window per request, without Redis' and PostgreSQL's own CPU; stores' CPU: every postgres and redis-server "
                + "process (from /proc); driver: this JVM; total: the three. Load average before: " + loadBefore
                + ", after: " + SplitLoadTest.loadAverage() + ".");
    }

    private static double mean(List<Cell> g, String store, java.util.function.ToDoubleFunction<Cell> v) {
        return g.stream().filter(c -> c.store().equals(store)).mapToDouble(v).average().orElse(Double.NaN);
    }

    private static String f(String format, Object... args) { return String.format(Locale.ROOT, format, args); }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** One instance JVM as seen by the driver. */
    private static final class Instance implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

        private Instance(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith(TAG)) {
                            answers.add(line.substring(TAG.length()));
                        } else {
                            System.err.println("[instance " + process.pid() + "] " + line);
                        }
                    }
                } catch (IOException e) {
                    // the child is gone
                }
                answers.add(EOF);
            }, "instance-stdout-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        static Instance start(Options o, String provider, String store, Path dir, Path ledgerFile, Map<String, String> env)
                throws IOException {
            List<String> cmd = new ArrayList<>();
            if (o.pin != null) {
                cmd.addAll(List.of("taskset", "-c", Integer.toString(o.pin[1])));
            }
            cmd.addAll(SplitLoadTest.javaCommand(o.instanceJvmArgs));
            cmd.add(MultiInstanceLoadTest.class.getName());
            cmd.addAll(List.of("--role", "instance", "--provider", provider, "--store", store, "--dir", dir.toString(),
                    "--max-seconds", Long.toString(o.instanceSeconds())));
            if (ledgerFile != null) {
                cmd.addAll(List.of("--ledger-file", ledgerFile.toString()));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().remove(EctStores.REDIS_URL_ENV);
            pb.environment().remove(EctStores.JDBC_URL_ENV);
            pb.environment().putAll(env);
            Process p = pb.start(); // stdin stays a pipe: it closes when we die, and the instance exits
            SplitLoadTest.killOnExit(p);
            return new Instance(p);
        }

        /** Waits for the instance's READY line; returns its port. */
        int awaitReady(long seconds) throws Exception {
            String line = answers.poll(seconds, TimeUnit.SECONDS);
            if (line == null) {
                throw new Failure("instance " + process.pid() + " was not ready within " + seconds + " s");
            }
            if (line == EOF) {
                String status = process.waitFor(5, TimeUnit.SECONDS) ? "status " + process.exitValue() : "still running";
                throw new Failure("instance " + process.pid() + " closed its output (" + status + ") before it was ready");
            }
            if (!line.startsWith("READY ")) {
                throw new Failure("instance " + process.pid() + " answered '" + line + "' instead of READY");
            }
            return Integer.parseInt(line.split(" ")[1]);
        }

        void checkAlive() {
            if (!process.isAlive()) {
                throw new Failure("instance " + process.pid() + " died during the cell (status " + process.exitValue() + ")");
            }
        }

        /** The instance's process CPU time (all threads, user + system) so far. */
        long cpuNanos() {
            return process.toHandle().info().totalCpuDuration().map(Duration::toNanos)
                    .orElseThrow(() -> new Failure("cannot read the CPU time of instance " + process.pid()));
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close(); // the instance closes its stores and exits
            } catch (IOException e) {
                // already gone
            }
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    System.err.println("instance " + process.pid() + " did not exit within 10 s of its stdin closing; killing it");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                SplitLoadTest.kill(process);
            }
        }
    }

    // ---------------------------------------------------------------- instance

    /**
     * One instance: the pipeline of {@link Fixtures#pipeline} with local stores, or with the shared
     * ones {@code ECT_REDIS_URL} / {@code ECT_JDBC_URL} name (read from the environment, as
     * {@code ect serve} reads them), behind {@link LoadServer}. Answers {@code READY <port>} and
     * serves until its stdin closes.
     */
    private static int instance(Options o) throws Exception {
        if (o.maxSeconds <= 0 || o.provider == null || o.store == null || o.dir == null) {
            throw new Failure("the instance role is internal: start MultiInstanceLoadTest without --role");
        }
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(o.maxSeconds));
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("instance: time limit of " + o.maxSeconds + " s reached; exiting");
            Runtime.getRuntime().halt(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            var key = EctKeys.fromPrivateJwk(Files.readString(o.dir.resolve("key.jwk")));
            EctVerifier verifier;
            if (o.store.equals(SHARED)) {
                EctStores stores = EctStores.fromEnvironment(System.getenv(), Fixtures.CLOCK);
                owned.add(stores);
                if (stores.replayStore().isEmpty() || stores.ledger().isEmpty()) {
                    throw new Failure("a shared instance needs both " + EctStores.REDIS_URL_ENV + " and " + EctStores.JDBC_URL_ENV);
                }
                verifier = Fixtures.pipeline(key, Fixtures.provider(o.provider), stores.ledger().get(), stores.replayStore().get());
            } else if (o.store.equals(LOCAL)) {
                FileLedger ledger = FileLedger.open(o.ledgerFile, FileLedger.Recovery.STRICT, Fixtures.CLOCK);
                owned.add(ledger);
                verifier = Fixtures.pipeline(key, Fixtures.provider(o.provider), ledger, new CaffeineReplayStore(1_000_000, Fixtures.CLOCK));
            } else {
                throw new Failure("--store must be local or shared: " + o.store);
            }
            LoadServer server = LoadServer.start(verifier);
            owned.add(server);
            String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                    .collect(Collectors.joining(","));
            System.out.println(TAG + "READY " + server.port() + " " + gcs);
            System.out.flush();
            while (System.in.read() >= 0) {
                // the driver never writes; serve until it closes our stdin (or dies)
            }
            return 0;
        } catch (Exception | Error e) {
            System.out.println(TAG + "ERROR " + e.toString().replace('\n', ' '));
            System.out.flush();
            return 1;
        } finally {
            for (int i = owned.size() - 1; i >= 0; i--) {
                try {
                    owned.get(i).close();
                } catch (Exception e) {
                    // closing is best effort; every accepted append was already durable
                }
            }
        }
    }
}

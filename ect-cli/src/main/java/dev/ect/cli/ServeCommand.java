package dev.ect.cli;

import dev.ect.core.CryptoProvider;
import dev.ect.core.config.EctConfig;
import dev.ect.core.config.EctConfigException;
import dev.ect.core.config.EctConfigSource;
import dev.ect.core.config.EctOption;
import dev.ect.core.config.EctRuntime;
import dev.ect.core.LogSafe;
import dev.ect.core.VerificationListener;
import dev.ect.core.VerifiedEct;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.tlog.CheckpointSigner;
import dev.ect.core.tlog.LedgerTree;
import dev.ect.core.tlog.LedgerTreeException;
import dev.ect.servlet.EctFilter;
import dev.ect.servlet.EctFilterConfig;
import dev.ect.servlet.EctFilterEvent;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Provider;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ect serve}: an HTTP endpoint that verifies the ECT of every request. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run an HTTP server that verifies every request's ECT.",
            "Embedded Jetty with the ECT servlet filter on every path. An accepted ECT is answered 200 "
                + "application/json with the verified header and claims; a rejected one 403 (or 503) "
                + "application/problem+json with ect_error. One log line per request on stderr (jti, iss, "
                + "outcome, reason; never the token). Stops cleanly on SIGTERM or Ctrl-C."})
final class ServeCommand extends BaseCommand {
    private static final Logger LOG = LoggerFactory.getLogger("ect.serve");

    @Option(names = "--port", required = true, paramLabel = "N", description = "TCP port (0 = any free port, printed at start-up)")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for all interfaces)")
    String host;

    @Option(names = "--id", required = true, paramLabel = "VERIFIER_ID", description = "this server's workload id; aud must contain it (V-12)")
    String verifierId;

    @Option(names = "--response-key", paramLabel = "PRIVATE.jwk",
            description = "sign a response ECT for each accepted request (T-08), iss = --id")
    Path responseKey;

    @Option(names = "--ledger-key", paramLabel = "LEDGER_PRIVATE.jwk",
            description = "publish the ledger's signed checkpoint and proofs under " + EvidenceServlet.BASE + "/ (L-07, L-08), "
                + "signed with this Ed25519 private JWK (ect keygen --alg EdDSA); needs --origin and a ledger")
    Path ledgerKey;

    @Option(names = "--origin", paramLabel = "ORIGIN",
            description = "the checkpoints' origin and key name, e.g. ledger.example.com/agent-b (with --ledger-key)")
    String origin;

    @Option(names = "--ledger-tree", paramLabel = "FILE",
            description = "the tree file of the published checkpoints (default LEDGER_FILE.tree; in memory for a "
                + "PostgreSQL ledger unless given)")
    Path ledgerTree;

    @Mixin
    VerifierOptions options = new VerifierOptions();

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new CliException("--port must be between 0 and 65535");
        }
        Running running = start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.stop();
            stopped.countDown();
        }, "ect-serve-shutdown"));
        running.server.join();
        stopped.await();
        return EctCli.OK;
    }

    /** A started server with what it owns. */
    static final class Running {
        final Server server;
        final EctRuntime built;
        /** The tree of the published checkpoints, or null. */
        final LedgerTree tree;
        private boolean stopped;

        Running(Server server, EctRuntime built, LedgerTree tree) {
            this.server = server;
            this.built = built;
            this.tree = tree;
        }

        int port() { return ((ServerConnector) server.getConnectors()[0]).getLocalPort(); }

        /** Stops Jetty (finishing requests in flight, up to 5 s) and closes the stores; idempotent. */
        synchronized void stop() {
            if (stopped) {
                return;
            }
            stopped = true;
            LOG.info("stopping");
            try {
                server.stop();
            } catch (Exception e) {
                LOG.warn("stopping Jetty failed: {}", e.toString());
            } finally {
                if (tree != null) {
                    tree.close();
                }
                built.close();
            }
            LOG.info("stopped");
        }
    }

    /** Builds and starts the server; the caller stops it. */
    Running start() throws Exception {
        Map<String, String> env = env();
        EctConfig config = options.config("--id", verifierId, env, Map.of(EctOption.RESPONSE_KEY_FILE,
                new java.util.AbstractMap.SimpleEntry<>("--response-key", responseKey == null ? null : responseKey.toString())));
        CryptoProvider provider = cryptoProvider(config);
        CheckpointSigner checkpointSigner = checkpointSigner(config);
        EctRuntime built = VerifierOptions.open(config, VerificationListener.noop()); // the filter's event carries the jti/iss
        LedgerTree tree = null;
        try {
            EctFilterConfig.Builder cfg = EctFilterConfig.builder().runtime(built).environment(env)
                    .requiredPaths("/*").listener(ServeCommand::log);
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost(host);
            connector.setPort(port);
            server.addConnector(connector);
            server.setStopTimeout(5_000);
            server.setStopAtShutdown(false); // our own hook stops it, logs, and closes the stores after
            ServletContextHandler ctx = new ServletContextHandler("/");
            ctx.addFilter(new FilterHolder(new EctFilter(cfg.build())), "/*",
                    EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
            ctx.addServlet(new ServletHolder(new ClaimsServlet()), "/*");
            if (checkpointSigner != null) {
                tree = openTree(built, config);
                // a context of its own: the ECT filter (and ECT_*_PATHS) never covers the evidence paths
                ServletContextHandler evidence = new ServletContextHandler(EvidenceServlet.BASE);
                evidence.addServlet(new ServletHolder(new EvidenceServlet(tree, built.ledger().orElseThrow(),
                        checkpointSigner)), "/*");
                server.setHandler(new ContextHandlerCollection(evidence, ctx));
            } else {
                server.setHandler(ctx);
            }
            try {
                server.start();
            } catch (IOException e) {
                server.stop();
                throw new CliException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
            }
            Running r = new Running(server, built, tree);
            LOG.info("crypto provider: {} (--crypto {})", describe(provider, config.crypto()), config.crypto());
            if (tree != null) {
                LOG.info("publishing signed checkpoints of {} ({} entries) at http://{}:{}{}/checkpoint, proofs at {}/proof/",
                        checkpointSigner.origin(), tree.size(), host, r.port(), EvidenceServlet.BASE, EvidenceServlet.BASE);
            }
            LOG.info("listening on http://{}:{} as {} ({}, min level {}, algs {})", host, r.port(), verifierId,
                    describeStores(built), built.verifier().settings().minLevel(), built.verifier().settings().algorithms());
            return r;
        } catch (RuntimeException e) {
            if (tree != null) {
                tree.close();
            }
            built.close();
            throw e;
        }
    }

    /** The provider of {@code --crypto} (or {@code ECT_CRYPTO}): auto, jdk or accp (which must load). */
    static CryptoProvider cryptoProvider(String name) {
        return cryptoProvider(EctConfigSource.of(name == null ? Map.of() : Map.of(EctOption.CRYPTO, name), o -> "option --crypto"));
    }

    private static CryptoProvider cryptoProvider(EctConfigSource source) {
        try {
            return EctConfig.from(source).cryptoProvider();
        } catch (EctConfigException e) {
            throw new CliException(e.getMessage(), e);
        }
    }

    private static CryptoProvider cryptoProvider(EctConfig config) {
        try {
            return config.cryptoProvider();
        } catch (EctConfigException e) {
            throw new CliException(e.getMessage(), e);
        }
    }

    /** The start-up line's words for the stores. */
    private static String describeStores(EctRuntime rt) {
        return (rt.ledger().isEmpty() ? "no ledger" : "ledger " + rt.ledger().get()) + ", "
                + rt.replayStore().map(s -> "shared replay store " + s.getClass().getSimpleName()).orElse("in-process replay store");
    }

    /** The start-up line's words for a provider (never probes ACCP when the JDK was asked for). */
    static String describe(CryptoProvider p, String requested) {
        if (!p.isJdk()) {
            Provider prov = p.provider().orElseThrow();
            return prov.getName() + " " + prov.getVersionStr() + " (native, " + platform() + ")";
        }
        return "jdk".equalsIgnoreCase(requested) ? "jdk (the JDK's providers, as asked)"
                : "jdk (ACCP did not load on " + platform() + ")";
    }

    private static String platform() {
        return System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }

    /** The signer of {@code --ledger-key}/{@code --origin}, or null when checkpoints are not published. */
    private CheckpointSigner checkpointSigner(EctConfig config) {
        if (ledgerKey == null && origin == null) {
            if (ledgerTree != null) {
                throw new CliException("--ledger-tree is for --ledger-key and --origin");
            }
            return null;
        }
        if (ledgerKey == null || origin == null) {
            throw new CliException("--ledger-key and --origin go together");
        }
        if (!config.hasLedger()) {
            throw new CliException("--ledger-key publishes a ledger's checkpoints: it needs --ledger (or ECT_JDBC_URL)");
        }
        try {
            return CheckpointSigner.fromPrivateJwk(origin, readFile(ledgerKey, "ledger key file"));
        } catch (IllegalArgumentException e) {
            throw new CliException("--ledger-key " + ledgerKey + " / --origin: " + e.getMessage(), e);
        }
    }

    /** The tree over the served ledger, checked against its tree file (a rewritten ledger is refused). */
    private LedgerTree openTree(EctRuntime built, EctConfig config) {
        AuditLedger ledger = built.ledger().orElseThrow();
        Path file = ledgerTree != null ? ledgerTree : config.ledgerFile().map(LedgerTree::defaultTreeFile).orElse(null);
        try {
            return LedgerTree.open(ledger, file);
        } catch (LedgerTreeException e) {
            throw new CliException("the ledger does not fit its tree file " + file + ": " + e.getMessage()
                    + " (see: ect ledger verify)", e);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new CliException("cannot open the tree file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The one log line per request: method, path, outcome, reason, jti, iss; never the token. */
    private static void log(EctFilterEvent e) {
        if (e.dispatcherType() != DispatcherType.REQUEST) {
            return;
        }
        String jti = e.jti(); // of a refused token: unverified, as it states it (EctException.unverifiedJti)
        String iss = e.iss();
        String outcome = e.outcome().name().toLowerCase(java.util.Locale.ROOT);
        LOG.info("{} {} outcome={} reason={} status={} jti={} iss={}", safe(e.method()), safe(e.path()), outcome,
                e.errorCode() == null ? "-" : e.errorCode(), e.status() == 0 ? 200 : e.status(), safe(jti), safe(iss));
    }

    /** T-11: request- and token-derived text, escaped (spaces too: one field of a key=value line). */
    private static String safe(String s) { return LogSafe.escapeField(s); }

    /** Answers every request the filter let through with the verified ECT as JSON. */
    static final class ClaimsServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
            Optional<VerifiedEct> v = EctFilter.verifiedEct(req);
            res.setContentType("application/json");
            res.setCharacterEncoding(StandardCharsets.UTF_8.name());
            if (v.isEmpty()) { // only on a path configured (by ECT_OPTIONAL_PATHS) as optional
                res.getWriter().println("{\"level\":null,\"detail\":\"no Execution-Context on this request\"}");
                return;
            }
            res.getWriter().println(JsonText.compact(VerifyCommand.acceptedJson(v.get())));
        }
    }

}

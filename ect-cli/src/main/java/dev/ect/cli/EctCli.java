package dev.ect.cli;

import dev.ect.core.config.EctConfigSource;
import dev.ect.core.config.EctOption;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code ect} command: mint, verify and inspect Execution Context Tokens, check audit ledgers,
 * draw workflow DAGs and run a verifying HTTP endpoint.
 *
 * <p>Exit codes (stable, scripts depend on them): {@code 0} success / accepted, {@code 1} the
 * token was rejected (stdout holds {@code {"ect_error":...}}) or the ledger chain is broken,
 * {@code 2} usage or I/O error (message on stderr).
 *
 * <p>Logging goes to stderr through slf4j-simple: WARN and above for every command except
 * {@code serve} (INFO), so stdout stays machine-readable. {@code ECT_LOG_LEVEL} overrides the level.
 */
@Command(name = "ect", mixinStandardHelpOptions = true, versionProvider = EctCli.Version.class,
        description = "Execution Context Tokens (IETF WIMSE ECT): mint, verify, inspect, audit.",
        subcommands = {KeygenCommand.class, MintCommand.class, VerifyCommand.class, InspectCommand.class,
            LedgerCommand.class, DagCommand.class, ServeCommand.class},
        footer = {"", "Exit codes: 0 ok/accepted, 1 rejected (JSON with ect_error on stdout), 2 usage or I/O error."})
public final class EctCli implements Runnable {
    /** Exit code: success, token accepted, chain intact. */
    public static final int OK = 0;
    /** Exit code: token rejected, chain broken. */
    public static final int REJECTED = 1;
    /** Exit code: usage or I/O error. */
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    private final InputStream stdin;
    private final Map<String, String> env;

    EctCli(InputStream stdin, Map<String, String> env) {
        this.stdin = Objects.requireNonNull(stdin, "stdin");
        this.env = Map.copyOf(env);
    }

    InputStream stdin() { return stdin; }

    Map<String, String> env() { return env; }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        configureLogging(args, System.getenv());
        System.exit(execute(args, System.in, System.out, System.err, System.getenv()));
    }

    /**
     * Runs one command line and returns its exit code, never calling {@link System#exit(int)}.
     * Used by {@link #main(String[])} and by tests.
     */
    static int execute(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine cl = new CommandLine(new EctCli(in, env));
        cl.setOut(o);
        cl.setErr(e);
        cl.setExpandAtFiles(false); // a token or a path may start with '@'
        cl.setParameterExceptionHandler((ex, argv) -> {
            CommandLine cmd = ex.getCommandLine();
            String name = cmd.getCommandSpec().qualifiedName();
            cmd.getErr().println(name + ": " + ex.getMessage());
            cmd.getErr().println("Try '" + name + " --help' for usage.");
            cmd.getErr().flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + message(ex));
            cmd.getErr().flush();
            return USAGE;
        });
        try {
            return cl.execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    private static String message(Exception ex) {
        if (ex instanceof CliException || ex instanceof IllegalArgumentException || ex instanceof IllegalStateException) {
            return ex.getMessage();
        }
        if (ex instanceof UncheckedIOException || ex instanceof IOException) {
            return "I/O error: " + ex.getMessage();
        }
        return "unexpected " + ex.getClass().getSimpleName() + ": " + ex.getMessage();
    }

    /**
     * Sets the slf4j-simple defaults before the first logger exists: stderr, WARN (INFO for
     * {@code serve}), Jetty at WARN; {@code ECT_LOG_LEVEL} and explicit system properties win.
     */
    static void configureLogging(String[] args, Map<String, String> env) {
        boolean serve = false;
        for (String a : args) {
            if (!a.startsWith("-")) {
                serve = a.equals("serve");
                break;
            }
        }
        String level = EctConfigSource.environment(env).get(EctOption.LOG_LEVEL).orElse(serve ? "info" : "warn");
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", level);
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        // serve writes its own line per request; the filter's and verifier's would repeat it
        setDefault("org.slf4j.simpleLogger.log.dev.ect.servlet", "warn");
        setDefault("org.slf4j.simpleLogger.log.dev.ect.verification", "warn");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The version from the jar manifest (or "dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = EctCli.class.getPackage().getImplementationVersion();
            return new String[] {"ect " + (v == null ? "dev" : v) + " (Execution Context Tokens, draft-nennemann-wimse-ect)"};
        }
    }
}

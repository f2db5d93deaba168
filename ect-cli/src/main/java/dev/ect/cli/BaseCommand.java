package dev.ect.cli;

import dev.ect.core.config.EctConfig;
import dev.ect.core.EctSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every subcommand shares: its output streams, stdin, the environment and input helpers. */
abstract class BaseCommand implements Callable<Integer> {
    /** Longest token read from stdin; far above any sane maxTokenBytes, bounds memory. */
    static final int MAX_STDIN_TOKEN = 1 << 20;

    @Spec
    CommandSpec spec;

    PrintWriter out() { return spec.commandLine().getOut(); }

    PrintWriter err() { return spec.commandLine().getErr(); }

    EctCli root() { return (EctCli) spec.root().userObject(); }

    Map<String, String> env() { return root().env(); }

    /** The ECT_* settings of the environment; an invalid value is a usage error naming the variable. */
    EctSettings envSettings() {
        try {
            return EctConfig.fromEnvironment(env()).settings();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
    }

    /** The token argument: itself, or stdin when it is {@code -}; surrounding whitespace removed. */
    String readToken(String arg) {
        String t;
        if ("-".equals(arg)) {
            try {
                byte[] b = root().stdin().readNBytes(MAX_STDIN_TOKEN + 1);
                if (b.length > MAX_STDIN_TOKEN) {
                    throw new CliException("stdin holds more than " + MAX_STDIN_TOKEN + " bytes; expected one token");
                }
                t = new String(b, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException("cannot read the token from stdin: " + e.getMessage(), e);
            }
        } else {
            t = arg;
        }
        t = t.strip();
        if (t.isEmpty()) {
            throw new CliException("no token given" + ("-".equals(arg) ? " on stdin" : ""));
        }
        return t;
    }

    static String readFile(Path p, String what) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(what + " " + p + " does not exist", e);
        } catch (IOException e) {
            throw new CliException("cannot read " + what + " " + p + ": " + e.getMessage(), e);
        }
    }
}

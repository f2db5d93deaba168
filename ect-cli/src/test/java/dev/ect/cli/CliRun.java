package dev.ect.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs {@link EctCli#execute} in-process and captures exit code, stdout and stderr. */
record CliRun(int code, String out, String err) {
    static CliRun run(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = EctCli.execute(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8), env);
        return new CliRun(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    static CliRun run(String... args) { return run(Map.of(), "", args); }

    /** stdout parsed as one JSON object. */
    Map<String, Object> json() { return JsonText.parseObject(out); }

    @SuppressWarnings("unchecked")
    Map<String, Object> claims() { return (Map<String, Object>) json().get("claims"); }

    @Override
    public String toString() { return "exit " + code + "\nstdout: " + out + "\nstderr: " + err; }
}

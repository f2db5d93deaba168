package dev.ect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code ect.jar} (built by {@code mvn package}) as a child process. */
final class JarProcess {
    private JarProcess() {}

    static Path jar() {
        String p = System.getProperty("ect.jar", "target/ect.jar");
        Path jar = Path.of(p);
        assertThat(jar).as("the executable jar (run through mvn verify, after package)").isRegularFile();
        return jar;
    }

    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar().toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs to completion (at most 60 s) in {@code dir}, feeding {@code stdin}. */
    static CliRun run(Path dir, Map<String, String> env, String stdin, String... args) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command(args)).directory(dir.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("ECT_"));
            pb.environment().putAll(env);
            Path out = Files.createTempFile(dir, "out", ".txt");
            Path err = Files.createTempFile(dir, "err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("ect " + String.join(" ", args) + " did not finish within 60 s");
            }
            return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new AssertionError("cannot run ect.jar: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static CliRun run(Path dir, String... args) { return run(dir, Map.of(), "", args); }
}

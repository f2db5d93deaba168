package dev.ect.hardening.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for one test (needs root: {@code mount -t tmpfs -o size=64k tmpfs DIR}), so
 * a FileLedger can really run out of disk. {@link #mount} returns null where mounting is not
 * possible (not root, no mount command); callers then skip with an assumption.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path dir;

    private Tmpfs(Path dir) { this.dir = dir; }

    /** Mounts a tmpfs of {@code size} (e.g. "64k") on a new directory under {@code parent}, or returns null. */
    public static Tmpfs mount(Path parent, String size) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(parent, "tmpfs-");
        if (run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir.toString()) != 0) {
            Files.deleteIfExists(dir);
            return null;
        }
        return new Tmpfs(dir);
    }

    public Path dir() { return dir; }

    /** Changes the size of the mounted file system (e.g. to make room again). */
    public void resize(String size) throws IOException, InterruptedException {
        if (run("mount", "-o", "remount,size=" + size, dir.toString()) != 0) {
            throw new IOException("remount of " + dir + " failed");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (run("umount", dir.toString()) != 0) {
                run("umount", "-l", dir.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unmounting " + dir, e);
        }
        Files.deleteIfExists(dir);
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return -1; // no such command here
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}

package dev.ect.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * L-05: an entry is acknowledged only once durable. A child JVM appends from four threads and prints
 * each acknowledged entry; it is killed ({@code destroyForcibly}, SIGKILL) in mid-stream; every
 * acknowledged entry must then be in the file, in a valid chain.
 */
class FileLedgerCrashTest {
    private static final Pattern ACK = Pattern.compile("(\\d+) ([0-9a-f-]{36})");

    @TempDir
    Path dir;

    // L-05, L-02, L-04
    @Test
    void l05EveryAcknowledgedEntrySurvivesKillDashNine() throws Exception {
        Path file = dir.resolve("ledger.jsonl");
        Path stderr = dir.resolve("child.err");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LedgerAppenderMain.class.getName(), file.toString(), "4");
        pb.redirectError(stderr.toFile());
        Process child = pb.start();

        int wanted = 300;
        CountDownLatch enough = new CountDownLatch(wanted);
        Map<Long, String> acked = new ConcurrentHashMap<>();
        CountDownLatch eof = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = ACK.matcher(line);
                    if (m.matches()) { // a line cut by the kill is not an acknowledgement
                        acked.put(Long.parseLong(m.group(1)), m.group(2));
                        enough.countDown();
                    }
                }
            } catch (IOException e) {
                // the pipe closed with the child
            } finally {
                eof.countDown();
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            boolean got = enough.await(120, TimeUnit.SECONDS);
            assertThat(got).as("the child acknowledged %d appends (stderr: %s)", wanted, readQuietly(stderr)).isTrue();
            // one process at a time: the child holds the file's lock
            assertThatThrownBy(() -> FileLedger.open(file)).isInstanceOf(IOException.class)
                    .hasMessageContaining("locked by another process");
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(eof.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(acked.size()).isGreaterThanOrEqualTo(wanted);

        // the raw file: intact, or broken only by a torn last line written after the last acknowledgement
        long maxAcked = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        ChainVerification raw = ChainVerification.ofFile(file);
        if (!raw.ok()) {
            assertThat(raw.problem().orElseThrow()).contains("no trailing newline");
            assertThat(raw.entriesChecked()).isGreaterThanOrEqualTo(maxAcked);
        }
        try (FileLedger reopened = FileLedger.open(file, FileLedger.Recovery.REPAIR_TORN_TAIL)) {
            List<LedgerEntry> entries = reopened.entries();
            assertThat((long) entries.size()).isGreaterThanOrEqualTo(maxAcked);
            for (Map.Entry<Long, String> a : acked.entrySet()) {
                LedgerEntry e = entries.get((int) (a.getKey() - 1));
                assertThat(e.seq()).isEqualTo(a.getKey());
                assertThat(e.jti()).as("acknowledged entry %d", a.getKey()).isEqualTo(a.getValue());
            }
            ChainVerification v = reopened.verifyChain();
            assertThat(v.ok()).as("%s", v).isTrue();
            assertThat(v.entriesChecked()).isEqualTo(entries.size());
        }
        assertThat(ChainVerification.ofFile(file).ok()).isTrue();
    }

    private static String readQuietly(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}

package dev.ect.core.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what slf4j-simple writes (it writes to whatever {@link System#err} is at the time of
 * each call) while a block runs. Tests run sequentially in one JVM, so the swap is safe.
 */
public final class LogCapture {
    private LogCapture() {}

    public static String during(Runnable r) {
        PrintStream original = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setErr(capture);
        try {
            r.run();
        } catch (RuntimeException expected) {
            // the block's outcome is checked by the caller; only the log matters here
        } finally {
            System.setErr(original);
            capture.flush();
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}

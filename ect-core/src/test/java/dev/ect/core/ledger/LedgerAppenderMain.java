package dev.ect.core.ledger;

import dev.ect.core.SignedEct;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Child process of {@link FileLedgerCrashTest}: opens the ledger file given as the first argument
 * and appends from N threads (second argument) until it is killed, printing {@code seq jti} to
 * stdout, flushed, after each append has returned (that is, after it was acknowledged).
 */
public final class LedgerAppenderMain {
    private LedgerAppenderMain() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        FileLedger ledger = FileLedger.open(file);
        PrintStream out = System.out;
        String wid = UUID.randomUUID().toString();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                while (true) {
                    SignedEct s = TestEcts.unsigned(wid, "crash_test", List.of());
                    LedgerEntry e = ledger.append(s);
                    synchronized (out) {
                        out.println(e.seq() + " " + e.jti());
                        out.flush();
                    }
                }
            }, "appender-" + t);
            th.start();
        }
    }
}

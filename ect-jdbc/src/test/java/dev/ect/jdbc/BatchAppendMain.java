package dev.ect.jdbc;

import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.LedgerEntry;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Appends from THREADS threads, without end, through one batching {@link JdbcLedger}, in its own
 * JVM ({@link JdbcCrashTest} kills it with SIGKILL): prints {@code ready}, waits for {@code go},
 * then prints {@code acked JTI SEQ} (flushed at once) each time an {@code append} returned, i.e.
 * each time the ledger acknowledged an entry.
 *
 * <p>Arguments: URL SCHEMA THREADS
 */
public final class BatchAppendMain {
    private BatchAppendMain() {}

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        EctSigner signer = Agents.signer(Clock.systemUTC());
        JdbcLedger ledger = JdbcLedger.builder(args[0]).schema(args[1]).statementTimeout(Duration.ofSeconds(60))
                .connectTimeout(Duration.ofSeconds(30)).build();
        ledger.size(); // connect and migrate before the start signal
        out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"go".equals(in.readLine())) {
            throw new IllegalStateException("expected go");
        }
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                while (true) {
                    SignedEct s = Agents.mint(signer, Agents.A, Agents.B, Agents.uuid(), List.of());
                    LedgerEntry e = ledger.append(s);
                    out.println("acked " + e.jti() + " " + e.seq()); // synchronized and flushed: one whole line
                }
            }, "appender-" + t);
            th.start();
        }
        Thread.currentThread().join(); // until killed
    }
}

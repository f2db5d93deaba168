package dev.ect.jdbc;

import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.LedgerEntry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * Appends N entries to a shared ledger as fast as it can, in its own JVM
 * ({@link ConcurrentAppendAcrossJvmsTest}): prints {@code ready}, waits for {@code go} on stdin so
 * both children start together, then prints {@code appended JTI SEQ} per entry and {@code done N}.
 *
 * <p>Arguments: URL SCHEMA N LABEL
 */
public final class AppendMain {
    private AppendMain() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[2]);
        EctSigner signer = Agents.signer(Clock.systemUTC());
        try (JdbcLedger ledger = JdbcLedger.builder(args[0]).schema(args[1]).maxPoolSize(2)
                .statementTimeout(java.time.Duration.ofSeconds(60)).connectTimeout(java.time.Duration.ofSeconds(30)).build();
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            SignedEct[] tokens = new SignedEct[n];
            for (int i = 0; i < n; i++) {
                tokens[i] = Agents.mint(signer, "spiffe://example.com/" + args[3], Agents.B, null, List.of());
            }
            ledger.size(); // connect and migrate before the start signal
            System.out.println("ready");
            if (!"go".equals(in.readLine())) {
                throw new IllegalStateException("expected go");
            }
            StringBuilder out = new StringBuilder();
            for (SignedEct t : tokens) {
                LedgerEntry e = ledger.append(t);
                out.append("appended ").append(e.jti()).append(' ').append(e.seq()).append('\n');
            }
            System.out.print(out);
            System.out.println("done " + n);
        }
    }
}

package dev.ect.jdbc;

import dev.ect.core.Ect;
import dev.ect.core.EctException;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.VerifiedEct;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.LedgerEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * One agent of the three-agent workflow, run in its own JVM by {@link MultiProcessWorkflowTest}.
 * The agents share nothing but the PostgreSQL ledger and a directory for keys and tokens (the
 * "network"). Results go to stdout as {@code key value} lines.
 *
 * <pre>
 * a DIR            mints the root task T_A for B                    -> DIR/a.token
 * b DIR URL SCHEMA verifies T_A at L3 (appends it), mints T_B for C with pred [T_A] -> DIR/b.token,
 *                  and a T_X for C whose predecessor no one ever accepted      -> DIR/x.token
 * c DIR URL SCHEMA verifies T_B at L3: the DAG check finds T_A in the ledger (appended by the
 *                  B process), then walks T_B's ancestors there; verifies T_X (rejected)
 * </pre>
 */
public final class AgentMain {
    private AgentMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "a" -> {
                SignedEct t = signer(dir, "a").mint(Ect.builder().iss(Agents.A).aud(Agents.B)
                        .wid(UUID.randomUUID().toString()).execAct("draft_spec").pred(List.of()).build());
                write(dir.resolve("a.token"), t.compact());
                System.out.println("minted " + t.ect().jti());
            }
            case "b" -> {
                try (JdbcLedger ledger = JdbcLedger.builder(args[2]).schema(args[3]).build()) {
                    VerifiedEct a = verifier(dir, Agents.B, "a", Agents.A, ledger).verify(read(dir.resolve("a.token")));
                    System.out.println("accepted " + a.ect().jti() + " " + a.level());
                    EctSigner signer = signer(dir, "b");
                    SignedEct b = signer.mint(Ect.builder().iss(Agents.B).aud(Agents.C).wid(a.ect().wid())
                            .execAct("review_spec").pred(List.of(a.ect().jti())).build());
                    write(dir.resolve("b.token"), b.compact());
                    System.out.println("minted " + b.ect().jti());
                    SignedEct x = signer.mint(Ect.builder().iss(Agents.B).aud(Agents.C).wid(a.ect().wid())
                            .execAct("forged").pred(List.of(UUID.randomUUID().toString())).build());
                    write(dir.resolve("x.token"), x.compact());
                    System.out.println("minted-orphan " + x.ect().jti());
                }
            }
            case "c" -> {
                try (JdbcLedger ledger = JdbcLedger.builder(args[2]).schema(args[3]).build()) {
                    EctVerifier c = verifier(dir, Agents.C, "b", Agents.B, ledger);
                    VerifiedEct b = c.verify(read(dir.resolve("b.token")));
                    System.out.println("accepted " + b.ect().jti() + " " + b.level());
                    StringBuilder anc = new StringBuilder();
                    for (LedgerEntry e : ledger.ancestors(b.ect().jti(), 100)) {
                        anc.append(e.jti()).append(':').append(e.iss()).append(' ');
                    }
                    System.out.println("ancestors " + anc.toString().trim());
                    try {
                        c.verify(read(dir.resolve("x.token")));
                        System.out.println("orphan accepted");
                    } catch (EctException e) {
                        System.out.println("orphan-rejected " + e.reason().code() + " " + e.httpStatus());
                    }
                    System.out.println("chain " + ledger.verifyChain().ok() + " " + ledger.size());
                }
            }
            default -> throw new IllegalArgumentException("role a, b or c");
        }
    }

    static EctSigner signer(Path dir, String name) throws Exception {
        EctKeyPair key = EctKeys.fromPrivateJwk(read(dir.resolve(name + ".key.json")));
        return EctSigner.builder(key).build();
    }

    static EctVerifier verifier(Path dir, String self, String peerName, String peerIss, JdbcLedger ledger) throws Exception {
        return EctVerifier.builder().verifierId(self)
                .keySource(StaticKeySource.builder().jwks(peerIss, read(dir.resolve(peerName + ".jwks.json"))).build())
                .ledger(ledger).build();
    }

    static String read(Path p) throws Exception { return Files.readString(p, StandardCharsets.UTF_8).trim(); }

    static void write(Path p, String s) throws Exception { Files.writeString(p, s, StandardCharsets.UTF_8); }
}

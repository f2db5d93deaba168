package dev.ect.cli;

import dev.ect.core.config.EctConfig;
import dev.ect.core.config.EctConfigException;
import dev.ect.core.config.EctConfigSource;
import dev.ect.core.config.EctOption;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.LogSafe;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.ledger.LedgerReader;
import dev.ect.core.spi.EctStores;
import dev.ect.core.tlog.Checkpoint;
import dev.ect.core.tlog.CheckpointSigner;
import dev.ect.core.tlog.CheckpointVerifier;
import dev.ect.core.tlog.ConsistencyProof;
import dev.ect.core.tlog.InclusionProof;
import dev.ect.core.tlog.LedgerAudit;
import dev.ect.core.tlog.LedgerAuditResult;
import dev.ect.core.tlog.LedgerTree;
import dev.ect.core.tlog.LedgerTreeException;
import dev.ect.core.tlog.Merkle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ect ledger}: audit ledger tools. */
@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = {"Audit ledger tools.", "For the hash-chained file ledger of ect verify --ledger and ect serve --ledger; "
            + "verify, checkpoint and prove also read a PostgreSQL ledger (--jdbc-url or ECT_JDBC_URL)."},
        subcommands = {LedgerCommand.Verify.class, LedgerCommand.CheckpointCmd.class, LedgerCommand.Prove.class,
            LedgerCommand.VerifyProof.class})
final class LedgerCommand implements Runnable {
    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required (verify, checkpoint, prove, verify-proof)");
    }

    static void requireLedger(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CliException("ledger file " + file + " does not exist");
        }
    }

    static final String JDBC_URL_HELP = "a PostgreSQL ledger instead of LEDGER_FILE: jdbc:postgresql://HOST/DB?... with the "
            + "ect.schema / ect.tablePrefix options of ECT_JDBC_URL; without LEDGER_FILE and --jdbc-url, ECT_JDBC_URL is "
            + "used when set (prefer it for a URL holding a password: arguments are visible to other users)";

    /**
     * The PostgreSQL ledger URL a ledger command reads, or null for the LEDGER_FILE: {@code --jdbc-url},
     * else {@code ECT_JDBC_URL} when no file is given (as {@code --ledger} wins over it for verify and serve).
     */
    static String jdbcUrl(Path file, String jdbcUrl, Map<String, String> env) {
        if (file != null && jdbcUrl != null) {
            throw new CliException("give either LEDGER_FILE or --jdbc-url, not both");
        }
        if (file != null) {
            return null;
        }
        java.util.Optional<String> url = jdbcUrl != null ? java.util.Optional.of(jdbcUrl)
                : EctConfigSource.environment(env).get(EctOption.JDBC_URL);
        return url.orElseThrow(() -> new CliException("a LEDGER_FILE, or a PostgreSQL ledger by --jdbc-url or "
                + EctOption.JDBC_URL.env() + ", is required"));
    }

    /**
     * Opens the PostgreSQL ledger of {@code url}; close the result. Messages never show credentials.
     * Note: {@code JdbcLedger} creates its schema when it is absent and the role may, so a mistyped
     * schema reads as an empty ledger; a checkpoint catches that (its entries are missing).
     */
    static EctStores openJdbc(String url) {
        try {
            EctStores s = EctStores.of(null, url, Clock.systemUTC());
            if (s.ledger().isEmpty()) {
                s.close();
                throw new CliException("no ledger at the --jdbc-url");
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
    }

    /**
     * The tree of a PostgreSQL ledger after its chain check (L-04), as {@link LedgerTree#openFile}
     * checks a file's: a broken chain or a ledger that does not fit the tree file is a
     * {@link LedgerTreeException}.
     *
     * @param tree the tree file, or null to keep the tree in memory
     */
    static LedgerTree openJdbcTree(AuditLedger ledger, Path tree) {
        ChainVerification v = ledger.verifyChain();
        if (!v.ok()) {
            throw new LedgerTreeException("ledger " + ledger + ": " + LogSafe.escape(v.toString(), Integer.MAX_VALUE)
                    + " (see: ect ledger verify)", v.brokenSeq().orElse(-1));
        }
        try {
            return LedgerTree.open(ledger, tree);
        } catch (IOException | UncheckedIOException e) {
            throw new CliException("cannot open the tree file " + tree + ": " + e.getMessage(), e);
        }
    }

    /** A database that cannot be read is an I/O error (exit 2), never a verdict on the ledger. */
    static CliException unavailable(AuditLedger ledger, EctUnavailableException e) {
        return new CliException("cannot read ledger " + ledger + ": " + e.getMessage(), e);
    }

    /**
     * The verifier of a checkpoint key file: a JWKS with one Ed25519 key (from {@code ect keygen
     * --alg EdDSA --public}; the key name is then the note's origin line) or a signed-note verifier
     * key {@code name+hex+base64}.
     */
    static CheckpointVerifier checkpointVerifier(Path keyFile, String note) {
        String key = BaseCommand.readFile(keyFile, "checkpoint key file").strip();
        try {
            if (key.startsWith("{")) {
                int nl = note.indexOf('\n');
                return CheckpointVerifier.fromJwks(nl > 0 ? note.substring(0, nl) : note, key);
            }
            return CheckpointVerifier.parse(key);
        } catch (IllegalArgumentException e) {
            throw new CliException("checkpoint key " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** Reads and verifies a signed checkpoint; a note that does not verify is a finding (null + message). */
    static Checkpoint verifiedCheckpoint(Path note, Path key, List<String> problems) {
        String text = BaseCommand.readFile(note, "checkpoint file");
        try {
            return checkpointVerifier(key, text).verify(text);
        } catch (IllegalArgumentException e) {
            problems.add("checkpoint " + note + " does not verify: " + e.getMessage());
            return null;
        }
    }

    static LedgerTree openTree(Path ledger, Path tree, java.util.function.Consumer<LedgerEntry> visitor) {
        requireLedger(ledger);
        try {
            return LedgerTree.openFile(ledger, tree == null ? LedgerTree.defaultTreeFile(ledger) : tree, visitor);
        } catch (IOException | UncheckedIOException e) {
            throw new CliException("cannot read ledger " + ledger + " or its tree file: " + e.getMessage(), e);
        }
    }

    /** {@code ect ledger verify FILE}: the chain check of profile L-04, with L-09 when asked. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check a ledger file (L-04, L-09).",
                "Always: the hash chain, byte for byte; exit 1 naming the first broken entry (its sequence number, its "
                    + "line and what is wrong). With --trust: every stored token's signature against those keys. With "
                    + "--checkpoint: that the ledger extends that signed checkpoint (a truncated, reordered or rewritten "
                    + "ledger is named at the first entry that differs, using the tree file LEDGER.tree when present). "
                    + "Exit 0 when everything holds, also for a ledger that grew since the checkpoint."})
    static final class Verify extends BaseCommand {
        @Option(names = "--json", description = "print one JSON object instead of a sentence")
        boolean json;

        @Option(names = "--trust", paramLabel = "ISS=JWKS",
                description = "verify the signature of every token of issuer ISS with this JWKS file or https:// URL "
                    + "(repeat); a token of an issuer not named here fails")
        List<String> trust = new ArrayList<>();

        @Option(names = "--checkpoint", paramLabel = "FILE", description = "a signed checkpoint (ect ledger checkpoint) the ledger must extend")
        Path checkpoint;

        @Option(names = "--checkpoint-key", paramLabel = "PUBLIC.jwks",
                description = "the ledger's Ed25519 public key: a JWKS file (ect keygen --alg EdDSA --public) or a file "
                    + "holding its signed-note verifier key")
        Path checkpointKey;

        @Option(names = "--tree", paramLabel = "FILE",
                description = "the tree file written with the checkpoint (default LEDGER.tree when it exists; none for "
                    + "a PostgreSQL ledger); read only")
        Path tree;

        @Option(names = "--jdbc-url", paramLabel = "URL", description = JDBC_URL_HELP)
        String jdbcUrl;

        @Parameters(index = "0", arity = "0..1", paramLabel = "LEDGER_FILE", description = "the ledger file")
        Path file;

        /** What the output names: the file, or the database ledger (without credentials). */
        private String name;

        @Override
        public Integer call() {
            String url = jdbcUrl(file, jdbcUrl, env());
            if ((checkpoint == null) != (checkpointKey == null)) {
                throw new CliException("--checkpoint and --checkpoint-key go together");
            }
            if (url == null) {
                requireLedger(file);
                name = file.toString();
                return check(null);
            }
            try (EctStores stores = openJdbc(url)) {
                AuditLedger ledger = stores.ledger().orElseThrow();
                name = ledger.toString();
                try {
                    return check(ledger);
                } catch (EctUnavailableException e) {
                    throw unavailable(ledger, e);
                }
            }
        }

        /** Checks the file ({@code ledger} null) or the database ledger. */
        private int check(AuditLedger ledger) {
            if (trust.isEmpty() && checkpoint == null) {
                return chainOnly(ledger);
            }
            LedgerAudit.Builder b = LedgerAudit.builder();
            if (!trust.isEmpty()) {
                // the one trust syntax and the JWKS options of the environment (K-03, K-04), through EctConfig
                EctConfigSource options = EctConfigSource.of(Map.of(EctOption.TRUST, String.join(" ", trust)), o -> "option --trust");
                try {
                    b.trust(EctConfig.from(options.or(EctConfigSource.environment(env()))).keySource(Clock.systemUTC()).orElseThrow());
                } catch (EctConfigException e) {
                    throw new CliException(e.getMessage(), e);
                }
            }
            List<String> early = new ArrayList<>();
            if (checkpoint != null) {
                String note = readFile(checkpoint, "checkpoint file");
                CheckpointVerifier cv = checkpointVerifier(checkpointKey, note);
                try {
                    b.checkpoint(note, cv);
                } catch (IllegalArgumentException e) {
                    early.add("checkpoint " + checkpoint + " does not verify: " + e.getMessage());
                }
                Path t = tree != null ? tree : ledger == null ? LedgerTree.defaultTreeFile(file) : null;
                if (t != null && Files.isRegularFile(t)) {
                    b.treeFile(t);
                } else if (tree != null) {
                    throw new CliException("tree file " + tree + " does not exist");
                }
            }
            if (!early.isEmpty()) {
                return report(null, early);
            }
            LedgerAuditResult r;
            try {
                r = ledger == null ? b.build().audit(file) : b.build().audit(ledger);
            } catch (IOException | UncheckedIOException e) {
                throw new CliException("cannot read ledger " + name + (ledger == null ? "" : " or tree file " + tree) + ": "
                        + e.getMessage(), e);
            }
            return report(r, List.of());
        }

        private int report(LedgerAuditResult r, List<String> early) {
            boolean ok = r != null && r.ok();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ok", ok);
                m.put(file != null ? "file" : "ledger", name);
                List<Object> findings = new ArrayList<>();
                for (String e : early) {
                    findings.add(Map.of("kind", "CHECKPOINT", "problem", e));
                }
                if (r != null) {
                    m.put("entries_intact", r.chain().entriesChecked());
                    m.put("chain_ok", r.chain().ok());
                    m.put("last_hash", r.chain().lastHash());
                    m.put("signatures_verified", r.signaturesVerified());
                    r.checkpoint().ifPresent(c -> m.put("checkpoint_size", c.size()));
                    for (LedgerAuditResult.Finding f : r.findings()) {
                        Map<String, Object> x = new LinkedHashMap<>();
                        x.put("kind", f.kind().toString());
                        if (f.seq() > 0) {
                            x.put("seq", f.seq());
                        }
                        x.put("problem", f.problem());
                        findings.add(x);
                    }
                }
                m.put("findings", findings);
                out().println(JsonText.compact(m));
            } else if (ok) {
                out().println(name + ": " + r.entries() + (r.entries() == 1 ? " entry" : " entries")
                        + ", hash chain intact (last hash " + r.chain().lastHash() + ")"
                        + (r.signaturesVerified() > 0 || !trust.isEmpty() ? ", " + r.signaturesVerified() + " token signatures verified" : "")
                        + r.checkpoint().map(c -> ", extends the checkpoint of " + c.size() + " entries of " + c.origin()).orElse(""));
            } else {
                StringBuilder sb = new StringBuilder(name + ": NOT INTACT");
                early.forEach(e -> sb.append("\n  ").append(e));
                if (r != null) {
                    r.findings().forEach(f -> sb.append("\n  ").append(f));
                    if (r.omitted() > 0) {
                        sb.append("\n  ... and ").append(r.omitted()).append(" more");
                    }
                }
                out().println(sb);
            }
            return ok ? EctCli.OK : EctCli.REJECTED;
        }

        private int chainOnly(AuditLedger ledger) {
            ChainVerification v;
            try {
                v = ledger == null ? ChainVerification.ofFile(file) : ledger.verifyChain();
            } catch (IOException e) {
                throw new CliException("cannot read ledger file " + file + ": " + e.getMessage(), e);
            }
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ok", v.ok());
                m.put(file != null ? "file" : "ledger", name);
                m.put("entries_intact", v.entriesChecked());
                v.brokenSeq().ifPresent(s -> m.put("broken_seq", s));
                v.brokenLine().ifPresent(l -> m.put("broken_line", l));
                v.problem().ifPresent(p -> m.put("problem", p));
                m.put("last_hash", v.lastHash());
                out().println(JsonText.compact(m));
            } else if (v.ok()) {
                out().println(name + ": " + v.entriesChecked() + (v.entriesChecked() == 1 ? " entry" : " entries")
                        + ", hash chain intact (last hash " + v.lastHash() + ")");
            } else {
                long intact = v.entriesChecked();
                out().println(name + ": BROKEN at entry " + v.brokenSeq().orElse(-1)
                        + v.brokenLine().stream().mapToObj(l -> " (line " + l + ")").findFirst().orElse("") + ": " + LogSafe.escape(v.problem().orElse("?"), Integer.MAX_VALUE) + (intact == 0 ? "" : "; the " + intact
                        + (intact == 1 ? " entry" : " entries") + " before it " + (intact == 1 ? "is" : "are") + " intact"));
            }
            return v.ok() ? EctCli.OK : EctCli.REJECTED;
        }
    }

    /** {@code ect ledger checkpoint}: the signed head of the ledger (L-07). */
    @Command(name = "checkpoint", mixinStandardHelpOptions = true,
            description = {"Print the ledger's signed checkpoint (L-07, L-08).",
                "A C2SP tlog-checkpoint (origin, size, base64 RFC 9162 root hash) signed as a C2SP signed note with the "
                    + "ledger's Ed25519 key. Writes or extends the tree file (default LEDGER.tree), which is checked "
                    + "against the ledger first: exit 1 when the ledger no longer fits it (rewritten, reordered or "
                    + "truncated) or its chain is broken.",
                "A PostgreSQL ledger (--jdbc-url or ECT_JDBC_URL) needs --tree: the tree file is the auditor's (or "
                    + "publisher's) evidence, kept apart from the database and its writers; it grows by about 64 bytes "
                    + "per entry."})
    static final class CheckpointCmd extends BaseCommand {
        @Option(names = "--key", required = true, paramLabel = "LEDGER_PRIVATE.jwk",
                description = "the ledger's Ed25519 private JWK (ect keygen --alg EdDSA)")
        Path key;

        @Option(names = "--origin", required = true, paramLabel = "ORIGIN",
                description = "the log's identity and key name, e.g. ledger.example.com/agent-b (no spaces, no '+')")
        String origin;

        @Option(names = "--tree", paramLabel = "FILE",
                description = "the tree file (default LEDGER.tree; required for a PostgreSQL ledger)")
        Path tree;

        @Option(names = "--jdbc-url", paramLabel = "URL", description = JDBC_URL_HELP)
        String jdbcUrl;

        @Parameters(index = "0", arity = "0..1", paramLabel = "LEDGER_FILE", description = "the ledger file")
        Path file;

        @Override
        public Integer call() {
            String url = jdbcUrl(file, jdbcUrl, env());
            if (url != null && tree == null) {
                throw new CliException("a PostgreSQL ledger needs --tree FILE: the tree file the checkpoint's signer keeps");
            }
            CheckpointSigner signer;
            try {
                signer = CheckpointSigner.fromPrivateJwk(origin, readFile(key, "key file"));
            } catch (IllegalArgumentException e) {
                throw new CliException("--key " + key + " / --origin: " + e.getMessage(), e);
            }
            if (url != null) {
                return jdbcCheckpoint(url, signer);
            }
            try (LedgerTree t = openTree(file, tree, null)) {
                out().print(t.signedCheckpoint(signer));
                out().flush();
                return EctCli.OK;
            } catch (LedgerTreeException e) {
                err().println("ect ledger checkpoint: " + e.getMessage());
                return EctCli.REJECTED;
            }
        }

        /** The chain is checked first (L-04), then the tree file is checked against the ledger and extended. */
        private int jdbcCheckpoint(String url, CheckpointSigner signer) {
            try (EctStores stores = openJdbc(url)) {
                AuditLedger ledger = stores.ledger().orElseThrow();
                try (LedgerTree t = openJdbcTree(ledger, tree)) {
                    out().print(t.signedCheckpoint(signer));
                    out().flush();
                    return EctCli.OK;
                } catch (LedgerTreeException e) {
                    err().println("ect ledger checkpoint: " + e.getMessage() + " (tree file " + tree + ")");
                    return EctCli.REJECTED;
                } catch (EctUnavailableException e) {
                    throw unavailable(ledger, e);
                }
            }
        }
    }

    /** {@code ect ledger prove}: inclusion and consistency proofs (L-08). */
    @Command(name = "prove", mixinStandardHelpOptions = true,
            description = {"Print an RFC 9162 proof as one JSON object (L-08).",
                "--jti or --seq: inclusion proof {\"leaf_index\":i,\"tree_size\":n,\"leaf_hash\":\"...\",\"hashes\":[...]}; "
                    + "--consistency OLD_SIZE: consistency proof {\"old_size\":m,\"tree_size\":n,\"hashes\":[...]}. "
                    + "Hashes in standard base64; n is the ledger's size unless --tree-size says otherwise. Uses and "
                    + "extends the tree file (default LEDGER.tree); exit 1 when the ledger no longer fits it.",
                "A PostgreSQL ledger (--jdbc-url or ECT_JDBC_URL): the tree file of --tree, or the tree in memory without it."})
    static final class Prove extends BaseCommand {
        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        What what;

        static final class What {
            @Option(names = "--jti", paramLabel = "JTI", description = "the entry with this jti")
            String jti;

            @Option(names = "--seq", paramLabel = "N", description = "the entry with this sequence number (from 1)")
            Long seq;

            @Option(names = "--consistency", paramLabel = "OLD_SIZE", description = "prove the ledger extends its first OLD_SIZE entries")
            Long oldSize;
        }

        @Option(names = "--tree-size", paramLabel = "N", description = "prove against the tree of the first N entries (default: all)")
        Long treeSize;

        @Option(names = "--tree", paramLabel = "FILE",
                description = "the tree file (default LEDGER.tree; for a PostgreSQL ledger none: the tree is kept in memory)")
        Path tree;

        @Option(names = "--jdbc-url", paramLabel = "URL", description = JDBC_URL_HELP)
        String jdbcUrl;

        @Parameters(index = "0", arity = "0..1", paramLabel = "LEDGER_FILE", description = "the ledger file")
        Path file;

        @Override
        public Integer call() {
            String url = jdbcUrl(file, jdbcUrl, env());
            if (url != null) {
                try (EctStores stores = openJdbc(url)) {
                    AuditLedger ledger = stores.ledger().orElseThrow();
                    try (LedgerTree t = openJdbcTree(ledger, tree)) {
                        List<Long> matches = new ArrayList<>();
                        if (what.jti != null) {
                            ledger.findEntries(what.jti).stream().limit(10).forEach(e -> matches.add(e.seq()));
                        }
                        return prove(t, matches, ledger.toString());
                    } catch (LedgerTreeException e) {
                        err().println("ect ledger prove: " + e.getMessage());
                        return EctCli.REJECTED;
                    } catch (EctUnavailableException e) {
                        throw unavailable(ledger, e);
                    }
                }
            }
            List<Long> matches = new ArrayList<>();
            try (LedgerTree t = openTree(file, tree, e -> {
                if (what.jti != null && e.jti().equals(what.jti) && matches.size() < 10) {
                    matches.add(e.seq());
                }
            })) {
                return prove(t, matches, file.toString());
            } catch (LedgerTreeException e) {
                err().println("ect ledger prove: " + e.getMessage());
                return EctCli.REJECTED;
            }
        }

        private int prove(LedgerTree t, List<Long> matches, String where) {
            long n = treeSize == null ? t.size() : treeSize;
            if (n < 0 || n > t.size()) {
                throw new CliException("--tree-size " + n + ": the ledger has " + t.size() + " entries");
            }
            if (what.oldSize != null) {
                if (what.oldSize < 0 || what.oldSize > n) {
                    throw new CliException("--consistency " + what.oldSize + ": must be between 0 and " + n);
                }
                out().println(t.consistencyProof(what.oldSize, n).toJson());
                return EctCli.OK;
            }
            long seq;
            if (what.seq != null) {
                seq = what.seq;
            } else if (matches.isEmpty()) {
                err().println("ect ledger prove: no entry with jti " + what.jti + " in " + where);
                return EctCli.REJECTED;
            } else if (matches.size() > 1) {
                throw new CliException("jti " + what.jti + " is in entries " + matches + "; choose one with --seq");
            } else {
                seq = matches.get(0);
            }
            if (seq < 1 || seq > n) {
                throw new CliException("entry " + seq + " is not in a tree of " + n + " entries");
            }
            out().println(t.inclusionProof(seq - 1, n).toJson());
            return EctCli.OK;
        }
    }

    /** {@code ect ledger verify-proof}: checks a proof of {@code prove} against signed checkpoints. */
    @Command(name = "verify-proof", mixinStandardHelpOptions = true,
            description = {"Check a proof of ect ledger prove against signed checkpoints (L-07, L-08).",
                "An inclusion proof must be for the size of --checkpoint and lead to its root; with --entry the leaf "
                    + "hash is recomputed from that ledger line (else the proof's own leaf_hash is what is proven). "
                    + "A consistency proof needs --old-checkpoint too: both verified with --checkpoint-key, same "
                    + "origin, sizes as in the proof. Exit 0 when it verifies, 1 when it does not."})
    static final class VerifyProof extends BaseCommand {
        @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "the signed checkpoint proven against")
        Path checkpoint;

        @Option(names = "--old-checkpoint", paramLabel = "FILE", description = "the earlier signed checkpoint (consistency proofs)")
        Path oldCheckpoint;

        @Option(names = "--checkpoint-key", required = true, paramLabel = "PUBLIC.jwks",
                description = "the ledger's Ed25519 public key: a JWKS file or a file holding its signed-note verifier key")
        Path checkpointKey;

        @Option(names = "--entry", paramLabel = "LINE_FILE",
                description = "a file holding the entry's line of the ledger file (inclusion proofs): the leaf hash is "
                    + "recomputed from it and its seq must be leaf_index + 1")
        Path entry;

        @Parameters(index = "0", paramLabel = "PROOF|-", description = "the proof JSON, a file, or - for stdin")
        String proof;

        @Override
        public Integer call() {
            String json = "-".equals(proof) ? readToken("-") : readFile(Path.of(proof), "proof file");
            List<String> problems = new ArrayList<>();
            Checkpoint now = verifiedCheckpoint(checkpoint, checkpointKey, problems);
            String msg;
            Map<String, Object> m;
            try {
                m = JsonText.parseObject(json);
            } catch (IllegalArgumentException e) {
                throw new CliException("the proof is not JSON: " + e.getMessage(), e);
            }
            if (m.containsKey("leaf_index")) {
                InclusionProof p = parse(() -> InclusionProof.parse(json));
                if (oldCheckpoint != null) {
                    throw new CliException("--old-checkpoint is for consistency proofs");
                }
                if (entry != null) {
                    LedgerEntry e;
                    try {
                        e = LedgerReader.parseLine(readFile(entry, "entry file").strip());
                    } catch (IllegalArgumentException ex) {
                        throw new CliException("--entry " + entry + ": not a ledger line: " + ex.getMessage(), ex);
                    }
                    if (!p.isFor(Merkle.leafHash(e))) {
                        problems.add("the proof's leaf_hash is not the hash of the entry in " + entry);
                    }
                    if (e.seq() != p.leafIndex() + 1) {
                        problems.add("the entry has seq " + e.seq() + " but the proof is for leaf_index " + p.leafIndex()
                                + " (seq " + (p.leafIndex() + 1) + ")");
                    }
                }
                if (now != null) {
                    if (now.size() != p.treeSize()) {
                        problems.add("the proof is for a tree of " + p.treeSize() + " entries, the checkpoint has " + now.size());
                    } else if (!p.verify(now)) {
                        problems.add("the inclusion proof does not lead to the checkpoint's root hash");
                    }
                }
                msg = "entry " + (p.leafIndex() + 1) + " (leaf " + p.leafIndex() + ")" + (entry == null ? " with the proof's leaf hash" : "")
                        + " is in the checkpoint of " + p.treeSize() + " entries" + (now == null ? "" : " of " + now.origin());
            } else if (m.containsKey("old_size")) {
                ConsistencyProof p = parse(() -> ConsistencyProof.parse(json));
                if (oldCheckpoint == null) {
                    throw new CliException("a consistency proof needs --old-checkpoint");
                }
                if (entry != null) {
                    throw new CliException("--entry is for inclusion proofs");
                }
                Checkpoint old = verifiedCheckpoint(oldCheckpoint, checkpointKey, problems);
                if (old != null && now != null) {
                    if (old.size() != p.oldSize() || now.size() != p.treeSize()) {
                        problems.add("the proof is from " + p.oldSize() + " to " + p.treeSize() + " entries, the checkpoints are of "
                                + old.size() + " and " + now.size());
                    } else if (!old.origin().equals(now.origin())) {
                        problems.add("the checkpoints are of different logs: " + old.origin() + ", " + now.origin());
                    } else if (!p.verify(old, now)) {
                        problems.add("the consistency proof does not link the two checkpoints' root hashes");
                    }
                }
                msg = "the checkpoint of " + p.treeSize() + " entries extends the one of " + p.oldSize()
                        + (now == null ? "" : " (" + now.origin() + ")");
            } else {
                throw new CliException("not a proof of ect ledger prove (no leaf_index or old_size)");
            }
            if (problems.isEmpty()) {
                out().println("proof verified: " + msg);
                return EctCli.OK;
            }
            out().println("proof NOT verified: " + String.join("; ", problems));
            return EctCli.REJECTED;
        }

        private static <T> T parse(java.util.function.Supplier<T> s) {
            try {
                return s.get();
            } catch (IllegalArgumentException e) {
                throw new CliException("not a valid proof: " + e.getMessage(), e);
            }
        }
    }
}

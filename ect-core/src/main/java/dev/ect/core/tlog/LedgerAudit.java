package dev.ect.core.tlog;

import dev.ect.core.CryptoProvider;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctLevel;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.internal.EctCodec;
import dev.ect.core.internal.HeaderCache;
import dev.ect.core.internal.JwsCrypto;
import dev.ect.core.keys.KeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.ledger.LedgerReader;
import dev.ect.core.tlog.internal.HashTree;
import dev.ect.core.tlog.internal.RootStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A ledger check that a rewritten file cannot pass (profile L-09): besides the hash chain (L-04),
 *
 * <ul>
 *   <li>with a trust set ({@link Builder#trust(KeySource)}), every stored token's signature: the key
 *       for (the entry's {@code iss}, the token's {@code kid}) from the key source, an allowed
 *       {@code alg} that fits the key, and the JWS signature (V-05..V-08; time and audience are not
 *       checked again, the tokens are old). An unsigned (L1) token fails. So a token whose
 *       signature was replaced, with the chain recomputed after it, is named;
 *   <li>with a signed checkpoint ({@link Builder#checkpoint(String, CheckpointVerifier)}), that the
 *       ledger extends it: its first {@code size} entries have the checkpoint's root hash. A
 *       truncated tail, reordered entries or a rewritten entry covered by the checkpoint are
 *       reported. The first entry that differs is named: for a truncation, the first missing one;
 *       otherwise by comparing with the tree file written when the checkpoint was made
 *       ({@link Builder#treeFile(Path)}, read only), whose leaves the checkpoint's signature
 *       authenticates. Without that file the finding says the prefix differs, without an entry.
 * </ul>
 *
 * A ledger file ({@link #audit(Path)}) or any {@link AuditLedger}, e.g. PostgreSQL
 * ({@link #audit(AuditLedger)}), is read once, entry by entry or page by page, with the same checks
 * and findings; besides the chain check's set of keys (L-06), memory stays O(log n). Immutable,
 * thread-safe.
 *
 * <pre>{@code
 * LedgerAuditResult r = LedgerAudit.builder()
 *         .trust(keySource)
 *         .checkpoint(Files.readString(cp), CheckpointVerifier.fromJwks(origin, jwks))
 *         .treeFile(LedgerTree.defaultTreeFile(ledgerFile))
 *         .build()
 *         .audit(ledgerFile);
 * if (!r.ok()) log.warn("ledger audit: {}", r);   // SIGNATURE at entry 7: the signature does not verify ...
 * }</pre>
 */
public final class LedgerAudit {
    /** Most findings kept in a result. */
    public static final int MAX_FINDINGS = 100;

    private final KeySource keys;
    private final Set<EctAlgorithm> algorithms;
    private final JwsCrypto crypto;
    /** Parsed JOSE headers of this audit's tokens. */
    private final HeaderCache headers = new HeaderCache();
    private final Checkpoint checkpoint;
    private final Path treeFile;

    private LedgerAudit(Builder b) {
        this.keys = b.keys;
        this.algorithms = Set.copyOf(b.algorithms);
        this.crypto = new JwsCrypto(b.cryptoProvider);
        this.checkpoint = b.checkpoint;
        this.treeFile = b.treeFile;
    }

    /** A builder: by default only the chain is checked. */
    public static Builder builder() { return new Builder(); }

    /** Options of a {@link LedgerAudit}. */
    public static final class Builder {
        private KeySource keys;
        private Set<EctAlgorithm> algorithms = EnumSet.allOf(EctAlgorithm.class);
        private CryptoProvider cryptoProvider = CryptoProvider.jdk();
        private Checkpoint checkpoint;
        private Path treeFile;

        private Builder() {}

        /** Verify every token's signature with keys of this source (default: not checked). */
        public Builder trust(KeySource keySource) {
            this.keys = Objects.requireNonNull(keySource, "keySource cannot be null");
            return this;
        }

        /** The algorithms a stored token may use (default: all five of {@link EctAlgorithm}). */
        public Builder algorithms(Set<EctAlgorithm> allowed) {
            if (Objects.requireNonNull(allowed, "algorithms cannot be null").isEmpty()) {
                throw new IllegalArgumentException("algorithms must not be empty");
            }
            this.algorithms = EnumSet.copyOf(allowed);
            return this;
        }

        /** The JCA provider of the signature checks (default {@link CryptoProvider#jdk()}). */
        public Builder cryptoProvider(CryptoProvider provider) {
            this.cryptoProvider = Objects.requireNonNull(provider, "cryptoProvider cannot be null");
            return this;
        }

        /**
         * Check that the ledger extends this signed checkpoint; its signature is verified here.
         *
         * @throws IllegalArgumentException when the note does not verify with {@code verifier}
         */
        public Builder checkpoint(String signedNote, CheckpointVerifier verifier) {
            Objects.requireNonNull(verifier, "verifier cannot be null");
            this.checkpoint = verifier.verify(signedNote);
            return this;
        }

        /** The tree file written with the checkpoint (read only, optional): names the first differing entry. */
        public Builder treeFile(Path file) {
            this.treeFile = file;
            return this;
        }

        public LedgerAudit build() { return new LedgerAudit(this); }
    }

    /**
     * Audits a ledger file, read once, entry by entry.
     *
     * @throws IOException when the ledger (or the tree file) cannot be read
     */
    public LedgerAuditResult audit(Path ledgerFile) throws IOException {
        Objects.requireNonNull(ledgerFile, "ledgerFile cannot be null");
        try (Pass pass = new Pass()) {
            return pass.result(LedgerReader.read(ledgerFile, pass));
        }
    }

    /**
     * Audits any ledger, e.g. a PostgreSQL {@code JdbcLedger}, with the same checks and findings as
     * a file: its entries are read once, page by page ({@link LedgerReader#read(AuditLedger,
     * java.util.function.Consumer)}), so memory stays bounded (one page, the O(log n) tree stack and
     * the chain check's set of (iss, wid, jti) keys), never the whole ledger. The tree file of
     * {@link Builder#treeFile(Path)} is the one the checkpoint's publisher kept (for a database
     * ledger there is no default location: the auditor names it).
     *
     * @throws IOException when the tree file cannot be read
     * @throws dev.ect.core.EctUnavailableException when the ledger cannot be read
     */
    public LedgerAuditResult audit(AuditLedger ledger) throws IOException {
        Objects.requireNonNull(ledger, "ledger cannot be null");
        try (Pass pass = new Pass()) {
            return pass.result(LedgerReader.read(ledger, pass));
        }
    }

    /**
     * One audit: sees every intact entry in order (the chain reader stops at the first broken one)
     * and checks it against the checkpoint's tree and the trust set. Shared by both audits.
     */
    private final class Pass implements Consumer<LedgerEntry>, AutoCloseable {
        private final List<LedgerAuditResult.Finding> findings = new ArrayList<>();
        private final long[] omitted = {0};
        private long verified;
        private final RootStack stack = new RootStack();
        private final long m = checkpoint == null ? -1 : checkpoint.size();
        private final HashTree old;
        private final boolean oldUsable;
        private byte[] rootAtM = m == 0 ? Merkle.emptyRoot() : null;
        private long firstDiff;

        Pass() throws IOException {
            HashTree t = null;
            boolean usable = false;
            if (checkpoint != null && treeFile != null && Files.isRegularFile(treeFile)) {
                t = HashTree.file(treeFile, true);
                try {
                    usable = t.size() >= m && MessageDigest.isEqual(t.root(m), checkpoint.rootHash());
                } catch (RuntimeException e) {
                    t.close();
                    throw e;
                }
            }
            this.old = t;
            this.oldUsable = usable;
        }

        @Override
        public void accept(LedgerEntry e) {
            byte[] leaf = Merkle.leafHash(e);
            long i = stack.size();
            if (oldUsable && i < m && firstDiff == 0 && !MessageDigest.isEqual(old.leaf(i), leaf)) {
                firstDiff = e.seq();
            }
            stack.push(leaf);
            if (stack.size() == m) {
                rootAtM = stack.root();
            }
            if (keys != null) {
                String why = signatureProblem(e);
                if (why == null) {
                    verified++;
                } else {
                    add(findings, omitted, new LedgerAuditResult.Finding(LedgerAuditResult.Kind.SIGNATURE, e.seq(), why));
                }
            }
        }

        LedgerAuditResult result(ChainVerification chain) {
            if (!chain.ok()) {
                add(findings, omitted, new LedgerAuditResult.Finding(LedgerAuditResult.Kind.CHAIN,
                        chain.brokenSeq().orElse(0), chain.problem().orElse("broken")
                                + chain.brokenLine().stream().mapToObj(l -> " (line " + l + ")").findFirst().orElse("")));
            }
            if (checkpoint != null) {
                checkCheckpoint(findings, omitted, stack.size(), rootAtM, firstDiff, old != null, oldUsable);
            }
            findings.sort(Comparator.comparingLong((LedgerAuditResult.Finding f) -> f.seq() == 0 ? Long.MAX_VALUE : f.seq()));
            return new LedgerAuditResult(chain, stack.size(), verified, Optional.ofNullable(checkpoint), findings, omitted[0]);
        }

        @Override
        public void close() {
            if (old != null) {
                old.close();
            }
        }
    }

    private void checkCheckpoint(List<LedgerAuditResult.Finding> findings, long[] omitted, long n, byte[] rootAtM,
            long firstDiff, boolean haveTree, boolean treeMatches) {
        long m = checkpoint.size();
        LedgerAuditResult.Kind k = LedgerAuditResult.Kind.CHECKPOINT;
        if (firstDiff > 0) {
            add(findings, omitted, new LedgerAuditResult.Finding(k, firstDiff, "entry " + firstDiff
                    + " is not the entry the checkpoint of " + m + " entries covers (compared with the tree file it "
                    + "authenticates): the ledger was rewritten or reordered from here"));
            return;
        }
        if (n < m) {
            add(findings, omitted, new LedgerAuditResult.Finding(k, n + 1, "the checkpoint covers " + m
                    + " entries but the ledger holds " + n + " intact ones: " + (n + 1 == m ? "entry " + m + " is"
                    : "entries " + (n + 1) + ".." + m + " are") + " missing (truncated)"));
            return;
        }
        if (!MessageDigest.isEqual(rootAtM, checkpoint.rootHash())) {
            String how = !haveTree ? "; keep the tree file written with the checkpoint to name the first entry that differs"
                    : treeMatches ? "" : "; the tree file does not match the checkpoint either, so the entry cannot be named";
            add(findings, omitted, new LedgerAuditResult.Finding(k, 0, "the first " + m
                    + " entries are not those the checkpoint signed (root hash differs): rewritten or reordered" + how));
        }
    }

    private static void add(List<LedgerAuditResult.Finding> findings, long[] omitted, LedgerAuditResult.Finding f) {
        if (findings.size() < MAX_FINDINGS) {
            findings.add(f);
        } else {
            omitted[0]++;
        }
    }

    /** Why the entry's token signature does not verify, or null when it does. */
    private String signatureProblem(LedgerEntry e) {
        EctCodec.Parts p;
        try {
            p = EctCodec.parse(e.compact(), headers); // the verifier's decoder
        } catch (EctRejectedException ex) {
            return "the token cannot be decoded: " + ex.error().detail();
        }
        if (p.format() != EctLevel.L2) {
            return "an unsigned (L1) token: there is no signature to verify";
        }
        Map<String, Object> header = p.header();
        EctAlgorithm alg = header.get("alg") instanceof String a ? EctAlgorithm.fromJwaName(a) : null;
        if (alg == null || !algorithms.contains(alg)) {
            return "the token's alg is not allowed (allowed: " + algorithms + ")";
        }
        if (!(header.get("kid") instanceof String kid) || kid.isEmpty()) {
            return "the token has no kid";
        }
        if (e.iss() == null) {
            return "the token has no iss";
        }
        Optional<PublicKey> key;
        try {
            key = keys.resolve(e.iss(), kid);
        } catch (EctUnavailableException ex) {
            return "the key source is unavailable (" + ex.getMessage() + "): the signature could not be checked";
        }
        if (key.isEmpty()) {
            return "no trusted key for iss " + e.iss() + " and kid " + kid;
        }
        if (!crypto.verify(alg, key.get(), p.signingInput(), p.signature())) {
            return "the signature does not verify (iss " + e.iss() + ", kid " + kid + ", jti " + e.jti() + ")";
        }
        return null;
    }
}

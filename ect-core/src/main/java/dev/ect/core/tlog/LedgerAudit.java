package dev.ect.core.tlog;

import dev.ect.core.CryptoProvider;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.internal.Json;
import dev.ect.core.internal.JwsCrypto;
import dev.ect.core.keys.KeySource;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.ledger.LedgerReader;
import dev.ect.core.tlog.internal.HashTree;
import dev.ect.core.tlog.internal.RootStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * The file is read once, entry by entry; memory stays O(log n). Immutable, thread-safe.
 *
 * <pre>{@code
 * LedgerAuditResult r = LedgerAudit.builder()
 *         .trust(keySource)
 *         .checkpoint(Files.readString(cp), CheckpointVerifier.fromJwks(origin, jwks))
 *         .treeFile(LedgerTree.defaultTreeFile(ledgerFile))
 *         .build()
 *         .audit(ledgerFile);
 * if (!r.ok()) System.out.println(r);   // SIGNATURE at entry 7: the signature does not verify ...
 * }</pre>
 */
public final class LedgerAudit {
    /** Most findings kept in a result. */
    public static final int MAX_FINDINGS = 100;

    private final KeySource keys;
    private final Set<EctAlgorithm> algorithms;
    private final JwsCrypto crypto;
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
     * Audits a ledger file.
     *
     * @throws IOException when the ledger (or the tree file) cannot be read
     */
    public LedgerAuditResult audit(Path ledgerFile) throws IOException {
        Objects.requireNonNull(ledgerFile, "ledgerFile cannot be null");
        List<LedgerAuditResult.Finding> findings = new ArrayList<>();
        long[] omitted = {0};
        long[] verified = {0};
        RootStack stack = new RootStack();
        long m = checkpoint == null ? -1 : checkpoint.size();
        HashTree old = null;
        boolean oldUsable = false;
        if (checkpoint != null && treeFile != null && Files.isRegularFile(treeFile)) {
            old = HashTree.file(treeFile, true);
            oldUsable = old.size() >= m && MessageDigest.isEqual(old.root(m), checkpoint.rootHash());
        }
        try {
            HashTree reference = oldUsable ? old : null;
            byte[][] rootAtM = {m == 0 ? Merkle.emptyRoot() : null};
            long[] firstDiff = {0};
            ChainVerification chain = LedgerReader.read(ledgerFile, e -> {
                byte[] leaf = Merkle.leafHash(e);
                long i = stack.size();
                if (reference != null && i < m && firstDiff[0] == 0 && !MessageDigest.isEqual(reference.leaf(i), leaf)) {
                    firstDiff[0] = e.seq();
                }
                stack.push(leaf);
                if (stack.size() == m) {
                    rootAtM[0] = stack.root();
                }
                if (keys != null) {
                    String why = signatureProblem(e);
                    if (why == null) {
                        verified[0]++;
                    } else {
                        add(findings, omitted, new LedgerAuditResult.Finding(LedgerAuditResult.Kind.SIGNATURE, e.seq(), why));
                    }
                }
            });
            if (!chain.ok()) {
                add(findings, omitted, new LedgerAuditResult.Finding(LedgerAuditResult.Kind.CHAIN,
                        chain.brokenSeq().orElse(0), chain.problem().orElse("broken")
                                + chain.brokenLine().stream().mapToObj(l -> " (line " + l + ")").findFirst().orElse("")));
            }
            if (checkpoint != null) {
                checkCheckpoint(findings, omitted, stack.size(), rootAtM[0], firstDiff[0], old != null, oldUsable);
            }
            findings.sort(Comparator.comparingLong((LedgerAuditResult.Finding f) -> f.seq() == 0 ? Long.MAX_VALUE : f.seq()));
            return new LedgerAuditResult(chain, stack.size(), verified[0], Optional.ofNullable(checkpoint), findings, omitted[0]);
        } finally {
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
        String c = e.compact();
        int d1 = c.indexOf('.');
        if (d1 < 0) {
            return "an unsigned (L1) token: there is no signature to verify";
        }
        int d2 = c.indexOf('.', d1 + 1);
        if (d2 < 0 || c.indexOf('.', d2 + 1) >= 0) {
            return "the token is not a compact JWS";
        }
        Map<String, Object> header = Json.parseHeader(c, 0, d1);
        if (header == null) {
            return "the token's JOSE header cannot be decoded";
        }
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
        byte[] sig = Json.b64decode(c, d2 + 1, c.length());
        if (sig == null) {
            return "the signature is not base64url";
        }
        byte[] input = c.substring(0, d2).getBytes(StandardCharsets.US_ASCII);
        if (!crypto.verify(alg, key.get(), input, sig)) {
            return "the signature does not verify (iss " + e.iss() + ", kid " + kid + ", jti " + e.jti() + ")";
        }
        return null;
    }
}

package dev.ect.core.ledger;

import dev.ect.core.Ect;
import dev.ect.core.SignedEct;
import dev.ect.core.internal.EctCodec;
import dev.ect.core.internal.HeaderCache;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Walks a chain entry by entry (L-04) and remembers the first break. Not thread-safe; one per
 * verification.
 */
final class ChainChecker {
    private long expectedSeq = 1;
    private String prevHash = LedgerEntry.GENESIS_HASH;
    private long intact;
    private final Map<String, Long> keys = new HashMap<>();
    private String problem;
    private SignedEct lastToken;
    private final HeaderCache headers = new HeaderCache();

    /**
     * Checks the next entry.
     *
     * @return null when it is intact, else the problem (the checker then stays broken)
     */
    String check(LedgerEntry e) {
        if (problem != null) {
            return problem;
        }
        problem = examine(e);
        if (problem == null) {
            expectedSeq++;
            prevHash = e.hash();
            intact++;
        }
        return problem;
    }

    private String examine(LedgerEntry e) {
        if (e.seq() != expectedSeq) {
            return "seq is " + e.seq() + ", expected " + expectedSeq;
        }
        if (!e.prevHash().equals(prevHash)) {
            return expectedSeq == 1 ? "prev_hash of the first entry is not the genesis hash"
                    : "prev_hash does not match the hash of entry " + (expectedSeq - 1);
        }
        String computed = e.computeHash();
        if (!computed.equals(e.hash())) {
            return "hash mismatch: stored " + e.hash() + ", computed " + computed;
        }
        SignedEct token;
        try {
            token = EctCodec.storedToken(e.compact(), headers); // as LedgerEntry.signed(), one header decode per issuer
        } catch (IllegalArgumentException ex) {
            return "the compact token cannot be decoded: " + ex.getMessage();
        }
        String field = mismatch(e, token.ect());
        if (field != null) {
            return field + " does not match the compact token";
        }
        Long earlier = keys.putIfAbsent(LedgerIndex.key(e.iss(), e.wid(), e.jti()), e.seq());
        if (earlier != null) {
            return "(iss, wid, jti) was already recorded at seq " + earlier + " (L-06)";
        }
        lastToken = token;
        return null;
    }

    private static String mismatch(LedgerEntry e, Ect ect) {
        if (!Objects.equals(e.jti(), ect.jti())) {
            return "jti";
        }
        if (!Objects.equals(e.wid(), ect.wid())) {
            return "wid";
        }
        if (!Objects.equals(e.iss(), ect.iss())) {
            return "iss";
        }
        if (!Objects.equals(e.execAct(), ect.execAct())) {
            return "exec_act";
        }
        if (!List.copyOf(e.pred()).equals(ect.pred())) {
            return "pred";
        }
        return null;
    }

    /** Records a break found outside the entries themselves (e.g. an unparseable line). */
    void fail(String why) {
        if (problem == null) {
            problem = why;
        }
    }

    boolean broken() { return problem != null; }

    long expectedSeq() { return expectedSeq; }

    long intact() { return intact; }

    String lastHash() { return prevHash; }

    /** The token of the last intact entry, decoded (so a ledger being opened need not decode twice). */
    SignedEct lastToken() { return lastToken; }

    /** The outcome; {@code line} is the 1-based line of the break in a file, or -1. */
    ChainVerification result(long line) {
        if (problem == null) {
            return ChainVerification.intact(intact, prevHash);
        }
        return ChainVerification.broken(intact, expectedSeq, line, problem, prevHash);
    }
}

package dev.ect.core.ledger;

import dev.ect.core.SignedEct;
import dev.ect.core.internal.Uuids;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The in-memory lookups shared by {@link InMemoryLedger} and {@link FileLedger}: entries in
 * sequence order, by {@code jti} and by {@code wid}; the L-06 key ({@code iss}, {@code wid},
 * {@code jti}) is looked up among the entries of its {@code jti} (usually one), so no key text is
 * built or kept per entry. Ids are indexed in canonical lower case (P-01), so a lookup or key
 * that differs only in letter case finds the same entries. Readers run in parallel; an append
 * takes the write lock for the few map updates only.
 */
final class LedgerIndex {
    /** An entry and its token, decoded once (when appended or read back), never per lookup. */
    private record Stored(LedgerEntry entry, SignedEct token) {}

    private final ReadWriteLock rw = new ReentrantReadWriteLock();
    private final List<LedgerEntry> entries = new ArrayList<>();
    /** Per jti: its one Stored (the usual case), or a Stored[] in sequence order when several ECTs carry it. */
    private final Map<String, Object> byJti = new HashMap<>();
    private final Map<String, List<LedgerEntry>> byWid = new HashMap<>();

    /**
     * The L-06 key as text, for the sets of callers that keep keys ({@link FileLedger}'s appends in
     * flight, {@link ChainChecker}): ({@code iss}, {@code wid} or empty, {@code jti}), ids in
     * canonical lower case; {@code iss} is length-prefixed so no issuer text can run into the ids.
     * Two keys are equal exactly when {@link #sameKey} says so.
     */
    static String key(String iss, String wid, String jti) {
        String i = iss == null ? "" : iss;
        return i.length() + ":" + i + widKey(wid) + '\n' + Uuids.canonical(jti);
    }

    private static String widKey(String wid) { return wid == null ? "" : Uuids.canonical(wid); }

    private static String jtiKey(String jti) { return Uuids.canonical(jti); }

    private static final Stored[] NONE = new Stored[0];

    /** A byJti value as an array (read only). */
    private static Stored[] stored(Object v) {
        return v == null ? NONE : v instanceof Stored one ? new Stored[] {one} : (Stored[]) v;
    }

    /** A byJti value with {@code s} added last. */
    private static Object plus(Object old, Object s) {
        Stored[] a = stored(old);
        Stored[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = (Stored) s;
        return out;
    }

    /** Adds an entry whose seq is {@link #size()} + 1 and whose key is new (callers check); {@code token} is its token. */
    void add(LedgerEntry e, SignedEct token) {
        rw.writeLock().lock();
        try {
            if (e.seq() != entries.size() + 1) {
                throw new IllegalStateException("seq " + e.seq() + " does not follow " + entries.size());
            }
            entries.add(e);
            byJti.merge(jtiKey(e.jti()), new Stored(e, token), LedgerIndex::plus);
            byWid.computeIfAbsent(widKey(e.wid()), k -> new ArrayList<>()).add(e);
        } finally {
            rw.writeLock().unlock();
        }
    }

    /** True when an entry of the L-06 key ({@code iss}, {@code wid}, {@code jti}) is present. */
    boolean contains(String iss, String wid, String jti) { return find(iss, wid, jti) != null; }

    /** The entry of ({@code iss}, {@code wid}, {@code jti}), or null (there is at most one, L-06; the last one otherwise). */
    LedgerEntry find(String iss, String wid, String jti) {
        rw.readLock().lock();
        try {
            Object v = byJti.get(jtiKey(jti));
            if (v == null || v instanceof Stored) { // none, or the usual one: no array
                LedgerEntry e = v == null ? null : ((Stored) v).entry();
                return e != null && sameKey(e.iss(), e.wid(), iss, wid) ? e : null;
            }
            Stored[] s = (Stored[]) v;
            for (int k = s.length - 1; k >= 0; k--) {
                LedgerEntry e = s[k].entry();
                if (sameKey(e.iss(), e.wid(), iss, wid)) {
                    return e;
                }
            }
            return null;
        } finally {
            rw.readLock().unlock();
        }
    }

    /**
     * For two entries of one {@code jti}: the same L-06 key as {@link #key} builds it (a null
     * {@code iss} or {@code wid} is the empty one; {@code wid} in canonical lower case).
     */
    private static boolean sameKey(String iss1, String wid1, String iss2, String wid2) {
        return (iss1 == null ? "" : iss1).equals(iss2 == null ? "" : iss2)
                && Uuids.same(wid1 == null ? "" : wid1, wid2 == null ? "" : wid2);
    }

    /** The first entry (in sequence order) of ({@code wid}, {@code jti}) from any issuer, or null. */
    LedgerEntry find(String wid, String jti) {
        rw.readLock().lock();
        try {
            Object v = byJti.get(jtiKey(jti));
            if (v instanceof Stored one) {
                return Uuids.same(one.entry().wid(), wid) ? one.entry() : null;
            }
            for (Stored x : stored(v)) {
                if (Uuids.same(x.entry().wid(), wid)) {
                    return x.entry();
                }
            }
            return null;
        } finally {
            rw.readLock().unlock();
        }
    }

    List<SignedEct> findByJti(String jti) {
        rw.readLock().lock();
        try {
            Object v = byJti.get(jtiKey(jti));
            if (v == null) {
                return List.of();
            }
            if (v instanceof Stored one) { // the usual case: one ECT carries a jti
                return List.of(one.token());
            }
            Stored[] s = (Stored[]) v;
            SignedEct[] out = new SignedEct[s.length];
            for (int k = 0; k < s.length; k++) {
                out[k] = s[k].token();
            }
            return List.of(out);
        } finally {
            rw.readLock().unlock();
        }
    }

    List<LedgerEntry> findEntries(String jti) {
        rw.readLock().lock();
        try {
            Stored[] s = stored(byJti.get(jtiKey(jti)));
            LedgerEntry[] out = new LedgerEntry[s.length];
            for (int k = 0; k < s.length; k++) {
                out[k] = s[k].entry();
            }
            return List.of(out);
        } finally {
            rw.readLock().unlock();
        }
    }

    List<LedgerEntry> ofWorkflow(String wid) {
        rw.readLock().lock();
        try {
            List<LedgerEntry> l = byWid.get(widKey(wid));
            return l == null ? List.of() : List.copyOf(l);
        } finally {
            rw.readLock().unlock();
        }
    }

    List<LedgerEntry> entries(long fromSeq, int limit) {
        if (fromSeq < 1) {
            throw new IllegalArgumentException("fromSeq must be >= 1");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0");
        }
        rw.readLock().lock();
        try {
            if (fromSeq > entries.size()) {
                return List.of();
            }
            int from = (int) (fromSeq - 1);
            int to = (int) Math.min(entries.size(), (long) from + limit);
            return List.copyOf(entries.subList(from, to));
        } finally {
            rw.readLock().unlock();
        }
    }

    /** The last entry, or null when empty. */
    LedgerEntry last() {
        rw.readLock().lock();
        try {
            return entries.isEmpty() ? null : entries.get(entries.size() - 1);
        } finally {
            rw.readLock().unlock();
        }
    }

    long size() {
        rw.readLock().lock();
        try {
            return entries.size();
        } finally {
            rw.readLock().unlock();
        }
    }
}

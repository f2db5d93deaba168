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
 * sequence order, by {@code jti}, by {@code wid}, and the L-06 key set of ({@code iss},
 * {@code wid}, {@code jti}). Ids are indexed in canonical lower case (P-01), so a lookup or key
 * that differs only in letter case finds the same entries. Readers run in parallel; an append
 * takes the write lock for the few map updates only.
 */
final class LedgerIndex {
    /** An entry and its token, decoded once (when appended or read back), never per lookup. */
    private record Stored(LedgerEntry entry, SignedEct token) {}

    private final ReadWriteLock rw = new ReentrantReadWriteLock();
    private final List<LedgerEntry> entries = new ArrayList<>();
    private final Map<String, List<Stored>> byJti = new HashMap<>();
    private final Map<String, List<LedgerEntry>> byWid = new HashMap<>();
    private final Map<String, LedgerEntry> byKey = new HashMap<>();

    /**
     * The L-06 key: ({@code iss}, {@code wid} or empty, {@code jti}), ids in canonical lower case;
     * {@code iss} is length-prefixed so no issuer text can run into the ids.
     */
    static String key(String iss, String wid, String jti) {
        String i = iss == null ? "" : iss;
        return i.length() + ":" + i + widKey(wid) + '\n' + Uuids.canonical(jti);
    }

    private static String widKey(String wid) { return wid == null ? "" : Uuids.canonical(wid); }

    private static String jtiKey(String jti) { return Uuids.canonical(jti); }

    /** Adds an entry whose seq is {@link #size()} + 1 and whose key is new (callers check); {@code token} is its token. */
    void add(LedgerEntry e, SignedEct token) {
        rw.writeLock().lock();
        try {
            if (e.seq() != entries.size() + 1) {
                throw new IllegalStateException("seq " + e.seq() + " does not follow " + entries.size());
            }
            entries.add(e);
            byJti.computeIfAbsent(jtiKey(e.jti()), k -> new ArrayList<>(1)).add(new Stored(e, token));
            byWid.computeIfAbsent(widKey(e.wid()), k -> new ArrayList<>()).add(e);
            byKey.put(key(e.iss(), e.wid(), e.jti()), e);
        } finally {
            rw.writeLock().unlock();
        }
    }

    boolean contains(String key) {
        rw.readLock().lock();
        try {
            return byKey.containsKey(key);
        } finally {
            rw.readLock().unlock();
        }
    }

    /** The entry of ({@code iss}, {@code wid}, {@code jti}), or null (there is at most one, L-06). */
    LedgerEntry find(String iss, String wid, String jti) {
        rw.readLock().lock();
        try {
            return byKey.get(key(iss, wid, jti));
        } finally {
            rw.readLock().unlock();
        }
    }

    /** The first entry (in sequence order) of ({@code wid}, {@code jti}) from any issuer, or null. */
    LedgerEntry find(String wid, String jti) {
        rw.readLock().lock();
        try {
            List<Stored> s = byJti.get(jtiKey(jti));
            if (s != null) {
                for (Stored x : s) {
                    if (Uuids.same(x.entry().wid(), wid)) {
                        return x.entry();
                    }
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
            List<Stored> s = byJti.get(jtiKey(jti));
            if (s == null) {
                return List.of();
            }
            if (s.size() == 1) { // the usual case: one ECT carries a jti
                return List.of(s.get(0).token());
            }
            List<SignedEct> out = new ArrayList<>(s.size());
            s.forEach(x -> out.add(x.token()));
            return List.copyOf(out);
        } finally {
            rw.readLock().unlock();
        }
    }

    List<LedgerEntry> findEntries(String jti) {
        rw.readLock().lock();
        try {
            List<Stored> s = byJti.get(jtiKey(jti));
            if (s == null) {
                return List.of();
            }
            List<LedgerEntry> out = new ArrayList<>(s.size());
            s.forEach(x -> out.add(x.entry()));
            return List.copyOf(out);
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

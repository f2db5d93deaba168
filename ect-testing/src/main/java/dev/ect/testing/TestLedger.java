package dev.ect.testing;

import dev.ect.core.Ect;
import dev.ect.core.SignedEct;
import dev.ect.core.dag.AncestorWalk;
import dev.ect.core.dag.EctStore;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.LedgerEntry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A real ledger (an {@link InMemoryLedger}, or one you pass) that remembers what was appended and
 * can be told to fail appends, like a full disk or an unreachable database: to test that a service
 * answers 503 {@code ledger_unavailable} (V-15), records nothing it did not accept, and recovers.
 * Reads (the DAG lookups included) always go to the real ledger.
 *
 * <pre>{@code
 * TestLedger ledger = new TestLedger();
 * ledger.failAppends(ect -> true);                 // every append throws: the service answers 503
 * ... send a token: 503, ledger.appended() is empty ...
 * ledger.heal();                                   // the same token is accepted now
 * }</pre>
 *
 * Thread-safe.
 */
public final class TestLedger implements AuditLedger {
    private final AuditLedger delegate;
    private final List<SignedEct> appended = new CopyOnWriteArrayList<>();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile Predicate<? super Ect> failWhen;
    private volatile Supplier<? extends RuntimeException> failure;

    /** Over a new {@link InMemoryLedger} on the system clock. */
    public TestLedger() { this(new InMemoryLedger()); }

    /** Over a new {@link InMemoryLedger} recording times from {@code clock}. */
    public TestLedger(Clock clock) { this(new InMemoryLedger(clock)); }

    /** Over {@code delegate} (a file or database ledger, say), which does every read and the appends that do not fail. */
    public TestLedger(AuditLedger delegate) { this.delegate = Objects.requireNonNull(delegate, "delegate"); }

    /** A ledger whose every append fails ({@link #failAppends(Predicate)} with every ECT). */
    public static TestLedger failing() { return new TestLedger().failAppends(ect -> true); }

    /**
     * From now on, appends of the ECTs {@code which} matches fail with an {@link IllegalStateException}
     * (what a broken store throws; the verifier reports it as 503 {@code ledger_unavailable}).
     */
    public TestLedger failAppends(Predicate<? super Ect> which) {
        return failAppends(which, () -> new IllegalStateException("TestLedger: the ledger refuses this append (disk full)"));
    }

    /** From now on, appends of the ECTs {@code which} matches throw what {@code failure} supplies. */
    public TestLedger failAppends(Predicate<? super Ect> which, Supplier<? extends RuntimeException> failure) {
        this.failure = Objects.requireNonNull(failure, "failure");
        this.failWhen = Objects.requireNonNull(which, "which");
        return this;
    }

    /** Appends work again. */
    public TestLedger heal() {
        failWhen = null;
        return this;
    }

    /** The tokens appended (successfully), in order. */
    public List<SignedEct> appended() { return List.copyOf(appended); }

    /** How many appends failed because this ledger was told to fail them. */
    public int failedAppends() { return failed.get(); }

    /** The real ledger behind this one. */
    public AuditLedger delegate() { return delegate; }

    @Override
    public LedgerEntry append(SignedEct token) {
        Predicate<? super Ect> when = failWhen;
        if (when != null && when.test(Objects.requireNonNull(token, "token").ect())) {
            failed.incrementAndGet();
            throw failure.get();
        }
        LedgerEntry e = delegate.append(token);
        appended.add(token);
        return e;
    }

    @Override
    public List<LedgerEntry> entries(long fromSeq, int limit) { return delegate.entries(fromSeq, limit); }

    @Override
    public List<LedgerEntry> findEntries(String jti) { return delegate.findEntries(jti); }

    @Override
    public List<LedgerEntry> entriesOfWorkflow(String wid) { return delegate.entriesOfWorkflow(wid); }

    @Override
    public Optional<LedgerEntry> findEntry(String wid, String jti) { return delegate.findEntry(wid, jti); }

    @Override
    public Optional<LedgerEntry> findEntry(String iss, String wid, String jti) { return delegate.findEntry(iss, wid, jti); }

    @Override
    public List<LedgerEntry> ancestors(String jti, int limit) { return delegate.ancestors(jti, limit); }

    @Override
    public ChainVerification verifyChain() { return delegate.verifyChain(); }

    @Override
    public List<SignedEct> findByJti(String jti) { return delegate.findByJti(jti); }

    @Override
    public List<SignedEct> findByJti(String jti, Duration timeout) { return delegate.findByJti(jti, timeout); }

    @Override
    public List<List<SignedEct>> findByJtis(List<String> jtis, Duration timeout) { return delegate.findByJtis(jtis, timeout); }

    @Override
    public dev.ect.core.dag.DagLookups lookupForCheck(dev.ect.core.Ect child, List<String> ids, int limit, Duration timeout) {
        return delegate.lookupForCheck(child, ids, limit, timeout);
    }

    @Override
    public AncestorWalk walkAncestors(List<SignedEct> parents, String jti, int limit, Duration timeout) {
        return delegate.walkAncestors(parents, jti, limit, timeout);
    }

    @Override
    public EctStore including(List<SignedEct> own) {
        EctStore s = delegate.including(own);
        return s == delegate ? this : s;
    }

    @Override
    public String toString() { return "TestLedger{" + delegate + ", appended=" + appended.size() + "}"; }
}

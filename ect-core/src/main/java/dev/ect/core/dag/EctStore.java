package dev.ect.core.dag;

import dev.ect.core.Ect;
import dev.ect.core.SignedEct;
import java.time.Duration;
import java.util.List;

/**
 * Where the verifier looks predecessors up (profile section 5): the ledger, or any store of ECTs
 * this verifier or its deployment has accepted. Implementations must be thread-safe.
 *
 * <p>A store holds tokens, and answers with them: each {@link SignedEct} is a stored token with the
 * {@link dev.ect.core.Ect} its compact form carries ({@link SignedEct#ect()}, decoded once when
 * the token was accepted or read back, never per lookup). The DAG rules read the claims through
 * {@code ect()}; nothing re-decodes the compact form.
 *
 * <p>Every {@link dev.ect.core.ledger.AuditLedger} is an ECT store. {@link #empty()} holds nothing.
 *
 * <p>Only {@link #findByJti(String)} must be implemented. A store that can walk the graph more
 * cheaply than one lookup per ancestor (a database: one recursive query) overrides
 * {@link #walkAncestors(List, String, int, Duration)}; a store that can bound a single lookup in
 * time overrides {@link #findByJti(String, Duration)}, and one that can look several ids up in one
 * round trip {@link #findByJtis(List, Duration)}. Both serve the deadline of the whole DAG
 * check ({@link dev.ect.core.EctSettings#dagTimeout()}, V-13).
 */
@FunctionalInterface
public interface EctStore {
    /**
     * All stored tokens whose ECT's {@code jti} is this one, in any workflow and from any issuer (usually
     * zero or one; uniqueness is per ({@code iss}, {@code wid}, {@code jti}), G-01, so two issuers
     * may each hold one: G-07).
     *
     * <p>P-01: the {@link DagValidator} asks with the {@code jti} in canonical lower case; a store
     * should match stored ids ignoring ASCII case (the validator drops returned ECTs whose
     * {@code jti} is not the one asked for).
     *
     * @throws dev.ect.core.EctUnavailableException when the store cannot be read
     */
    List<SignedEct> findByJti(String jti);

    /**
     * {@link #findByJti(String)} within {@code timeout}: the time left of the DAG check's deadline.
     * The default ignores the timeout (the {@link DagValidator} checks its deadline after each
     * call); a store that can bound a call (a database: the statement's query timeout) should.
     *
     * @param timeout the time left, &gt; 0
     * @throws dev.ect.core.EctUnavailableException {@code ledger_unavailable} when the store cannot
     *     be read, or not within {@code timeout}
     */
    default List<SignedEct> findByJti(String jti, Duration timeout) { return findByJti(jti); }

    /**
     * {@link #findByJti(String, Duration)} for several ids at once, within {@code timeout} for all
     * of them: element {@code i} of the result holds the ECTs of {@code jtis.get(i)}. The
     * {@link DagValidator} asks once per check, for the child's {@code jti} (G-01) and every
     * {@code pred} entry (G-02..G-04, G-07), each in canonical lower case (P-01). The default asks
     * {@link #findByJti(String, Duration)} for each id in turn, with the time left; a store that
     * can answer all in one round trip (a database: one query) should override it.
     *
     * @param jtis the ids, in canonical lower case
     * @param timeout the time left of the DAG check's deadline, &gt; 0
     * @return one list per id, in the order of {@code jtis}
     * @throws dev.ect.core.EctUnavailableException {@code ledger_unavailable} when the store cannot
     *     be read, or not within {@code timeout}
     */
    default List<List<SignedEct>> findByJtis(List<String> jtis, Duration timeout) {
        long start = System.nanoTime();
        List<List<SignedEct>> out = new java.util.ArrayList<>(jtis.size());
        for (String jti : jtis) {
            long left = timeout.toNanos() - (System.nanoTime() - start);
            if (left <= 0) {
                throw DagWalks.deadlineExceeded("after " + out.size() + " of " + jtis.size() + " lookups");
            }
            out.add(findByJti(jti, Duration.ofNanos(left)));
        }
        return out;
    }

    /**
     * The lookups of one DAG check in one call: {@link #findByJtis(List, Duration)} of {@code ids}
     * (the child's {@code jti}, then each {@code pred} entry, in canonical lower case), and, when
     * the store can decide it in the same round trip, the child's G-05 walk: the walk
     * {@link #walkAncestors} would answer from the child's {@code pred} entries stored in the child's
     * workflow, for the child's {@code jti}, within {@code limit} ({@link DagLookups#of(List, AncestorWalk)}).
     * The default only looks up ({@link DagLookups#of(List)}); a database store that answers G-05 from
     * indexes (ect-jdbc: one statement for the lookups and the probe) should override it. A store that
     * wraps another should pass the call on.
     *
     * @param child the ECT being checked
     * @param ids the child's {@code jti}, then its {@code pred} entries, each in canonical lower case
     * @param limit the bound of the walk ({@code maxAncestors}), &ge; 1
     * @param timeout the time left of the DAG check's deadline, &gt; 0
     * @throws dev.ect.core.EctUnavailableException {@code ledger_unavailable} when the store cannot
     *     be read, or not within {@code timeout}
     */
    default DagLookups lookupForCheck(Ect child, List<String> ids, int limit, Duration timeout) {
        return DagLookups.of(findByJtis(ids, timeout));
    }

    /**
     * The bounded ancestor walk of G-05 (see {@link AncestorWalk}): starting with {@code parents}
     * (the child's resolved predecessors, ECTs this store returned, all in the child's workflow),
     * it follows {@code pred} links within that workflow to every stored ECT carrying the id (from
     * any issuer, each ECT once, ids matched ignoring ASCII case, P-01), examines at most
     * {@code limit} ECTs, and reports whether one of them names {@code jti} (the child: a cycle)
     * or more than {@code limit} are reachable. A {@code pred} id that is not stored is skipped
     * (G-02 already decided about the child's own).
     *
     * <p>The default is a depth-first walk with one {@link #findByJti(String, Duration)} per
     * distinct {@code pred} id (at most {@code limit} &times; {@code maxPred} lookups), checking
     * {@code timeout} before each. A database store should answer in one bounded query.
     *
     * @param parents where the walk starts (tokens this store returned); they count towards {@code limit}
     * @param jti the id looked for, in canonical lower case: the child's {@code jti} for G-05 (the
     *     walk must not reach it), or a task whose descendant the child may be
     *     ({@link DagView#descendsFrom}: reaching it is the answer "yes")
     * @param limit the most ECTs examined, &ge; 1 ({@code maxAncestors}, default 10,000)
     * @param timeout the time left of the DAG check's deadline, &gt; 0 ({@code dagTimeout})
     * @throws dev.ect.core.EctUnavailableException {@code ledger_unavailable} when the store cannot
     *     be read, or the walk did not finish within {@code timeout}
     */
    default AncestorWalk walkAncestors(List<SignedEct> parents, String jti, int limit, Duration timeout) {
        return DagWalks.depthFirst(this, parents, jti, limit, timeout);
    }

    /**
     * This store as one verification sees it when its caller vouches for {@code own}, the ECTs it
     * minted itself (F-03: a client's check of a response ECT resolves the request's task from the
     * tokens it minted; {@link dev.ect.core.EctVerifier#verify(String, dev.ect.core.VerificationScope)}).
     * The default ignores them and returns this store: only a store meant to resolve a client's own
     * tokens ({@code EctClientConfig.mintedEctStore(fallback)} of the client support) answers with a
     * view that finds them first. A store that wraps another should pass the call on.
     *
     * @param own tokens minted by the caller ({@link dev.ect.core.EctSigner#mint}), for this one
     *     verification; never kept
     */
    default EctStore including(List<SignedEct> own) { return this; }

    /** A store with nothing in it: every predecessor is unresolved. */
    static EctStore empty() { return jti -> List.of(); }
}

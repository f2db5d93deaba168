package dev.ect.jdbc;

import dev.ect.testing.TcpProxy;
import static dev.ect.jdbc.Agents.A;
import static dev.ect.jdbc.Agents.B;
import static dev.ect.jdbc.Agents.C;
import static dev.ect.jdbc.Agents.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctException;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.dag.AncestorWalk;
import dev.ect.core.dag.DagValidator;
import dev.ect.core.dag.EctStore;
import dev.ect.core.internal.TestTokens;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.LedgerEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * G-05 and the V-13 deadline against the machine's PostgreSQL: the DAG check's lookups are one
 * query, its ancestor walk one probe of indexes and stored bounds or one recursive query (statements counted on the wire through a {@link TcpProxy}, with pgjdbc's
 * {@code prepareThreshold=0} so each execution sends its SQL text), keeps {@code dag_too_deep} and
 * {@code dag_cycle}, and a slow ledger hits the deadline of the whole check (503) in bounded time.
 */
class JdbcDagWalkTest {
    static final String SCHEMA = TestDb.uniqueSchema(JdbcDagWalkTest.class);
    static final int CHAIN = 10_001;
    static final Duration SKEW = Duration.ofSeconds(30);
    static final String LOOKUP = "WHERE lower(jti) = lower($1) ORDER BY seq";
    static final String WALK = "WITH RECURSIVE anc(seq, pred)";
    static final String PROBE = "SELECT EXISTS (SELECT 1 FROM (SELECT wid FROM";
    static final String LOOKUPS = "::text[]) WITH ORDINALITY AS u(j, i)"; // alone ($1) or after the probe ($6)
    static final String WID = uuid();
    static final List<Ect> chain = new ArrayList<>(); // root first: chain.get(i) has i ancestors
    static JdbcLedger ledger;
    static TcpProxy proxy;
    static JdbcLedger counted; // the same ledger through the proxy

    @BeforeAll
    static void open() throws SQLException {
        // the probe of schema version 3 (version 4 keeps no bounds): a version-3 ledger, read as it is, without the DAG cache
        ledger = TestDb.v3Ledger(TestDb.URL, SCHEMA);
        ledger.size();
        bulkChain();
        proxy = new TcpProxy(5432);
        counted = JdbcLedger.builder(proxy.jdbcUrl("test", "user=postgres&prepareThreshold=0")).schema(SCHEMA).createSchema(false)
                .dagCacheSize(0).build();
        counted.size();
    }

    @AfterAll
    static void drop() {
        counted.close();
        proxy.close();
        ledger.close();
        TestDb.dropSchema(SCHEMA);
    }

    /** A chain of 10,001 entries in one transaction (the chain trigger checks every link). */
    static void bulkChain() throws SQLException {
        Instant now = Instant.now();
        String prev = LedgerEntry.GENESIS_HASH;
        String prevJti = null;
        try (Connection c = TestDb.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + ledger.table()
                    + " (seq, jti, wid, iss, exec_act, pred, recorded_at, compact, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
                for (int i = 1; i <= CHAIN; i++) {
                    Ect e = Ect.builder().iss(A).aud(B).jti(uuid()).wid(WID).execAct("step")
                            .pred(prevJti == null ? List.of() : List.of(prevJti)).iat(now.minusSeconds(60))
                            .exp(now.plusSeconds(3600)).build();
                    SignedEct s = TestTokens.unsigned(e); // unsigned: cheap, decoded like a signed one
                    String compact = s.compact();
                    LedgerEntry entry = LedgerEntry.create(i, s, now, prev);
                    ins.setLong(1, i);
                    ins.setString(2, entry.jti());
                    ins.setString(3, WID);
                    ins.setString(4, entry.iss());
                    ins.setString(5, entry.execAct());
                    ins.setArray(6, c.createArrayOf("text", entry.pred().toArray()));
                    ins.setTimestamp(7, Timestamp.from(entry.recordedAt()));
                    ins.setString(8, compact);
                    ins.setString(9, entry.prevHash());
                    ins.setString(10, entry.hash());
                    ins.addBatch();
                    prev = entry.hash();
                    prevJti = e.jti();
                    chain.add(e);
                }
                ins.executeBatch();
            }
            c.commit();
        }
    }

    static Ect child(String jti, String... pred) {
        Instant now = Instant.now();
        return Ect.builder().iss(A).aud(B).jti(jti).wid(WID).execAct("child").pred(List.of(pred)).iat(now)
                .exp(now.plusSeconds(600)).build();
    }

    static DagValidator validator(EctStore store, int maxAncestors) {
        return validator(store, maxAncestors, EctSettings.DEFAULT_DAG_TIMEOUT);
    }

    static DagValidator validator(EctStore store, int maxAncestors, Duration dagTimeout) {
        return new DagValidator(store, EctSettings.builder().clockSkew(SKEW).maxAncestors(maxAncestors).dagTimeout(dagTimeout).build(),
                List.of(), dev.ect.core.VerificationListener.noop());
    }

    static ReasonCode reason(Runnable r) {
        try {
            r.run();
        } catch (EctException e) {
            return e.reason();
        }
        return null;
    }

    void countStatements() {
        proxy.count(LOOKUP);
        proxy.count(WALK);
        proxy.count(PROBE);
        proxy.count(LOOKUPS);
        proxy.count(ledger.table());
    }

    @Test
    @DisplayName("G-05 V-13 a 10,000-ancestor chain is checked with one probe of indexes and stored bounds, no walk, no lookup per ancestor")
    void g05TenThousandAncestorsInOneQuery() {
        Ect top = chain.get(CHAIN - 2); // 10,000 ancestors: exactly the default bound
        countStatements();
        long start = System.nanoTime();
        assertThat(validator(counted, 10_000).validate(child(uuid(), top.jti()))).isEmpty();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(proxy.seen(PROBE)).as("probes").isEqualTo(1);
        assertThat(proxy.seen(WALK)).as("walk queries: the stored bounds decide").isZero();
        assertThat(proxy.seen(LOOKUP)).as("single lookups by jti").isZero();
        assertThat(proxy.seen(LOOKUPS)).as("G-01 and the one pred looked up in one query").isEqualTo(1);
        assertThat(proxy.seen(ledger.table())).as("the ledger table named by the lookups and the probe (three times, and in its function's name)").isEqualTo(1 + 4);
        assertThat(took).isLessThan(Duration.ofSeconds(2)); // within the default deadline
        // the exact walk, in one query, agrees
        assertThat(ledger.exactWalkAncestors(List.of(TestTokens.unsigned(top)), uuid(), 10_000, Duration.ofSeconds(5)))
                .isEqualTo(AncestorWalk.complete(10_000));
    }

    @Test
    @DisplayName("G-05 dag_too_deep at maxAncestors + 1 ancestors, decided by the stored lower bound without a walk; the exact walk agrees")
    void g05TooDeepAtTheBoundPlusOne() {
        Ect top = chain.get(CHAIN - 1); // 10,001 ancestors
        countStatements();
        assertThat(reason(() -> validator(counted, 10_000).validate(child(uuid(), top.jti())))).isEqualTo(ReasonCode.DAG_TOO_DEEP);
        assertThat(proxy.seen(PROBE)).isEqualTo(1);
        assertThat(proxy.seen(WALK)).isZero();
        assertThat(proxy.seen(LOOKUPS)).isEqualTo(1);
        Duration t = Duration.ofSeconds(5);
        assertThat(ledger.walkAncestors(List.of(TestTokens.unsigned(top)), uuid(), 10_000, t)).isEqualTo(AncestorWalk.limitExceeded(10_000));
        assertThat(ledger.exactWalkAncestors(List.of(TestTokens.unsigned(top)), uuid(), 10_000, t)).isEqualTo(AncestorWalk.limitExceeded(10_000));
        // COMPLETE from the bounds examines nothing (visited 0); the exact walk counts what it examined
        assertThat(ledger.walkAncestors(List.of(TestTokens.unsigned(top)), uuid(), CHAIN, t)).isEqualTo(AncestorWalk.complete(0));
        assertThat(ledger.exactWalkAncestors(List.of(TestTokens.unsigned(top)), uuid(), CHAIN, t)).isEqualTo(AncestorWalk.complete(CHAIN));
        assertThat(ledger.walkAncestors(List.of(TestTokens.unsigned(chain.get(4))), uuid(), 5, t)).isEqualTo(AncestorWalk.complete(0));
        assertThat(ledger.exactWalkAncestors(List.of(TestTokens.unsigned(chain.get(4))), uuid(), 5, t)).isEqualTo(AncestorWalk.complete(5));
        assertThat(ledger.walkAncestors(List.of(TestTokens.unsigned(chain.get(5))), uuid(), 5, t)).isEqualTo(AncestorWalk.limitExceeded(5));
        assertThat(ledger.exactWalkAncestors(List.of(TestTokens.unsigned(chain.get(5))), uuid(), 5, t)).isEqualTo(AncestorWalk.limitExceeded(5));
    }

    @Test
    @DisplayName("L-03 ancestors(jti, limit) walks 3,000 levels of the long chain in one bounded query, nearest first")
    void l03AncestorsOfALongChain() {
        // 3,000 levels: the old query shape (a hash of the workflow rescanned per level) took ~38 s there
        // and failed on the 5 s statement timeout; the walk returns full entries (tokens decoded), so the
        // whole 10,000-entry chain would make this a load test of the machine rather than of the query
        Ect top = chain.get(CHAIN - 1);
        List<LedgerEntry> found = ledger.ancestors(top.jti(), 3_000);
        assertThat(found).hasSize(3_000);
        assertThat(found.get(0).jti()).isEqualTo(chain.get(CHAIN - 2).jti());
        assertThat(found.get(2_999).jti()).isEqualTo(chain.get(CHAIN - 1 - 3_000).jti()); // the 3,000th ancestor
    }

    @Test
    @DisplayName("G-05 a cycle planted in the ledger (an ancestor of another issuer naming the child's jti in upper case) is dag_cycle in one query")
    void g05PlantedCycleIsDagCycle() {
        EctSigner signerA = Agents.signer(Clock.systemUTC());
        EctSigner signerC = Agents.signer(Clock.systemUTC());
        String childJti = uuid();
        String shared = uuid();
        // C records an ECT with the id A will use for the middle task, claiming the child as its predecessor
        SignedEct planted = signerC.mint(Ect.builder().iss(C).aud(B).wid(WID).jti(shared)
                .execAct("x").pred(List.of(childJti.toUpperCase(Locale.ROOT))).build());
        ledger.append(planted);
        SignedEct genuine = signerA.mint(Ect.builder().iss(A).aud(B).wid(WID).jti(shared).execAct("y").pred(List.of()).build());
        ledger.append(genuine);
        SignedEct prev = signerA.mint(Ect.builder().iss(A).aud(B).wid(WID).jti(uuid()).execAct("z")
                .pred(List.of(shared.toUpperCase(Locale.ROOT))).build());
        ledger.append(prev);
        for (int i = 0; i < 20; i++) { // the loop closes 20 levels down
            SignedEct next = signerA.mint(Ect.builder().iss(A).aud(B).wid(WID).jti(uuid()).execAct("z").pred(List.of(prev.ect().jti())).build());
            ledger.append(next);
            prev = next;
        }
        String top = prev.ect().jti();
        countStatements();
        assertThat(reason(() -> validator(counted, 10_000).validate(child(childJti, top)))).isEqualTo(ReasonCode.DAG_CYCLE);
        assertThat(proxy.seen(WALK)).isEqualTo(1);
        AncestorWalk walk = ledger.walkAncestors(List.of(prev), childJti, 10_000, Duration.ofSeconds(5));
        assertThat(walk.outcome()).isEqualTo(AncestorWalk.Outcome.REACHED_TARGET);
        assertThat(walk.visited()).isBetween(22, 23); // 21 of A's, then the two claimants of the shared id, in either order
        // the loop beyond the bound is not examined: the bound decides
        assertThat(ledger.walkAncestors(List.of(prev), childJti, 21, Duration.ofSeconds(5))).isEqualTo(AncestorWalk.limitExceeded(21));
    }

    @Test
    @DisplayName("V-13 G-05 a ledger behind a slow link: the per-ancestor walk hits the DAG deadline (503, bounded); the one-query walk passes")
    void v13SlowLinkHitsTheDeadline() {
        Ect top = chain.get(2_000);
        EctStore perAncestor = counted::findByJti; // a store without the one-query walk: the default loop
        proxy.delayReplies(Duration.ofMillis(5));
        try {
            DagValidator v = validator(perAncestor, 10_000, Duration.ofMillis(500));
            long start = System.nanoTime();
            assertThatThrownBy(() -> v.validate(child(uuid(), top.jti()))).isInstanceOfSatisfying(EctUnavailableException.class, e -> {
                assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
                assertThat(e.httpStatus()).isEqualTo(503);
                assertThat(e.error().detail()).contains("dagTimeout");
            });
            // 2,000 round trips of >= 5 ms would be 10 s; the deadline stops it after about 0.5 s
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));

            DagValidator oneQuery = validator(counted, 10_000, Duration.ofMillis(1500));
            assertThat(oneQuery.validate(child(uuid(), top.jti()))).isEmpty();
        } finally {
            proxy.delayReplies(Duration.ZERO);
        }
    }

    @Test
    @DisplayName("V-13 G-05 a ledger that does not answer (its table locked): the verifier answers 503 at dagTimeout, not after the 5 s statement timeout")
    void v13LockedLedgerIs503AtTheDeadline() throws SQLException {
        EctKeyPair key = EctKeys.generate("k-" + uuid().substring(0, 8));
        EctSigner signer = Agents.signer(key, Clock.systemUTC());
        try (JdbcLedger fresh = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).createSchema(false).dagCacheSize(0).build()) {
            EctVerifier verifier = EctVerifier.builder().verifierId(B).keySource(StaticKeySource.builder().key(A, key).build())
                    .ledger(fresh).settings(EctSettings.builder().dagTimeout(Duration.ofMillis(400)).build()).build();
            SignedEct token = signer.mint(Ect.builder().iss(A).aud(B).wid(WID).jti(uuid()).execAct("t")
                    .pred(List.of(chain.get(100).jti())).build());
            fresh.size(); // schema checked before the lock
            try (Connection holder = TestDb.connect()) {
                holder.setAutoCommit(false);
                try (Statement st = holder.createStatement()) {
                    st.execute("LOCK TABLE " + ledger.table() + " IN ACCESS EXCLUSIVE MODE");
                }
                try {
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> verifier.verify(token.compact())).isInstanceOfSatisfying(EctUnavailableException.class, e -> {
                        assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE);
                        assertThat(e.httpStatus()).isEqualTo(503);
                        assertThat(e.error().detail()).contains("dagTimeout");
                    });
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));

                    start = System.nanoTime();
                    assertThatThrownBy(() -> fresh.walkAncestors(List.of(TestTokens.unsigned(chain.get(100))), uuid(), 10_000, Duration.ofMillis(300)))
                            .isInstanceOfSatisfying(EctUnavailableException.class, e -> assertThat(e.error().detail()).contains("dagTimeout"));
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
                } finally {
                    holder.rollback();
                }
            }
            assertThat(verifier.verify(token.compact()).ect().jti()).isEqualTo(token.ect().jti()); // and recovers at once
        }
    }
}

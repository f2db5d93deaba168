package dev.ect.jdbc;

import static dev.ect.jdbc.Agents.A;
import static dev.ect.jdbc.Agents.B;
import static dev.ect.jdbc.Agents.C;
import static dev.ect.jdbc.Agents.uuid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctSettings;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.dag.DagLookups;
import dev.ect.core.dag.DagValidator;
import dev.ect.core.internal.TestTokens;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The DAG cache of {@link JdbcLedger} (schema version 4) against the machine's PostgreSQL, with two
 * ledgers on one table standing for two instances: every check sees what the other instance
 * committed before it began (L-05, V-13), G-07 sees an impostor however old, G-05 is decided in
 * memory and falls back to the exact walk when an ancestor is not cached.
 */
class JdbcDagCacheTest {
    static final String SCHEMA = TestDb.uniqueSchema(JdbcDagCacheTest.class);
    static final Duration T = Duration.ofSeconds(5);
    static JdbcLedger one;
    static JdbcLedger two;

    @BeforeAll
    static void open() {
        one = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).build();
        two = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).dagCacheSize(3).build();
        one.size();
    }

    @AfterAll
    static void drop() {
        one.close();
        two.close();
        TestDb.dropSchema(SCHEMA);
    }

    static SignedEct token(String iss, String wid, String jti, String... pred) {
        Instant now = Instant.now();
        return TestTokens.unsigned(Ect.builder().iss(iss).aud(B).jti(jti).wid(wid).execAct("step").pred(List.of(pred)).iat(now)
                .exp(now.plusSeconds(600)).build());
    }

    static DagValidator validator(JdbcLedger store, int maxAncestors, boolean allowUnresolved) {
        return new DagValidator(store, EctSettings.builder().maxAncestors(maxAncestors).allowUnresolvedPredecessors(allowUnresolved)
                .build(), List.of(), dev.ect.core.VerificationListener.noop());
    }

    static ReasonCode reason(Runnable r) { return JdbcDagWalkTest.reason(r); }

    static Boolean shared(String jti, String iss) throws SQLException {
        try (Connection c = TestDb.connect(); PreparedStatement q = c.prepareStatement("SELECT jti_shared FROM " + one.table()
                + " WHERE lower(jti) = lower(?) AND iss = ?")) {
            q.setString(1, jti);
            q.setString(2, iss);
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return (Boolean) rs.getObject(1);
            }
        }
    }

    @Test
    @DisplayName("L-05 V-13 G-02: a check sees the entry another instance committed just before it, in one round")
    void checkSeesTheOtherInstancesAppend() {
        String wid = uuid();
        validator(two, 100, false).check(token(A, wid, uuid()).ect()); // two's cache is running, at the head
        SignedEct parent = token(A, wid, uuid());
        one.append(parent); // another instance; two has not seen it
        SignedEct child = token(A, wid, uuid(), parent.ect().jti());
        long[] before = two.dagCacheCounts();
        assertThat(reason(() -> validator(two, 100, false).check(child.ect()))).isNull();
        long[] after = two.dagCacheCounts();
        assertThat(after[1] - before[1]).as("one round").isEqualTo(1);
        assertThat(after[0] - before[0]).as("G-05 decided in memory").isEqualTo(1);
        // caught up by a round of another check before it is asked for: cached without its token
        // (most rows are never needed by this instance), so the check that needs it asks for it
        SignedEct parent2 = token(A, wid, uuid());
        one.append(parent2);
        validator(two, 100, false).check(token(A, wid, uuid()).ect()); // this round catches parent2 up
        before = two.dagCacheCounts();
        Ect child2 = token(A, wid, uuid(), parent2.ect().jti()).ect();
        assertThat(two.findByJtis(List.of(child2.jti(), parent2.ect().jti()), T).get(1)).containsExactly(parent2);
        assertThat(two.dagCacheCounts()[2] - before[2]).as("ids asked: the child's own and the token-less predecessor").isEqualTo(2);
        before = two.dagCacheCounts();
        two.findByJtis(List.of(parent2.ect().jti()), T);
        assertThat(two.dagCacheCounts()[2] - before[2]).as("now cached with its token").isZero();
        // an id that is nowhere: refused (G-02), after a round that started after the check
        assertThat(reason(() -> validator(two, 100, false).check(token(A, wid, uuid(), uuid()).ect())))
                .isEqualTo(ReasonCode.DAG_UNKNOWN_PREDECESSOR);
    }

    @Test
    @DisplayName("G-07 G-01 P-01: an impostor of a cached id, and of an id the cache never held, makes the predecessor ambiguous")
    void impostorIsSeenCachedOrNot() throws SQLException {
        String wid = uuid();
        String cachedId = uuid();
        one.append(token(A, wid, cachedId));
        SignedEct child = token(A, wid, uuid(), cachedId.toUpperCase(Locale.ROOT));
        assertThat(reason(() -> validator(one, 100, false).check(child.ect()))).isNull(); // cached in one now
        assertThat(shared(cachedId, A)).as("the first row of its jti").isFalse();
        two.append(token(C, wid, cachedId)); // another instance records a second issuer's claim to the id
        assertThat(shared(cachedId, C)).isTrue();
        assertThat(reason(() -> validator(one, 100, false).check(child.ect()))).isEqualTo(ReasonCode.DAG_AMBIGUOUS_PREDECESSOR);

        // an id whose genuine entry predates the instance's cache (so it never held it), then claimed by another issuer
        String oldId = uuid();
        one.append(token(A, wid, oldId));
        SignedEct oldChild = token(A, wid, uuid(), oldId);
        try (JdbcLedger later = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).build()) {
            validator(later, 100, false).check(token(A, wid, uuid()).ect()); // its cache starts at the head
            one.append(token(C, wid, oldId)); // caught up by later as shared: no cached id is made of it
            long[] before = later.dagCacheCounts();
            assertThat(reason(() -> validator(later, 100, false).check(oldChild.ect()))).isEqualTo(ReasonCode.DAG_AMBIGUOUS_PREDECESSOR);
            assertThat(later.dagCacheCounts()[2] - before[2]).as("ids asked: the child's and the uncached predecessor").isEqualTo(2);
        }
    }

    @Test
    @DisplayName("G-05: dag_too_deep at the bound + 1 and dag_cycle, decided in memory; the exact walk when an ancestor is not cached")
    void walkInMemoryAndFallBack() {
        String wid = uuid();
        validator(one, 100, false).check(token(A, wid, uuid()).ect()); // one's cache is running: it sees the chain appended
        List<SignedEct> chain = new ArrayList<>();
        String prev = null;
        for (int i = 0; i < 41; i++) {
            SignedEct t = prev == null ? token(A, wid, uuid()) : token(A, wid, uuid(), prev);
            one.append(t);
            chain.add(t);
            prev = t.ect().jti();
        }
        SignedEct child = token(A, wid, uuid(), prev); // 41 ancestors
        long[] before = one.dagCacheCounts();
        assertThat(reason(() -> validator(one, 41, false).check(child.ect()))).isNull();
        assertThat(reason(() -> validator(one, 40, false).check(child.ect()))).isEqualTo(ReasonCode.DAG_TOO_DEEP);
        assertThat(one.dagCacheCounts()[0] - before[0]).as("both decided in memory").isEqualTo(2);

        // a cycle: an entry names a task not yet recorded (G-02 ALLOW), which then names it back
        String late = uuid();
        SignedEct early = token(A, wid, uuid(), chain.get(0).ect().jti(), late);
        one.append(early);
        SignedEct closing = token(A, wid, late, early.ect().jti());
        before = one.dagCacheCounts();
        assertThat(reason(() -> validator(one, 100, true).check(closing.ect()))).isEqualTo(ReasonCode.DAG_CYCLE);
        assertThat(reason(() -> validator(two, 100, true).check(closing.ect()))).isEqualTo(ReasonCode.DAG_CYCLE);

        // a third instance, its cache running before the chain was appended: the chain's rows reach it
        // by the catch-up without their tokens, and the walk (which needs only wid and pred) stays in memory
        try (JdbcLedger three = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).build()) {
            validator(three, 100, false).check(token(A, wid, uuid()).ect());
            String w2 = uuid();
            String p2 = null;
            for (int i = 0; i < 30; i++) {
                SignedEct t = p2 == null ? token(A, w2, uuid()) : token(A, w2, uuid(), p2);
                one.append(t);
                p2 = t.ect().jti();
            }
            Ect deep = token(A, w2, uuid(), p2).ect();
            long[] threeBefore = three.dagCacheCounts();
            assertThat(reason(() -> validator(three, 30, false).check(deep))).isNull();
            assertThat(reason(() -> validator(three, 29, false).check(deep))).isEqualTo(ReasonCode.DAG_TOO_DEEP);
            assertThat(three.dagCacheCounts()[0] - threeBefore[0]).as("decided in memory").isEqualTo(2);
        }

        // two holds 3 ids: the chain's ancestors are not all cached there, so the exact walk decides (the same)
        long[] twoBefore = two.dagCacheCounts();
        assertThat(reason(() -> validator(two, 40, false).check(child.ect()))).isEqualTo(ReasonCode.DAG_TOO_DEEP);
        assertThat(reason(() -> validator(two, 41, false).check(child.ect()))).isNull();
        assertThat(two.dagCacheCounts()[0] - twoBefore[0]).as("not decided in memory").isZero();
    }

    @Test
    @DisplayName("V-13 L-05: concurrent checks on one instance each see every committed entry; rounds are shared")
    void concurrentChecks() throws Exception {
        String wid = uuid();
        List<SignedEct> parents = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            SignedEct p = token(A, wid, uuid());
            one.append(p);
            parents.add(p);
        }
        long[] before = two.dagCacheCounts();
        CyclicBarrier start = new CyclicBarrier(16);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<ReasonCode>> results = new ArrayList<>();
            for (SignedEct p : parents) {
                results.add(pool.submit(() -> {
                    start.await();
                    return reason(() -> validator(two, 100, false).check(token(A, wid, uuid(), p.ect().jti()).ect()));
                }));
            }
            for (Future<ReasonCode> f : results) {
                assertThat(f.get()).isNull();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(two.dagCacheCounts()[1] - before[1]).as("rounds").isBetween(1L, 16L);
    }

    @Test
    @DisplayName("V-13: lookups through the cache return what the statement of the uncached ledger returns")
    void sameAnswersAsWithoutTheCache() {
        String wid = uuid();
        String id = uuid();
        one.append(token(A, wid, id));
        one.append(token(C, uuid(), id));
        try (JdbcLedger plain = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).dagCacheSize(0).build()) {
            List<String> ids = List.of(id, uuid(), id.toUpperCase(Locale.ROOT));
            List<List<SignedEct>> cached = two.findByJtis(ids, T);
            List<List<SignedEct>> sql = plain.findByJtis(ids, T);
            assertThat(cached).isEqualTo(sql);
            assertThat(cached.get(0)).hasSize(2);
            Ect child = token(A, wid, uuid(), id).ect();
            List<String> check = List.of(child.jti(), id);
            DagLookups l = two.lookupForCheck(child, check, 100, T);
            assertThat(l.found()).isEqualTo(plain.lookupForCheck(child, check, 100, T).found());
        }
    }
}

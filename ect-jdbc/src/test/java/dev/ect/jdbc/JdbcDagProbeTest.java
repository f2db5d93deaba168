package dev.ect.jdbc;

import static dev.ect.jdbc.Agents.A;
import static dev.ect.jdbc.Agents.B;
import static dev.ect.jdbc.Agents.C;
import static dev.ect.jdbc.Agents.uuid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctException;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.dag.AncestorWalk;
import dev.ect.core.dag.DagLookups;
import dev.ect.core.dag.DagValidator;
import dev.ect.core.internal.TestTokens;
import dev.ect.core.internal.Json;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.LedgerEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * G-05 answered by the probe of indexes and stored bounds (schema version 3) decides exactly what
 * the exact recursive walk decides: random DAGs with diamonds, predecessors recorded after their
 * children (G-02 ALLOW), ids in mixed letter case and ids claimed by two issuers, each child
 * checked both ways, and both ways of answering exercised.
 */
class JdbcDagProbeTest {
    static final String SCHEMA = "jdbcdag_" + TestDb.uniqueSchema(JdbcDagProbeTest.class).substring("ect_t_".length());
    static final Duration T = Duration.ofSeconds(5);
    static JdbcLedger ledger;
    static long headSeq;
    static String headHash = LedgerEntry.GENESIS_HASH;

    @BeforeAll
    static void open() {
        // the probe of schema version 3 (version 4 keeps no bounds): a version-3 ledger, read as it is, without the DAG cache
        ledger = TestDb.v3Ledger(TestDb.URL, SCHEMA);
        ledger.size();
    }

    @AfterAll
    static void drop() {
        ledger.close();
        TestDb.dropSchema(SCHEMA);
    }

    static Ect ect(String iss, String wid, String jti, List<String> pred) {
        Instant now = Instant.now();
        return Ect.builder().iss(iss).aud(B).jti(jti).wid(wid).execAct("step").pred(pred).iat(now)
                .exp(now.plusSeconds(3600)).build();
    }

    /** Rows inserted directly (as any writer could): the database computes the bounds, not the client. */
    static void insert(List<Ect> ects) throws SQLException {
        try (Connection c = TestDb.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement head = c.prepareStatement("SELECT seq, hash FROM " + ledger.table() + " ORDER BY seq DESC LIMIT 1");
                 ResultSet rs = head.executeQuery()) { // other tests append through the ledger
                if (rs.next()) {
                    headSeq = rs.getLong(1);
                    headHash = rs.getString(2);
                }
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + ledger.table()
                    + " (seq, jti, wid, iss, exec_act, pred, recorded_at, compact, prev_hash, hash, anc_upper, anc_lower, late)"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?, 1, 1, false)")) { // lies the trigger overwrites
                for (Ect e : ects) {
                    SignedEct token = dev.ect.core.internal.TestTokens.unsigned(e);
                    String compact = token.compact();
                    LedgerEntry entry = LedgerEntry.create(headSeq + 1, token, Instant.now(), headHash);
                    ins.setLong(1, entry.seq());
                    ins.setString(2, entry.jti());
                    ins.setString(3, e.wid() == null ? "" : e.wid());
                    ins.setString(4, entry.iss());
                    ins.setString(5, entry.execAct());
                    ins.setArray(6, c.createArrayOf("text", entry.pred().toArray()));
                    ins.setTimestamp(7, Timestamp.from(entry.recordedAt()));
                    ins.setString(8, compact);
                    ins.setString(9, entry.prevHash());
                    ins.setString(10, entry.hash());
                    ins.executeUpdate();
                    headSeq = entry.seq();
                    headHash = entry.hash();
                }
            }
            c.commit();
        }
    }

    static String randomCase(Random r, String id) {
        return r.nextInt(4) == 0 ? id.toUpperCase(Locale.ROOT) : id;
    }

    /** One random workflow; returns its entries in insertion order. */
    static List<Ect> randomWorkflow(Random r, String wid, int size, boolean diamonds) throws SQLException {
        List<String> pool = new ArrayList<>(); // ids; some are named before (or without) being recorded
        for (int i = 0; i < size + size / 3; i++) {
            pool.add(uuid());
        }
        List<Ect> out = new ArrayList<>();
        Set<String> used = new HashSet<>(); // iss + lower jti
        List<String> recorded = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < size; i++) {
            String iss = r.nextInt(6) == 0 ? C : A;
            String jti;
            if (!recorded.isEmpty() && r.nextInt(12) == 0) {
                jti = recorded.get(r.nextInt(recorded.size())); // a second issuer's entry for an id in use
                iss = A.equals(iss) ? C : A;
            } else if (r.nextInt(8) == 0) {
                jti = pool.get(r.nextInt(pool.size())); // possibly named already by an earlier entry: recorded late
            } else {
                jti = pool.get(Math.min(next++, pool.size() - 1));
            }
            if (!used.add(iss + " " + jti)) {
                continue;
            }
            int preds = recorded.isEmpty() ? 0 : diamonds ? 1 + r.nextInt(3) : r.nextInt(2);
            List<String> pred = new ArrayList<>();
            for (int k = 0; k < preds; k++) {
                String p = r.nextInt(7) == 0 ? pool.get(r.nextInt(pool.size())) // maybe not recorded (yet): unresolved
                        : recorded.get(Math.max(0, recorded.size() - 1 - r.nextInt(Math.min(recorded.size(), diamonds ? 4 : 3))));
                if (!p.equalsIgnoreCase(jti) && pred.stream().noneMatch(p::equalsIgnoreCase)) {
                    pred.add(randomCase(r, p));
                }
            }
            Ect e = ect(iss, wid, randomCase(r, jti), pred);
            out.add(e);
            recorded.add(jti);
        }
        insert(out);
        return out;
    }

    /** Checks random children of {@code entries} both ways; returns how many outcomes of each kind there were. */
    static Map<AncestorWalk.Outcome, Integer> compare(Random r, String wid, List<Ect> entries, int children) {
        Map<AncestorWalk.Outcome, Integer> seen = new HashMap<>();
        List<String> named = new ArrayList<>();
        entries.forEach(e -> named.addAll(e.pred()));
        for (int i = 0; i < children; i++) {
            List<Ect> parents = new ArrayList<>();
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                parents.add(entries.get(entries.size() - 1 - r.nextInt(Math.min(entries.size(), 8))));
            }
            // the child's jti as the DagValidator passes it (canonical lower case): fresh, or one the ledger names
            String jti = (r.nextBoolean() || named.isEmpty() ? uuid() : named.get(r.nextInt(named.size()))).toLowerCase(Locale.ROOT);
            int limit = 1 + r.nextInt(entries.size() + 3);
            List<SignedEct> tokens = parents.stream().map(TestTokens::unsigned).toList(); // what the store returned
            AncestorWalk exact = ledger.exactWalkAncestors(tokens, jti, limit, T);
            AncestorWalk fast = ledger.walkAncestors(tokens, jti, limit, T);
            assertThat(fast.outcome()).as("child %s of %s (limit %d) in workflow %s", jti, parents.stream().map(Ect::jti).toList(),
                    limit, wid).isEqualTo(exact.outcome());
            if (exact.outcome() != AncestorWalk.Outcome.COMPLETE) {
                assertThat(fast).isEqualTo(exact);
            }
            seen.merge(exact.outcome(), 1, Integer::sum);
            // the same decision from the DAG check's one statement (lookups + probe), where the validator
            // would reach G-05: each pred a distinct id held by exactly one entry of the workflow
            List<String> pred = parents.stream().map(Ect::jti).toList();
            boolean unique = pred.stream().map(x -> x.toLowerCase(Locale.ROOT)).distinct().count() == pred.size()
                    && pred.stream().allMatch(x -> entries.stream().filter(e -> e.jti().equalsIgnoreCase(x)).count() == 1);
            if (unique) {
                List<String> ids = new ArrayList<>();
                ids.add(jti);
                pred.forEach(x -> ids.add(x.toLowerCase(Locale.ROOT)));
                DagLookups l = ledger.lookupForCheck(ect(A, wid, jti, pred), ids, limit, T);
                for (int k = 0; k < pred.size(); k++) {
                    assertThat(l.found().get(k + 1)).as("lookup of %s", pred.get(k)).isNotEmpty();
                }
                if (l.walk().isPresent()) {
                    COMBINED_DECIDED[0]++;
                    assertThat(l.walk().get().outcome()).as("one-statement check of child %s (limit %d)", jti, limit)
                            .isEqualTo(exact.outcome());
                    if (exact.outcome() != AncestorWalk.Outcome.COMPLETE) {
                        assertThat(l.walk().get()).isEqualTo(exact);
                    }
                }
            }
        }
        return seen;
    }

    /** Children whose G-05 the one-statement lookups decided (random-DAG test). */
    static final int[] COMBINED_DECIDED = {0};

    @Test
    @DisplayName("G-05 G-02 P-01 G-07 on random DAGs (diamonds, late and unresolved preds, mixed case, two issuers per id) the probe decides as the exact walk")
    void g05ProbeDecidesAsTheExactWalkOnRandomDags() throws SQLException {
        Random r = new Random(15);
        long[] before = ledger.walkCounts();
        Map<AncestorWalk.Outcome, Integer> outcomes = new HashMap<>();
        for (int w = 0; w < 24; w++) {
            String wid = randomCase(r, uuid());
            List<Ect> entries = randomWorkflow(r, wid, 8 + r.nextInt(40), w % 2 == 0);
            compare(r, wid, entries, 25).forEach((k, v) -> outcomes.merge(k, v, Integer::sum));
        }
        long[] after = ledger.walkCounts();
        assertThat(outcomes).containsKeys(AncestorWalk.Outcome.COMPLETE, AncestorWalk.Outcome.REACHED_TARGET,
                AncestorWalk.Outcome.LIMIT_EXCEEDED);
        // 24 x 25 children; with this seed about a sixth are answered by the probe (small limits are drawn often)
        assertThat(after[0] - before[0]).as("answered by the probe").isGreaterThan(50);
        assertThat(COMBINED_DECIDED[0]).as("answered by the one-statement lookups").isGreaterThan(20);
        assertThat(after[1] - before[1]).as("answered by the exact walk").isGreaterThan(50);
    }

    @Test
    @DisplayName("G-05 the stored bounds: a chain counts exactly, a diamond over-counts, a late predecessor marks its workflow, the client cannot set them")
    void g05StoredBounds() throws SQLException {
        String wid = uuid();
        String a = uuid();
        String b = uuid();
        String c = uuid();
        String d = uuid();
        String late = uuid();
        // a <- b, a <- c, (b, c) <- d: the diamond has 4 entries, the upper bound counts a twice
        insert(List.of(ect(A, wid, a, List.of()), ect(A, wid, b.toUpperCase(Locale.ROOT), List.of(a)),
                ect(A, wid, c, List.of(a.toUpperCase(Locale.ROOT))), ect(A, wid, d, List.of(b, c, late))));
        assertThat(bounds(d)).containsExactly(5L, 3L, false);
        assertThat(lateRows(wid)).isZero();
        SignedEct dEct = TestTokens.unsigned(ect(A, wid, d, List.of(b, c, late)));
        assertThat(ledger.walkAncestors(List.of(dEct), uuid(), 4, T)).isEqualTo(AncestorWalk.complete(4)); // bound 5 > 4: exact
        assertThat(ledger.walkAncestors(List.of(dEct), uuid(), 5, T)).isEqualTo(AncestorWalk.complete(0)); // the bounds decide
        // the unresolved pred of d arrives: its entry is late, and the workflow's upper bounds are no longer used
        insert(List.of(ect(C, wid, late, List.of())));
        assertThat(bounds(late)).containsExactly(1L, 1L, true);
        assertThat(lateRows(wid)).isEqualTo(1);
        long[] before = ledger.walkCounts();
        assertThat(ledger.walkAncestors(List.of(dEct), uuid(), 5, T)).isEqualTo(AncestorWalk.complete(5)); // exact: 5 now
        assertThat(ledger.walkAncestors(List.of(dEct), uuid(), 4, T)).isEqualTo(AncestorWalk.limitExceeded(4));
        assertThat(ledger.walkCounts()[1] - before[1]).isEqualTo(2);
        // a child naming d's late pred as its own jti: the probe hits, the exact walk finds the cycle
        assertThat(ledger.walkAncestors(List.of(dEct), late, 10, T).outcome()).isEqualTo(AncestorWalk.Outcome.REACHED_TARGET);
    }

    @Test
    @DisplayName("G-05 V-13 through the verifier: a fresh child of the probe path is accepted, one closing a planted cycle is dag_cycle")
    void g05VerifierUsesTheProbe() {
        EctKeyPair key = EctKeys.generate("k-" + uuid().substring(0, 8));
        EctSigner signer = Agents.signer(key, Clock.systemUTC());
        EctVerifier verifier = EctVerifier.builder().verifierId(B).keySource(StaticKeySource.builder().key(A, key).build())
                .ledger(ledger).build();
        String wid = uuid();
        SignedEct root = Agents.mint(signer, A, B, wid, List.of());
        assertThat(verifier.verify(root.compact()).ect().jti()).isEqualTo(root.ect().jti());
        long[] before = ledger.walkCounts();
        SignedEct child = Agents.mint(signer, A, B, wid, List.of(root.ect().jti().toUpperCase(Locale.ROOT)));
        long walksBefore = ledger.walkCalls();
        verifier.verify(child.compact());
        assertThat(ledger.walkCounts()[0] - before[0]).as("the probe answered").isEqualTo(1);
        assertThat(ledger.walkCalls() - walksBefore).as("G-05 decided in the lookups' statement: no walk call").isZero();
        assertThat(bounds(child.ect().jti())).containsExactly(2L, 2L, false); // appended by JdbcLedger: bounds by the trigger
        // another issuer's entry (appended directly) names the jti a later child will carry, in upper case
        String next = uuid();
        SignedEct planted = Agents.mint(Agents.signer(Clock.systemUTC()), C, B, wid, List.of(next.toUpperCase(Locale.ROOT)));
        ledger.append(planted);
        SignedEct onPlanted = Agents.mint(signer, A, B, wid, List.of(planted.ect().jti()));
        verifier.verify(onPlanted.compact()); // its own jti is named nowhere: the probe answers
        before = ledger.walkCounts();
        SignedEct cycle = signer.mint(Ect.builder().iss(A).aud(B).wid(wid).jti(next).execAct("x")
                .pred(List.of(onPlanted.ect().jti())).build());
        ReasonCode reason = null;
        try {
            verifier.verify(cycle.compact());
        } catch (EctException e) {
            reason = e.reason();
        }
        assertThat(reason).isEqualTo(ReasonCode.DAG_CYCLE);
        assertThat(ledger.walkCounts()[1] - before[1]).as("the probe hit: the exact walk decided").isEqualTo(1);
        // a child with that jti elsewhere in the DAG (not above the planted entry) is fine: the walk does not reach it
        DagValidator plain = new DagValidator(ledger, dev.ect.core.EctSettings.defaults(), List.of(), dev.ect.core.VerificationListener.noop());
        assertThat(plain.validate(ect(A, wid, next, List.of(child.ect().jti())))).isEmpty();
    }

    @Test
    @DisplayName("V-13 G-02 the DAG check's lookups (one query for all ids) decode each stored token once, not on every lookup; the ECTs equal the stored tokens'")
    void v13DagLookupsDecodeOnce() {
        EctSigner signer = Agents.signer(Clock.systemUTC());
        String wid = uuid();
        SignedEct a = Agents.mint(signer, A, B, wid, List.of());
        SignedEct c = Agents.mint(Agents.signer(Clock.systemUTC()), C, B, wid, List.of());
        ledger.append(a);
        ledger.append(c);
        long before = ledger.decodes();
        for (int i = 0; i < 5; i++) {
            assertThat(ledger.findByJti(a.ect().jti().toUpperCase(Locale.ROOT), T)).containsExactly(a);
            assertThat(ledger.findByJti(c.ect().jti(), T)).containsExactly(c);
            assertThat(ledger.findByJti(uuid(), T)).isEmpty();
        }
        assertThat(ledger.decodes() - before).as("decoded tokens").isEqualTo(2);
        // the DAG check's lookups in one query: per id, in order, any letter case, every issuer
        String missing = uuid();
        assertThat(ledger.findByJtis(List.of(a.ect().jti().toUpperCase(Locale.ROOT), missing, c.ect().jti(), a.ect().jti()), T))
                .containsExactly(List.of(a), List.of(), List.of(c), List.of(a));
        assertThat(ledger.findByJtis(List.of(), T)).isEmpty();
        assertThat(ledger.findByJti(a.ect().jti())).containsExactly(a); // the other lookup shares the decoded tokens
        assertThat(ledger.decodes() - before).isEqualTo(2);
    }

    static List<Object> bounds(String jti) {
        try (Connection c = TestDb.connect(); PreparedStatement q = c.prepareStatement("SELECT anc_upper, anc_lower, late FROM "
                + ledger.table() + " WHERE lower(jti) = lower(?) ORDER BY seq DESC LIMIT 1")) {
            q.setString(1, jti);
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).isTrue();
                List<Object> out = new ArrayList<>();
                out.add(rs.getObject(1) == null ? null : rs.getLong(1));
                out.add(rs.getObject(2) == null ? null : rs.getLong(2));
                out.add(rs.getObject(3) == null ? null : rs.getBoolean(3));
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static int lateRows(String wid) {
        try (Connection c = TestDb.connect(); PreparedStatement q = c.prepareStatement("SELECT count(*) FROM " + ledger.table()
                + " WHERE late AND lower(wid) = lower(?)")) {
            q.setString(1, wid);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

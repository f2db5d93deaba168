package dev.ect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.SignedEct;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.AuditLedgerContract;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.ledger.TestEcts;
import dev.ect.core.view.WorkflowDag;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@code AuditLedger} shares (profile section 8: ect-core's
 * {@link AuditLedgerContract}, from its test-jar), run against {@link JdbcLedger}: each test on
 * fresh tables (its own table prefix). Plus what only a second implementation can show: the same
 * ECTs make the same chain and the same DAG views as the {@link InMemoryLedger}.
 */
class JdbcLedgerContractTest extends AuditLedgerContract {
    static final String SCHEMA = TestDb.uniqueSchema(JdbcLedgerContractTest.class);
    static final AtomicInteger TABLES = new AtomicInteger();

    private final String prefix = "c" + TABLES.incrementAndGet() + "_";

    @AfterAll
    static void drop() { TestDb.dropSchema(SCHEMA); }

    @Override
    protected AuditLedger newLedger() {
        return JdbcLedger.builder(TestDb.URL + "&ect.statementTimeout=60000&ect.connectTimeout=30000")
                .schema(SCHEMA).tablePrefix(prefix).clock(TestEcts.CLOCK).appendBatching(batching()).build();
    }

    /** Group commit on (the default); {@link JdbcLedgerUnbatchedContractTest} runs the contract with it off. */
    protected boolean batching() { return true; }

    /** L-05: a new ledger (and pool) on the same tables sees every committed entry. */
    @Override
    protected AuditLedger reopen() {
        ((JdbcLedger) ledger).close();
        return newLedger();
    }

    /** Round trips to PostgreSQL are slower than memory: fewer appends per thread. */
    @Override
    protected int appendsPerThread() { return 25; }

    static SignedEct mint(String wid, String act, List<String> pred) {
        return TestEcts.mint(UUID.randomUUID().toString(), wid, act, pred, -30);
    }

    @Test
    void l02TheSameEctsMakeTheSameChainAsTheInMemoryLedger() throws Exception { // L-02: one canonical form for every store
        InMemoryLedger memory = new InMemoryLedger(TestEcts.CLOCK);
        SignedEct a = mint(w1, "a", List.of());
        SignedEct b = mint(w1, "b", List.of(a.ect().jti()));
        SignedEct c = mint(null, "c\u00e9\"\\", List.of());
        for (SignedEct s : List.of(a, b, c)) {
            LedgerEntry db = ledger().append(s);
            LedgerEntry mem = memory.append(s);
            assertThat(db).isEqualTo(mem);
        }
        assertThat(ledger().entries()).isEqualTo(memory.entries());
        assertThat(ChainVerification.of(ledger().entries()).lastHash()).isEqualTo(memory.verifyChain().lastHash());
    }

    @Test
    void workflowDagExportIsTheSameAsFromTheInMemoryLedger() throws Exception { // L-03 views
        InMemoryLedger memory = new InMemoryLedger(TestEcts.CLOCK);
        SignedEct a = mint(w1, "plan", List.of());
        SignedEct b = mint(w1, "review", List.of(a.ect().jti()));
        SignedEct c = mint(w1, "test", List.of(a.ect().jti()));
        SignedEct d = mint(w1, "merge", List.of(b.ect().jti(), c.ect().jti()));
        SignedEct other = mint(w2, "other", List.of());
        for (SignedEct s : List.of(a, b, other, c, d)) {
            ledger().append(s);
            memory.append(s);
        }
        WorkflowDag fromDb = WorkflowDag.of(ledger(), w1);
        WorkflowDag fromMemory = WorkflowDag.of(memory, w1);
        assertThat(fromDb.nodes()).hasSize(4);
        assertThat(fromDb.edges()).hasSize(4);
        assertThat(fromDb.toMermaid()).isEqualTo(fromMemory.toMermaid()).contains("review");
        assertThat(fromDb.toDot()).isEqualTo(fromMemory.toDot());
        assertThat(fromDb.toText()).isEqualTo(fromMemory.toText());
        assertThat(fromDb.topologicalOrder()).extracting(LedgerEntry::execAct).startsWith("plan").endsWith("merge");
    }

    @Test
    void l03AncestorsOfALongChainAreBoundedByTheLimit() throws Exception { // L-03: the recursive query's bound
        List<String> jtis = new ArrayList<>();
        SignedEct prev = append(w1, "t0");
        jtis.add(prev.ect().jti());
        for (int i = 1; i < 30; i++) {
            prev = append(w1, "t" + i, prev.ect().jti());
            jtis.add(prev.ect().jti());
        }
        assertThat(ledger().ancestors(prev.ect().jti(), 1000)).hasSize(29);
        assertThat(ledger().ancestors(prev.ect().jti(), 5)).extracting(LedgerEntry::execAct)
                .containsExactly("t28", "t27", "t26", "t25", "t24");
    }
}

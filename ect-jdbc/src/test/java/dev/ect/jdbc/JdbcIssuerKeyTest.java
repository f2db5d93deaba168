package dev.ect.jdbc;

import dev.ect.testing.TcpProxy;
import static dev.ect.jdbc.Agents.A;
import static dev.ect.jdbc.Agents.B;
import static dev.ect.jdbc.Agents.C;
import static dev.ect.jdbc.Agents.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSigner;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.LedgerEntry;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * G-01 / L-06 / P-01: the ledger's uniqueness key is ({@code iss}, {@code wid}, {@code jti}), ids
 * compared in canonical lower case; and an append retried after a broken connection takes a row as
 * its own only when its own first attempt wrote it. Against the machine's PostgreSQL.
 */
class JdbcIssuerKeyTest {
    static final String SCHEMA = TestDb.uniqueSchema(JdbcIssuerKeyTest.class);
    static JdbcLedger ledger;
    final EctSigner signerA = Agents.signer(Clock.systemUTC());
    final EctSigner signerC = Agents.signer(Clock.systemUTC());

    @BeforeAll
    static void open() { ledger = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).build(); }

    @AfterAll
    static void drop() {
        ledger.close();
        TestDb.dropSchema(SCHEMA);
    }

    static SignedEct mint(EctSigner signer, String iss, String wid, String jti) {
        return signer.mint(Ect.builder().iss(iss).aud(B).wid(wid).jti(jti).execAct("task").pred(List.of()).build());
    }

    static void assertDuplicate(Runnable r) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(EctRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.DAG_DUPLICATE_JTI);
            assertThat(e.httpStatus()).isEqualTo(403);
        });
    }

    @Test
    @DisplayName("G-01 L-06 the same (wid, jti) from two issuers is appended twice and findByJti returns both")
    void g01SameTaskIdFromAnotherIssuerIsRecordedToo() {
        String wid = uuid();
        String jti = uuid();
        SignedEct squat = mint(signerC, C, wid, jti); // issuer C records A's task id first
        SignedEct genuine = mint(signerA, A, wid, jti);
        LedgerEntry first = ledger.append(squat);
        LedgerEntry second = ledger.append(genuine);
        assertThat(second.seq()).isEqualTo(first.seq() + 1);
        assertThat(ledger.findByJti(jti)).containsExactly(squat, genuine);
        assertThat(ledger.findEntries(jti)).extracting(LedgerEntry::iss).containsExactly(C, A);
        assertThat(ledger.entriesOfWorkflow(wid)).hasSize(2);
    }

    @Test
    @DisplayName("L-06 the same (iss, wid, jti) is never appended twice; P-01 not even in another letter case")
    void l06SameIssuerWorkflowAndJtiIsRefusedInAnyLetterCase() {
        String wid = uuid();
        String jti = uuid();
        SignedEct t = mint(signerA, A, wid, jti);
        ledger.append(t);
        assertDuplicate(() -> ledger.append(t));
        SignedEct upper = mint(signerA, A, wid.toUpperCase(Locale.ROOT), jti.toUpperCase(Locale.ROOT));
        assertDuplicate(() -> ledger.append(upper));
        SignedEct upperJti = mint(signerA, A, wid, jti.toUpperCase(Locale.ROOT));
        assertDuplicate(() -> ledger.append(upperJti));
        // lookups canonicalize too
        assertThat(ledger.findByJti(jti.toUpperCase(Locale.ROOT))).containsExactly(t);
        assertThat(ledger.entriesOfWorkflow(wid.toUpperCase(Locale.ROOT))).hasSize(1);
        assertThat(ledger.findEntry(wid.toUpperCase(Locale.ROOT), jti.toUpperCase(Locale.ROOT))).isPresent();
    }

    @Test
    @DisplayName("L-06 without a wid: the same (iss, jti) is refused, another issuer's is recorded")
    void l06NoWorkflowIsTheEmptyWid() {
        String jti = uuid();
        SignedEct a = mint(signerA, A, null, jti);
        SignedEct c = mint(signerC, C, null, jti);
        ledger.append(a);
        assertDuplicate(() -> ledger.append(a));
        ledger.append(c);
        assertThat(ledger.findByJti(jti)).hasSize(2);
    }

    @Test
    @DisplayName("G-05 ancestors match pred entries in canonical lower case")
    void g05AncestorsMatchIgnoringLetterCase() {
        String wid = uuid();
        SignedEct root = mint(signerA, A, wid, uuid());
        SignedEct child = signerA.mint(Ect.builder().iss(A).aud(B).wid(wid).execAct("task")
                .pred(List.of(root.ect().jti().toUpperCase(Locale.ROOT))).build());
        LedgerEntry er = ledger.append(root);
        ledger.append(child);
        assertThat(ledger.ancestors(child.ect().jti().toUpperCase(Locale.ROOT), 10)).containsExactly(er);
    }

    @Test
    @DisplayName("G-05 DAG lookups decode each stored token once: findByJti returns the same token instances again")
    void g05FindByJtiDecodesEachEntryOnce() {
        SignedEct t = mint(signerA, A, uuid(), uuid());
        ledger.append(t);
        SignedEct first = ledger.findByJti(t.ect().jti()).get(0);
        assertThat(first).isEqualTo(t);
        assertThat(ledger.findByJti(t.ect().jti()).get(0)).isSameAs(first);
    }

    @Test
    @DisplayName("L-06 a retry after a broken connection does not take another instance's row as its own (no double accept)")
    void l06RetryAfterBrokenConnectionDoesNotAcceptAnotherInstancesAppend() {
        try (TcpProxy proxy = new TcpProxy(5432);
             JdbcLedger instanceB = JdbcLedger.builder(proxy.jdbcUrl("test", "user=postgres")).schema(SCHEMA).maxPoolSize(1).build()) {
            instanceB.size(); // schema in place, a pooled connection open
            SignedEct t = mint(signerA, A, uuid(), uuid());
            // instance A (its own pool, no shared replay store) accepts the token and appends it
            ledger.append(t);
            // instance B gets the same token; its first attempt loses the connection at the chain-head lock
            proxy.cutOnceWhenClientSends("pg_advisory_xact_lock");
            assertDuplicate(() -> instanceB.append(t));
            assertThat(proxy.cutDone()).as("the first attempt was cut").isTrue();
            assertThat(ledger.findByJti(t.ect().jti())).hasSize(1);
        }
    }

    @Test
    @DisplayName("L-05 L-06 a retry after the commit's reply was lost recognizes its own row (fresh, not a duplicate)")
    void l05RetryAfterLostCommitReplyFindsItsOwnRow() {
        try (TcpProxy proxy = new TcpProxy(5432);
             JdbcLedger instance = JdbcLedger.builder(proxy.jdbcUrl("test", "user=postgres")).schema(SCHEMA).maxPoolSize(1).build()) {
            instance.size();
            SignedEct t = mint(signerA, A, uuid(), uuid());
            proxy.cutOnceWhenClientSends("COMMIT");
            LedgerEntry e = instance.append(t);
            assertThat(ledger.findEntries(t.ect().jti())).containsExactly(e);
        }
    }
}

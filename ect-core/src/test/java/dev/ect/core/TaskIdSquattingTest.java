package dev.ect.core;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.C;
import static dev.ect.core.support.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.support.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task-id squatting across issuers, at the verifier with a real {@link FileLedger} (G-01, G-07,
 * P-01, L-06). Two issuers, A and B, are both trusted by the receiver C. B learns A's
 * ({@code wid}, {@code jti}) (it is in every header A sends) and presents an ECT of its own with
 * that id first.
 */
class TaskIdSquattingTest {
    @TempDir
    Path dir;

    private final EctKeyPair keyA = Fixtures.key(EctAlgorithm.ES256, "a-1");
    private final EctKeyPair keyB = Fixtures.key(EctAlgorithm.ES256, "b-1");
    private final EctSigner a = EctSigner.builder(keyA).clock(Fixtures.clock()).build();
    private final EctSigner b = EctSigner.builder(keyB).clock(Fixtures.clock()).build();
    private final String wid = UUID.randomUUID().toString();
    private final List<SecurityEvent> securityEvents = new CopyOnWriteArrayList<>();
    private final List<VerificationEvent> verifications = new CopyOnWriteArrayList<>();
    private FileLedger ledger;
    private EctVerifier verifier;

    @BeforeEach
    void open() throws Exception {
        ledger = FileLedger.open(dir.resolve("ledger.jsonl"), FileLedger.Recovery.STRICT, Fixtures.clock());
        verifier = EctVerifier.builder().verifierId(C)
                .keySource(StaticKeySource.builder().key(A, keyA).key(B, keyB).build())
                .clock(Fixtures.clock()).ledger(ledger).listener(new VerificationListener() {
                    @Override
                    public void onVerification(VerificationEvent e) { verifications.add(e); }

                    @Override
                    public void onSecurityEvent(SecurityEvent e) { securityEvents.add(e); }
                }).build();
    }

    @AfterEach
    void close() throws Exception {
        ledger.close();
    }

    private String token(EctSigner signer, String iss, String jti, UnaryOperator<Ect.Builder> more) {
        return signer.sign(more.apply(Ect.builder().iss(iss).aud(C).iat(NOW).exp(NOW.plus(Duration.ofMinutes(10)))
                .jti(jti).wid(wid).execAct("review_spec").pred(List.of())).build());
    }

    private static String reason(Runnable r) {
        EctException e = catchThrowableOfType(EctException.class, r::run);
        assertThat(e).as("expected a rejection").isNotNull();
        return e.reason().code();
    }

    @Test
    @DisplayName("G-01 L-06 P-01: B squats A's (wid, jti) first; A's genuine token is still accepted and both are recorded")
    void squattedTaskIdDoesNotLockOutTheGenuineIssuer() {
        String jti = UUID.randomUUID().toString();
        verifier.verify(token(b, B, jti, x -> x.execAct("squat")));

        VerifiedEct genuine = verifier.verify(token(a, A, jti, x -> x));

        assertThat(genuine.ect().iss()).isEqualTo(A);
        assertThat(ledger.findEntries(jti)).extracting(LedgerEntry::iss).containsExactly(B, A);
    }

    @Test
    @DisplayName("V-13 G-07: A's child naming a task id that A and B both claim is refused, not linked to B's ECT")
    void childOfASquattedTaskIdIsRefusedAsAmbiguous() {
        String jti = UUID.randomUUID().toString();
        verifier.verify(token(b, B, jti, x -> x.execAct("squat")));
        verifier.verify(token(a, A, jti, x -> x));

        String childJti = UUID.randomUUID().toString();
        String child = token(a, A, childJti, x -> x.pred(jti));

        EctRejectedException e = catchThrowableOfType(EctRejectedException.class, () -> verifier.verify(child));
        assertThat(e.reason()).isEqualTo(ReasonCode.DAG_AMBIGUOUS_PREDECESSOR);
        assertThat(e.httpStatus()).isEqualTo(403);
        assertThat(e.error().ruleId()).isEqualTo("G-07");
        assertThat(e.error().detail()).contains(jti).doesNotContain(B); // T-12: the other issuer is not named
        assertThat(ledger.size()).isEqualTo(2); // the child was not appended
        // the listener is told: a security event naming the task id and both claimants
        assertThat(securityEvents).singleElement().satisfies(ev -> {
            assertThat(ev.kind()).isEqualTo(SecurityEvent.Kind.AMBIGUOUS_PREDECESSOR);
            assertThat(ev.kind().ruleId()).isEqualTo("G-07");
            assertThat(ev.reason()).isEqualTo(ReasonCode.DAG_AMBIGUOUS_PREDECESSOR);
            assertThat(ev.jti()).isEqualTo(childJti);
            assertThat(ev.iss()).isEqualTo(A);
            assertThat(ev.wid()).isEqualTo(wid);
            assertThat(ev.taskId()).isEqualTo(jti);
            assertThat(ev.claimedBy()).containsExactly(B, A);
        });
        assertThat(verifications).last().satisfies(v -> assertThat(v.reason()).isEqualTo(ReasonCode.DAG_AMBIGUOUS_PREDECESSOR));
    }

    @Test
    @DisplayName("G-07: without a squat, A's child of A's task is accepted and no security event is raised")
    void unambiguousPredecessorRaisesNoEvent() {
        String jti = UUID.randomUUID().toString();
        verifier.verify(token(a, A, jti, x -> x));

        assertThat(verifier.verify(token(a, A, UUID.randomUUID().toString(), x -> x.pred(jti))).ect().pred()).containsExactly(jti);
        assertThat(securityEvents).isEmpty();
    }

    @Test
    @DisplayName("G-07 G-05: a grandchild whose ancestor id was squatted after the fact is still checked for cycles through both")
    void squatBelowAnAcceptedChildDoesNotBreakTheWalk() {
        String parent = UUID.randomUUID().toString();
        String childJti = UUID.randomUUID().toString();
        verifier.verify(token(a, A, parent, x -> x));
        verifier.verify(token(a, A, childJti, x -> x.pred(parent)));
        verifier.verify(token(b, B, parent, x -> x.execAct("squat-later"))); // B takes the id after A's child was built on it

        VerifiedEct grandchild = verifier.verify(token(a, A, UUID.randomUUID().toString(), x -> x.pred(childJti)));

        assertThat(grandchild.ect().pred()).containsExactly(childJti);
        assertThat(securityEvents).isEmpty(); // the grandchild's own pred is unambiguous
    }

    @Test
    @DisplayName("P-01 G-07: a squat that differs from A's jti only in letter case claims the same task id")
    void upperCaseSquatIsTheSameTaskId() {
        String jti = UUID.randomUUID().toString();
        verifier.verify(token(b, B, jti.toUpperCase(Locale.ROOT), x -> x.execAct("squat")));
        verifier.verify(token(a, A, jti, x -> x));

        String child = token(a, A, UUID.randomUUID().toString(), x -> x.pred(jti));

        assertThat(reason(() -> verifier.verify(child))).isEqualTo("dag_ambiguous_predecessor");
    }

    @Test
    @DisplayName("P-01 G-01: one issuer's jti that differs only in letter case is the same task id, refused the second time")
    void sameIssuerCannotReuseATaskIdInAnotherCase() {
        String jti = UUID.randomUUID().toString();
        verifier.verify(token(a, A, jti, x -> x));

        String again = token(a, A, jti.toUpperCase(Locale.ROOT), x -> x);

        assertThat(reason(() -> verifier.verify(again))).isEqualTo("dag_duplicate_jti");
        assertThat(ledger.size()).isEqualTo(1);
    }

    @Test
    @DisplayName("P-01: without a ledger the replay store also treats a case variant of a jti as the same key")
    void replayKeyIsCaseInsensitive() {
        EctVerifier noLedger = EctVerifier.builder().verifierId(C).keySource(StaticKeySource.builder().key(A, keyA).build())
                .clock(Fixtures.clock()).listener(VerificationListener.noop()).build();
        String jti = UUID.randomUUID().toString();
        noLedger.verify(token(a, A, jti, x -> x));

        assertThat(reason(() -> noLedger.verify(token(a, A, jti.toUpperCase(Locale.ROOT), x -> x.execAct("again")))))
                .isEqualTo("replay");
    }

    @Test
    @DisplayName("G-01 P-01: without a ledger, B's squat first does not make A's genuine token a replay")
    void replayKeyIncludesTheIssuer() {
        EctVerifier noLedger = EctVerifier.builder().verifierId(C)
                .keySource(StaticKeySource.builder().key(A, keyA).key(B, keyB).build())
                .clock(Fixtures.clock()).listener(VerificationListener.noop()).build();
        String jti = UUID.randomUUID().toString();
        noLedger.verify(token(b, B, jti, x -> x));

        assertThat(noLedger.verify(token(a, A, jti, x -> x)).ect().iss()).isEqualTo(A);
    }
}

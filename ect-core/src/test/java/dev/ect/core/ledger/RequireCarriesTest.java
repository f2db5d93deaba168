package dev.ect.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.VerifiedEct;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * L-02 / V-15: a ledger appends a token only with the claims it carries. The verifier hands the
 * ledger the ECT it decoded from the very token, which the ledger recognizes without decoding the
 * token again; that shortcut must never let a mismatched pair through.
 */
class RequireCarriesTest {
    private static final String W = TestEcts.uuid("W1");

    // V-15 fast path: the ECT a verifier returns is accepted with its own token, and appended
    @Test
    void verifiedEctIsAcceptedWithItsOwnToken() {
        SignedEct t = TestEcts.mint(W, "a", List.of());
        VerifiedEct v = TestEcts.verifier().build().check(t.compact());
        assertThatCode(() -> LedgerEntry.requireCarries(v.ect(), t.compact())).doesNotThrowAnyException();
        InMemoryLedger ledger = new InMemoryLedger(TestEcts.CLOCK);
        assertThat(ledger.append(v.ect(), t.compact()).jti()).isEqualTo(t.ect().jti());
    }

    // L-02: a verified ECT with another token (the shortcut is per token, not per ECT) is refused
    @Test
    void verifiedEctWithAnotherTokenIsRefused() {
        EctVerifier verifier = TestEcts.verifier().build();
        SignedEct a = TestEcts.mint(W, "a", List.of());
        SignedEct b = TestEcts.mint(W, "b", List.of());
        Ect fromA = verifier.check(a.compact()).ect();
        assertThatThrownBy(() -> LedgerEntry.requireCarries(fromA, b.compact()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not carry");
        assertThatThrownBy(() -> new InMemoryLedger(TestEcts.CLOCK).append(fromA, b.compact()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // L-02: a copy modified through toBuilder() no longer counts as decoded from the token
    @Test
    void modifiedCopyOfAVerifiedEctIsRefused() {
        SignedEct a = TestEcts.mint(W, "a", List.of());
        Ect fromA = TestEcts.verifier().build().check(a.compact()).ect();
        Ect changed = fromA.toBuilder().execAct("something_else").build();
        assertThatThrownBy(() -> LedgerEntry.requireCarries(changed, a.compact()))
                .isInstanceOf(IllegalArgumentException.class);
        Ect same = fromA.toBuilder().build(); // equal claims, no link: decoded and compared, accepted
        assertThatCode(() -> LedgerEntry.requireCarries(same, a.compact())).doesNotThrowAnyException();
        assertThat(same).isEqualTo(fromA);
    }

    // L-02: an ECT built by hand is checked by decoding the token (the slow path still works)
    @Test
    void handBuiltEctIsCheckedByDecoding() {
        SignedEct a = TestEcts.mint(W, "a", List.of());
        Ect handBuilt = a.ect().toBuilder().build();
        assertThatCode(() -> LedgerEntry.requireCarries(handBuilt, a.compact())).doesNotThrowAnyException();
        assertThatThrownBy(() -> LedgerEntry.requireCarries(handBuilt.toBuilder().wid(null).build(), a.compact()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LedgerEntry.requireCarries(handBuilt, "not-a-token"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // L-02: the ECT decoded back from an entry is linked to the entry's token
    @Test
    void entryEctIsLinkedToItsToken() {
        InMemoryLedger ledger = new InMemoryLedger(TestEcts.CLOCK);
        SignedEct a = TestEcts.mint(W, "a", List.of());
        LedgerEntry e = ledger.append(a.ect(), a.compact());
        assertThatCode(() -> LedgerEntry.requireCarries(e.ect(), e.compact())).doesNotThrowAnyException();
        assertThat(e.ect().sameClaims(a.ect())).isTrue();
    }
}

package dev.ect.core;

import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.clock;
import static dev.ect.core.support.Fixtures.keysOfA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.support.TestLedger;
import java.security.Security;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** EctVerifier.Builder fails fast with messages naming the option (design rule 7). */
class VerifierBuilderTest {

    private static EctVerifier.Builder minimal() { return EctVerifier.builder().verifierId(B).keySource(keysOfA()); }

    @Test
    void requiresVerifierId() {
        assertThatThrownBy(() -> EctVerifier.builder().keySource(keysOfA()).build())
                .isInstanceOfSatisfying(MissingOptionException.class, e -> assertThat(e.option()).isEqualTo("verifierId"))
                .hasMessage("verifierId is required");
        assertThatThrownBy(() -> EctVerifier.builder().verifierId(null))
                .isInstanceOf(NullPointerException.class).hasMessage("verifierId cannot be null");
        assertThatThrownBy(() -> EctVerifier.builder().verifierId(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("verifierId must not be empty");
    }

    @Test
    void requiresKeySourceUnlessOnlyL1IsAccepted() {
        assertThatThrownBy(() -> EctVerifier.builder().verifierId(B).build())
                .isInstanceOfSatisfying(MissingOptionException.class, e -> assertThat(e.option()).isEqualTo("keySource"))
                .hasMessage("keySource is required unless minLevel is L1");
        assertThat(EctVerifier.builder().verifierId(B).settings(EctSettings.builder().minLevel(EctLevel.L1).build()).build().settings().minLevel()).isEqualTo(EctLevel.L1);
        assertThatThrownBy(() -> EctVerifier.builder().keySource(null))
                .isInstanceOf(NullPointerException.class).hasMessage("keySource cannot be null");
    }

    @Test
    void l3RequiresALedger() { // V-15
        assertThatThrownBy(() -> minimal().settings(EctSettings.builder().minLevel(EctLevel.L3).build()).build())
                .isInstanceOfSatisfying(MissingOptionException.class, e -> assertThat(e.option()).isEqualTo("ledger"))
                .hasMessage("minLevel L3 requires a ledger");
        assertThat(minimal().settings(EctSettings.builder().minLevel(EctLevel.L3).build()).ledger(new TestLedger()).build().settings().minLevel()).isEqualTo(EctLevel.L3);
    }

    @Test
    void refusesEachSingleValuedOptionTwice() {
        assertThatThrownBy(() -> minimal().verifierId("x")).isInstanceOf(IllegalStateException.class).hasMessage("verifierId was already set");
        assertThatThrownBy(() -> minimal().keySource(keysOfA())).isInstanceOf(IllegalStateException.class).hasMessage("keySource was already set");
        assertThatThrownBy(() -> minimal().clock(clock()).clock(clock())).isInstanceOf(IllegalStateException.class).hasMessage("clock was already set");
        assertThatThrownBy(() -> minimal().replayStore(new CaffeineReplayStore(1)).replayStore(new CaffeineReplayStore(1)))
                .isInstanceOf(IllegalStateException.class).hasMessage("replayStore was already set");
        assertThatThrownBy(() -> minimal().ectStore(jti -> java.util.List.of()).ectStore(jti -> java.util.List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessage("ectStore was already set");
        assertThatThrownBy(() -> minimal().ledger(new TestLedger()).ledger(new TestLedger()))
                .isInstanceOf(IllegalStateException.class).hasMessage("ledger was already set");
        assertThatThrownBy(() -> minimal().listener(VerificationListener.noop()).listener(VerificationListener.noop()))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("listener was already set");
        assertThatThrownBy(() -> minimal().provider(Security.getProviders()[0]).provider(Security.getProviders()[0]))
                .isInstanceOf(IllegalStateException.class).hasMessage("crypto provider was already set");
        // provider(p) is a shorthand for crypto(CryptoProvider.of(p)): both fill the one slot
        assertThatThrownBy(() -> minimal().crypto(CryptoProvider.jdk()).provider(Security.getProviders()[0]))
                .isInstanceOf(IllegalStateException.class).hasMessage("crypto provider was already set");
    }

    @Test
    void refusesSettingsTwice() {
        assertThatThrownBy(() -> minimal().settings(EctSettings.defaults()).settings(EctSettings.defaults()))
                .isInstanceOf(IllegalStateException.class).hasMessage("settings was already set");
    }

    @Test
    void takesAllLimitsAsOneSettingsValueInAnyOrder() { // no ordering rule: settings and the other options commute
        EctSettings s = EctSettings.builder().maxPred(4).clockSkew(Duration.ofSeconds(5)).maxTokenBytes(4096)
                .allowUnresolvedPredecessors(true).legacyClaims(true).maxAncestors(50)
                .algorithms(EctAlgorithm.ES256, EctAlgorithm.EDDSA).minLevel(EctLevel.L2).maxAge(Duration.ofMinutes(2)).build();
        EctVerifier before = EctVerifier.builder().settings(s).verifierId(B).keySource(keysOfA()).clock(clock()).build();
        EctVerifier after = EctVerifier.builder().verifierId(B).keySource(keysOfA()).clock(clock()).settings(s).build();
        assertThat(before.settings()).isEqualTo(s).isEqualTo(after.settings());
        assertThat(minimal().build().settings()).isEqualTo(EctSettings.defaults());
    }

    @Test
    void refusesInvalidValuesNamingTheOption() {
        assertThatThrownBy(() -> minimal().settings(EctSettings.builder().maxPred(-1).build())).isInstanceOf(IllegalArgumentException.class).hasMessage("maxPred must be >= 0");
        assertThatThrownBy(() -> minimal().settings(EctSettings.builder().maxTokenBytes(63).build())).isInstanceOf(IllegalArgumentException.class).hasMessage("maxTokenBytes must be >= 64");
        assertThatThrownBy(() -> minimal().settings(EctSettings.builder().clockSkew(Duration.ofSeconds(-1)).build())).isInstanceOf(IllegalArgumentException.class).hasMessage("maxFuture must be >= 0");
        assertThatThrownBy(() -> minimal().settings(EctSettings.builder().maxAge(Duration.ZERO).build())).isInstanceOf(IllegalArgumentException.class).hasMessage("maxAge must be > 0");
        assertThatThrownBy(() -> minimal().settings(EctSettings.builder().maxAncestors(0).build())).isInstanceOf(IllegalArgumentException.class).hasMessage("maxAncestors must be >= 1");
        assertThatThrownBy(() -> minimal().settings(EctSettings.builder().algorithms(Set.of()).build())).isInstanceOf(IllegalArgumentException.class).hasMessage("algorithms must not be empty");
        assertThatThrownBy(() -> minimal().settings(EctSettings.builder().minLevel(null).build())).isInstanceOf(NullPointerException.class).hasMessage("minLevel cannot be null");
        assertThatThrownBy(() -> minimal().clock(null)).isInstanceOf(NullPointerException.class).hasMessage("clock cannot be null");
        assertThatThrownBy(() -> minimal().replayStore(null)).isInstanceOf(NullPointerException.class).hasMessage("replayStore cannot be null");
        assertThatThrownBy(() -> minimal().ectStore(null)).isInstanceOf(NullPointerException.class).hasMessage("ectStore cannot be null");
        assertThatThrownBy(() -> minimal().ledger(null)).isInstanceOf(NullPointerException.class).hasMessage("ledger cannot be null");
        assertThatThrownBy(() -> minimal().dagRule(null)).isInstanceOf(NullPointerException.class).hasMessage("dagRule cannot be null");
        assertThatThrownBy(() -> minimal().listener(null)).isInstanceOf(NullPointerException.class).hasMessage("listener cannot be null");
        assertThatThrownBy(() -> minimal().provider(null)).isInstanceOf(NullPointerException.class).hasMessage("provider cannot be null");
        assertThatThrownBy(() -> minimal().settings(null)).isInstanceOf(NullPointerException.class).hasMessage("settings cannot be null");
    }

    @Test
    void usesAGivenJcaProviderForSignatureChecks() {
        java.security.Provider sunEc = Security.getProvider("SunEC");
        EctVerifier v = minimal().clock(clock()).listener(VerificationListener.noop()).provider(sunEc).build();
        String token = dev.ect.core.support.Fixtures.signerA().sign(Ect.builder().iss(dev.ect.core.support.Fixtures.A).aud(B).execAct("a").build());
        assertThat(v.verify(token).ect().aud()).containsExactly(B);
        EctSigner signer = EctSigner.builder(dev.ect.core.support.Fixtures.keyA()).provider(sunEc).clock(clock()).build();
        assertThat(v.verify(signer.sign(Ect.builder().iss(dev.ect.core.support.Fixtures.A).aud(B).execAct("a").build())).level())
                .isEqualTo(EctLevel.L2);
    }
}

package dev.ect.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.CryptoProvider;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Alternating keys on one thread's reused Signature objects. Regression: handing ACCP key objects
 * it translated itself ({@code KeyFactory.translateKey}) and reusing them across
 * {@code initVerify} calls fails with "Key has been destroyed" after a key switch, so JwsCrypto
 * passes the caller's key objects as they are.
 */
class JwsCryptoKeySwitchTest {
    static final byte[] INPUT = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJhIn0".getBytes(StandardCharsets.US_ASCII);

    static CryptoProvider accp() { return CryptoProvider.accp().orElseThrow(); }

    @ParameterizedTest
    @EnumSource(EctAlgorithm.class)
    void eachKeyVerifiesOnlyItsOwnSignaturesAcrossRepeatedUse(EctAlgorithm alg) {
        JwsCrypto c = new JwsCrypto(accp());
        EctKeyPair a = EctKeys.generate(alg, "a");
        EctKeyPair b = EctKeys.generate(alg, "b");
        byte[] sigA = c.sign(alg, a.privateKey(), INPUT);
        byte[] sigB = c.sign(alg, b.privateKey(), INPUT);
        for (int i = 0; i < 3; i++) {
            assertThat(c.verify(alg, a.publicKey(), INPUT, sigA)).isTrue();
            assertThat(c.verify(alg, b.publicKey(), INPUT, sigA)).isFalse();
            assertThat(c.verify(alg, b.publicKey(), INPUT, sigB)).isTrue();
            assertThat(c.verify(alg, a.publicKey(), INPUT, sigB)).isFalse();
        }
        // and the JDK agrees with what ACCP signed
        assertThat(new JwsCrypto(CryptoProvider.jdk()).verify(alg, a.publicKey(), INPUT, sigA)).isTrue();
    }
}

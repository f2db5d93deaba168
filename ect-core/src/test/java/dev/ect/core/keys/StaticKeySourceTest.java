package dev.ect.core.keys;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.C;
import static dev.ect.core.support.Fixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctAlgorithm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** StaticKeySource: each key belongs to exactly one issuer (V-07). */
class StaticKeySourceTest {
    private static final EctKeyPair K1 = key(EctAlgorithm.ES256, "k1");

    @Test
    void keyForIssuerANeverResolvesForIssuerB() { // V-07
        StaticKeySource ks = StaticKeySource.builder().key(A, K1).build();
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        assertThat(ks.resolve(C, "k1")).isEmpty();
        assertThat(ks.resolve(A, "k2")).isEmpty();
        assertThat(ks.resolve(null, "k1")).isEmpty();
        assertThat(ks.resolve(A, null)).isEmpty();
    }

    @Test
    void sameKidUnderTwoIssuersKeepsTheirKeysApart() { // V-07
        EctKeyPair c1 = key(EctAlgorithm.ES256, "k1", "issuer-c");
        StaticKeySource ks = StaticKeySource.builder().key(A, K1).key(C, c1).build();
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        assertThat(ks.resolve(C, "k1")).contains(c1.publicKey());
    }

    @Test
    void refusesTheSameIssuerAndKidTwice() {
        assertThatThrownBy(() -> StaticKeySource.builder().key(A, K1).key(A, "k1", key(EctAlgorithm.ES256, "k1", "other").publicKey()))
                .isInstanceOf(IllegalStateException.class).hasMessage("key 'k1' is already registered for issuer " + A);
        assertThatThrownBy(() -> StaticKeySource.builder().key(null, "k", K1.publicKey())).hasMessage("issuer cannot be null");
        assertThatThrownBy(() -> StaticKeySource.builder().key(A, null, K1.publicKey())).hasMessage("kid cannot be null");
        assertThatThrownBy(() -> StaticKeySource.builder().key(A, "k", null)).hasMessage("key cannot be null");
    }

    @Test
    void readsJwksTextAndFiles(@TempDir Path dir) throws IOException {
        EctKeyPair k2 = key(EctAlgorithm.EDDSA, "k2");
        Path file = dir.resolve("c.jwks.json");
        Files.writeString(file, EctKeys.toJwks(List.of(k2)));
        StaticKeySource ks = StaticKeySource.builder().jwks(A, K1.publicJwks()).jwksFile(C, file).build();
        assertThat(ks.resolve(A, "k1")).contains(K1.publicKey());
        assertThat(ks.resolve(C, "k2")).contains(k2.publicKey());
        assertThat(ks.resolve(A, "k2")).isEmpty();
        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> StaticKeySource.builder().jwksFile(A, missing)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void isImmutableOnceBuilt() {
        StaticKeySource.Builder b = StaticKeySource.builder().key(A, K1);
        StaticKeySource built = b.build();
        b.key(A, key(EctAlgorithm.ES256, "k-later"));
        assertThat(built.resolve(A, "k-later")).isEmpty();
    }
}

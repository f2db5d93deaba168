package dev.ect.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctRejectedException;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * K-06: a {@code rediss://} connection verifies the server's certificate AND its host name. Every
 * test runs a real {@code redis-server} that speaks only TLS, with certificates made in the test
 * by a throw-away CA.
 */
class RedisTlsTest {
    @TempDir
    Path dir;

    final TestTokens tokens = new TestTokens(Clock.systemUTC());

    static void assertUnavailable(Runnable r) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(EctUnavailableException.class, e -> {
            assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY_STORE_UNAVAILABLE);
            assertThat(e.httpStatus()).isEqualTo(503);
        });
    }

    @Test
    @DisplayName("K-06 rediss:// to a server whose trusted certificate names another host is refused (503), never used")
    void k06CertificateForAnotherHostIsRefusedEvenWhenItsCaIsTrusted() throws Exception {
        TestCa ca = TestCa.create(dir, "Trusted CA");
        // an impostor with a genuine certificate from a CA the JVM trusts, but for evil.example
        TestCa.Leaf evil = ca.issue("evil", "DNS:evil.example");
        SSLContext before = SSLContext.getDefault();
        SSLContext.setDefault(ca.trustingContext()); // the JVM trusts the CA, as it trusts public CAs
        try (RedisServerProcess impostor = RedisServerProcess.launchTls(evil);
             RedisReplayStore store = RedisReplayStore.fromUrl("rediss://127.0.0.1:" + impostor.port())) {
            EctVerifier v = tokens.verifier(store);
            String token = tokens.mint();
            for (int i = 0; i < 3; i++) {
                assertUnavailable(() -> v.verify(token));
            }
            assertThat(store.isAvailable()).isFalse();
        } finally {
            SSLContext.setDefault(before);
        }
    }

    static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("K-06 rediss:// to a server whose certificate comes from an untrusted CA is refused (503)")
    void k06UntrustedCaIsRefused() {
        TestCa ca = TestCa.create(dir, "Unknown CA");
        TestCa.Leaf leaf = ca.issue("local", "IP:127.0.0.1", "DNS:localhost");
        try (RedisServerProcess redis = RedisServerProcess.launchTls(leaf);
             RedisReplayStore store = RedisReplayStore.fromUrl(redis.url())) {
            EctVerifier v = tokens.verifier(store);
            String token = tokens.mint();
            assertUnavailable(() -> v.verify(token));
        }
    }

    @Test
    @DisplayName("K-06 rediss:// with caFile: a certificate for 127.0.0.1 is trusted and the store works")
    void k06CaFileTrustsTheServerAndTheStoreWorks() {
        TestCa ca = TestCa.create(dir, "Redis CA");
        TestCa.Leaf leaf = ca.issue("local", "IP:127.0.0.1", "DNS:localhost");
        try (RedisServerProcess redis = RedisServerProcess.launchTls(leaf);
             RedisReplayStore store = RedisReplayStore.fromUrl(redis.url() + "?caFile=" + ca.certificate)) {
            EctVerifier v = tokens.verifier(store);
            String token = tokens.mint();
            assertThat(v.verify(token)).isNotNull();
            assertReplay(() -> v.verify(token));
            assertThat(store.isAvailable()).isTrue();
        }
    }

    @Test
    @DisplayName("K-06 rediss://localhost with caCertificates(Path): the DNS name is verified too")
    void k06LocalhostByDnsNameWithTheBuilderOption() {
        TestCa ca = TestCa.create(dir, "Redis CA");
        TestCa.Leaf leaf = ca.issue("local", "DNS:localhost");
        try (RedisServerProcess redis = RedisServerProcess.launchTls(leaf);
             RedisReplayStore store = RedisReplayStore.builder("rediss://localhost:" + redis.port())
                     .caCertificates(ca.certificate).build()) {
            EctVerifier v = tokens.verifier(store);
            assertThat(v.verify(tokens.mint())).isNotNull();
        }
    }

    @Test
    @DisplayName("K-06 caFile trusted but the certificate names another host: 503, the token is not accepted")
    void k06CaFileDoesNotTurnOffTheHostCheck() {
        TestCa ca = TestCa.create(dir, "Redis CA");
        TestCa.Leaf evil = ca.issue("evil", "DNS:evil.example");
        try (RedisServerProcess impostor = RedisServerProcess.launchTls(evil);
             RedisReplayStore store = RedisReplayStore.builder(impostor.url()).sslContext(ca.trustingContext()).build()) {
            EctVerifier v = tokens.verifier(store);
            String token = tokens.mint();
            assertUnavailable(() -> v.verify(token));
            assertUnavailable(() -> store.forget("spiffe://example.com/a", null, "00000000-0000-4000-8000-000000000000"));
        }
    }

    @Test
    @DisplayName("K-06 TLS options: only with rediss://, set once, and a CA file that does not exist fails at build")
    void k06TlsOptionsAreCheckedAtBuild() throws Exception {
        TestCa ca = TestCa.create(dir, "Redis CA");
        assertThatThrownBy(() -> RedisReplayStore.fromUrl("redis://127.0.0.1:6379?caFile=" + ca.certificate))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rediss://");
        assertThatThrownBy(() -> RedisReplayStore.builder("redis://127.0.0.1:6379").caCertificates(ca.certificate))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("rediss://");
        assertThatThrownBy(() -> RedisReplayStore.fromUrl("rediss://127.0.0.1:6379?caFile=" + dir.resolve("missing.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
        assertThatThrownBy(() -> RedisReplayStore.fromUrl("rediss://127.0.0.1:6379?caFile="))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("caFile");
        assertThatThrownBy(() -> RedisReplayStore.builder("rediss://127.0.0.1:6379").caCertificates(ca.certificate)
                .sslContext(defaultContext())).isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
        Path empty = dir.resolve("empty.pem");
        java.nio.file.Files.writeString(empty, "");
        assertThatThrownBy(() -> RedisReplayStore.builder("rediss://127.0.0.1:6379").caCertificates(empty))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no certificate");
    }

    static void assertReplay(Runnable r) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(EctRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.REPLAY));
    }
}

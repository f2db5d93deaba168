package dev.ect.core.keys;

import static dev.ect.core.support.Fixtures.A;
import static dev.ect.core.support.Fixtures.B;
import static dev.ect.core.support.Fixtures.NOW;
import static dev.ect.core.support.Fixtures.key;
import static dev.ect.core.support.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.ReasonCode;
import dev.ect.core.VerificationListener;
import dev.ect.core.support.LogCapture;
import dev.ect.core.support.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * K-03: JWKS URLs are https. A real TLS MockWebServer with a certificate of a test CA; the key
 * source trusts that CA through {@link JwksUrlKeySource.Builder#sslContext}. Plain http is refused
 * at build time unless allowed for development, and then logged at WARN.
 */
class JwksHttpsTest {
    private static final EctKeyPair K1 = key(EctAlgorithm.ES256, "k1");
    private static HeldCertificate serverCert;
    private static HandshakeCertificates clientTrust;

    private final MutableClock clock = new MutableClock(NOW);
    private MockWebServer server;

    @BeforeAll
    static void certificates() throws IOException {
        HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("ect test CA").build();
        serverCert = new HeldCertificate.Builder().signedBy(ca).addSubjectAlternativeName("localhost")
                .addSubjectAlternativeName(InetAddress.getByName("localhost").getCanonicalHostName())
                .addSubjectAlternativeName("127.0.0.1").build();
        clientTrust = new HandshakeCertificates.Builder().addTrustedCertificate(ca.certificate()).build();
    }

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.useHttps(new HandshakeCertificates.Builder().heldCertificate(serverCert).build().sslSocketFactory());
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static MockResponse jwks(String json) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(json).build();
    }

    @Test
    @DisplayName("K-03 keys are fetched over https from a real TLS server and verify tokens")
    void verifiesOverHttps() {
        server.enqueue(jwks(EctKeys.toJwks(List.of(K1))));
        assertThat(server.url("/jwks.json").scheme()).isEqualTo("https");
        JwksUrlKeySource ks = JwksUrlKeySource.builder().issuer(A, server.url("/jwks.json").uri())
                .sslContext(clientTrust.sslContext()).clock(clock).build();
        EctVerifier v = EctVerifier.builder().verifierId(B).keySource(ks).clock(clock).listener(VerificationListener.noop()).build();
        String token = EctSigner.builder(K1).clock(clock).build().sign(Ect.builder().iss(A).aud(B).execAct("a").build());
        assertThat(v.verify(token).ect().kid()).isEqualTo("k1");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("K-03 a server certificate the verifier does not trust is key_source_unavailable")
    void untrustedCertificateIsUnavailable() {
        server.enqueue(jwks(EctKeys.toJwks(List.of(K1))));
        JwksUrlKeySource ks = JwksUrlKeySource.builder().issuer(A, server.url("/jwks.json").uri()).clock(clock).build();
        EctVerifier v = EctVerifier.builder().verifierId(B).keySource(ks).clock(clock).listener(VerificationListener.noop()).build();
        String token = EctSigner.builder(K1).clock(clock).build().sign(Ect.builder().iss(A).aud(B).execAct("a").build());
        assertRejected(() -> v.verify(token), ReasonCode.KEY_SOURCE_UNAVAILABLE);
    }

    @Test
    @DisplayName("K-02 over https: a JWK whose alg member differs from the token's alg is not used")
    void jwkAlgMemberIsEnforcedForUrlKeys() {
        EctKeyPair rsa = key(EctAlgorithm.PS256, "rsa-1");
        server.enqueue(jwks("{\"keys\":[" + rsa.publicJwk().replace("\"alg\":\"PS256\"", "\"alg\":\"RS256\"") + "]}"));
        JwksUrlKeySource ks = JwksUrlKeySource.builder().issuer(A, server.url("/jwks.json").uri())
                .sslContext(clientTrust.sslContext()).clock(clock).build();
        EctVerifier v = EctVerifier.builder().verifierId(B).keySource(ks).clock(clock)
                .settings(EctSettings.builder().algorithms(EnumSet.allOf(EctAlgorithm.class)).build()).listener(VerificationListener.noop()).build();
        String token = EctSigner.builder(rsa).clock(clock).build().sign(Ect.builder().iss(A).aud(B).execAct("a").build());
        assertRejected(() -> v.verify(token), ReasonCode.UNKNOWN_KEY);
        assertThat(ks.resolve(A, "rsa-1")).as("the key is there, just not for PS256").isPresent();
    }

    @Test
    @DisplayName("K-03 an http JWKS URL is refused at build time, naming the option")
    void plainHttpIsRefusedAtBuild() {
        JwksUrlKeySource.Builder b = JwksUrlKeySource.builder().issuer(A, "http://keys.example/jwks.json");
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://keys.example/jwks.json").hasMessageContaining("K-03")
                .hasMessageContaining("allowInsecureHttp");
        assertThat(JwksUrlKeySource.builder().issuer(A, "https://keys.example/jwks.json").build()).isNotNull();
    }

    @Test
    @DisplayName("K-03 an http JWKS URL allowed for development is logged at WARN when built")
    void allowedPlainHttpWarnsAtStartUp() {
        String log = LogCapture.during(() -> JwksUrlKeySource.builder().issuer(A, "http://keys.example/jwks.json")
                .allowInsecureHttp(true).build());
        assertThat(log).contains("WARN").contains("http://keys.example/jwks.json").contains("K-03");
        String quiet = LogCapture.during(() -> JwksUrlKeySource.builder().issuer(A, "https://keys.example/jwks.json").build());
        assertThat(quiet).doesNotContain("K-03");
    }
}

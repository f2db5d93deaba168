package dev.ect.jdbc;

import static dev.ect.jdbc.Agents.A;
import static dev.ect.jdbc.Agents.B;
import static dev.ect.jdbc.Agents.mint;
import static dev.ect.jdbc.Agents.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctSigner;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * K-06 for PostgreSQL: TLS settings that do not verify the server's certificate and host name are
 * refused when the ledger is built; {@code verify-full} fails closed. The machine's PostgreSQL
 * has no TLS ({@code ssl = off}), which the fail-closed test relies on (and checks).
 */
class JdbcTlsTest {
    static final String SCHEMA = TestDb.uniqueSchema(JdbcTlsTest.class);
    final EctSigner signer = Agents.signer(Clock.systemUTC());

    @AfterAll
    static void drop() { TestDb.dropSchema(SCHEMA); }

    @ParameterizedTest
    @ValueSource(strings = {"allow", "prefer", "require", "verify-ca", "REQUIRE"})
    @DisplayName("K-06 sslmode weaker than verify-full is refused at build, naming verify-full")
    void k06UnverifiedSslModesAreRefused(String mode) {
        assertThatThrownBy(() -> JdbcLedger.fromUrl("jdbc:postgresql://db.internal:5432/ect?user=ect&password=s3cret&sslmode=" + mode))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sslmode=" + mode).hasMessageContaining("verify-full").hasMessageContaining("K-06")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    @DisplayName("K-06 the NonValidatingFactory and unknown sslmodes are refused")
    void k06NonValidatingFactoryIsRefused() {
        assertThatThrownBy(() -> JdbcLedger.fromUrl("jdbc:postgresql://db/ect?ssl=true&sslfactory=org.postgresql.ssl.NonValidatingFactory"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("K-06");
        assertThatThrownBy(() -> JdbcLedger.fromUrl("jdbc:postgresql://db/ect?sslmode=verify-most"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown sslmode");
    }

    @Test
    @DisplayName("K-06 sslmode=verify-full (and ssl=true) to a server without TLS is 503 ledger_unavailable, never plain text")
    void k06VerifyFullFailsClosed() throws Exception {
        try (Connection c = TestDb.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW ssl")) {
            rs.next();
            assertThat(rs.getString(1)).as("this test needs a PostgreSQL without TLS").isEqualTo("off");
        }
        for (String tls : List.of("sslmode=verify-full", "ssl=true")) {
            try (JdbcLedger ledger = JdbcLedger.builder(TestDb.URL + "&" + tls).schema(SCHEMA)
                    .connectTimeout(Duration.ofMillis(500)).build()) {
                SignedEct t = mint(signer, A, B, uuid(), List.of());
                assertThatThrownBy(() -> ledger.append(t)).isInstanceOfSatisfying(EctUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReasonCode.LEDGER_UNAVAILABLE));
                assertThat(ledger.isAvailable()).isFalse();
            }
        }
    }

    @Test
    @DisplayName("K-06 sslmode=disable is explicit plain text and works")
    void k06DisableIsPlainText() {
        try (JdbcLedger ledger = JdbcLedger.builder(TestDb.URL + "&sslmode=disable").schema(SCHEMA).build()) {
            SignedEct t = mint(signer, A, B, uuid(), List.of());
            assertThat(ledger.append(t).seq()).isPositive();
        }
    }

    @Test
    void loopbackHostsAreRecognized() {
        assertThat(JdbcUrls.loopbackHost("jdbc:postgresql://127.0.0.1:5432/test?user=postgres")).isTrue();
        assertThat(JdbcUrls.loopbackHost("jdbc:postgresql://localhost/test")).isTrue();
        assertThat(JdbcUrls.loopbackHost("jdbc:postgresql://[::1]:5432/test")).isTrue();
        assertThat(JdbcUrls.loopbackHost("jdbc:postgresql://db.internal:5432/test")).isFalse();
        assertThat(JdbcUrls.loopbackHost("jdbc:postgresql://localhost:5432,db2:5432/test")).isFalse();
        assertThat(JdbcUrls.checkTls("jdbc:postgresql://db/ect?sslmode=verify-full&sslrootcert=/etc/ca.pem")).isTrue();
        assertThat(JdbcUrls.checkTls("jdbc:postgresql://db/ect?ssl")).isTrue();
        assertThat(JdbcUrls.checkTls("jdbc:postgresql://db/ect")).isFalse();
        assertThat(JdbcUrls.checkTls("jdbc:postgresql://db/ect?sslmode=disable")).isFalse();
    }
}

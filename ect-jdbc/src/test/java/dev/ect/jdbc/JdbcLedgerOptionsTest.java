package dev.ect.jdbc;

import static dev.ect.jdbc.Agents.A;
import static dev.ect.jdbc.Agents.B;
import static dev.ect.jdbc.Agents.mint;
import static dev.ect.jdbc.Agents.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.spi.EctStores;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Options, URLs, isolation, lookups' edges and the plug-in for ECT_JDBC_URL. */
class JdbcLedgerOptionsTest {
    static final String SCHEMA = TestDb.uniqueSchema(JdbcLedgerOptionsTest.class);
    final EctSigner signer = Agents.signer(Clock.systemUTC());

    @AfterAll
    static void drop() { TestDb.dropSchema(SCHEMA); }

    @Test
    void ectJdbcUrlSelectsThisLedgerAndCurrentSchemaPicksTheSchema() throws Exception {
        String url = TestDb.URL + "&currentSchema=" + SCHEMA;
        try (EctStores stores = EctStores.fromEnvironment(Map.of(EctStores.JDBC_URL_ENV, url))) {
            AuditLedger l = stores.ledger().orElseThrow();
            assertThat(l).isInstanceOf(JdbcLedger.class);
            assertThat(((JdbcLedger) l).table()).isEqualTo(SCHEMA + ".ect_ledger");
            SignedEct t = mint(signer, A, B, uuid(), List.of());
            l.append(t);
            assertThat(l.findByJti(t.ect().jti())).containsExactly(t);
        }
        try (Connection c = TestDb.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, description FROM " + SCHEMA + ".ect_schema_version ORDER BY version")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("schema-v1.sql");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(2);
            assertThat(rs.getString(2)).isEqualTo("schema-v2.sql");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(3);
            assertThat(rs.getString(2)).isEqualTo("schema-v3.sql");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(4);
            assertThat(rs.getString(2)).isEqualTo("schema-v4.sql");
            assertThat(rs.next()).as("each applied once").isFalse();
        }
    }

    @Test
    void tablePrefixesKeepLedgersInOneSchemaApart() {
        try (JdbcLedger x = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).tablePrefix("x_").build();
             JdbcLedger y = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).tablePrefix("").build()) {
            SignedEct t = mint(signer, A, B, uuid(), List.of());
            assertThat(x.append(t).seq()).isEqualTo(1);
            assertThat(y.append(t).seq()).as("another ledger: not a duplicate").isEqualTo(1);
            assertThat(x.table()).isEqualTo(SCHEMA + ".x_ledger");
            assertThat(y.table()).isEqualTo(SCHEMA + ".ledger");
        }
    }

    @Test
    void ancestorsFollowPredWithinTheWorkflowThroughADiamondAndAreBounded() { // L-03
        try (JdbcLedger l = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).tablePrefix("dag_").build()) {
            String wid = uuid();
            SignedEct root = mint(signer, A, B, wid, List.of());
            SignedEct left = mint(signer, A, B, wid, List.of(root.ect().jti()));
            SignedEct right = mint(signer, A, B, wid, List.of(root.ect().jti()));
            SignedEct join = mint(signer, A, B, wid, List.of(left.ect().jti(), right.ect().jti()));
            // the same jti as root in another workflow must not be walked into
            SignedEct decoy = signer.mint(root.ect().toBuilder().wid(uuid()).build());
            for (SignedEct s : List.of(root, decoy, left, right, join)) {
                l.append(s);
            }
            assertThat(l.ancestors(join.ect().jti(), 3)).extracting(LedgerEntry::jti)
                    .containsExactly(left.ect().jti(), right.ect().jti(), root.ect().jti());
            assertThat(l.ancestors(root.ect().jti(), 3)).isEmpty();
            assertThat(l.ancestors(uuid(), 3)).isEmpty();
            // nearest first: a limit keeps the closest ancestors
            assertThat(l.ancestors(join.ect().jti(), 2)).extracting(LedgerEntry::jti)
                    .containsExactly(left.ect().jti(), right.ect().jti());
            assertThat(l.ancestors(join.ect().jti(), 0)).isEmpty();
            assertThatThrownBy(() -> l.ancestors(join.ect().jti(), -1)).hasMessage("limit must be >= 0");
            assertThat(l.entries(2, 2)).extracting(LedgerEntry::seq).containsExactly(2L, 3L);
            assertThat(l.entries(1, 0)).isEmpty();
            assertThatThrownBy(() -> l.entries(0, 1)).hasMessage("fromSeq must be >= 1");
            assertThatThrownBy(() -> l.entries(1, -1)).hasMessage("limit must be >= 0");
            assertThat(l.entriesOfWorkflow(uuid())).isEmpty();
            assertThat(l.size()).isEqualTo(5);
        }
    }

    @Test
    void builderValidatesOptionsAndNeverShowsThePassword() {
        assertThatThrownBy(() -> JdbcLedger.builder(null)).hasMessage("jdbcUrl cannot be null");
        assertThatThrownBy(() -> JdbcLedger.builder("jdbc:mysql://h/db")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> JdbcLedger.builder("jdbc:postgresql:db")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host");
        JdbcLedger.Builder b = JdbcLedger.builder(TestDb.URL + "&password=s3cret");
        assertThatThrownBy(() -> b.schema("Robert'); DROP TABLE x;--")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema must be a lowercase SQL identifier");
        assertThatThrownBy(() -> b.tablePrefix("a-b")).hasMessageContaining("tablePrefix must be empty or");
        assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO)).hasMessage("connectTimeout must be at least 1 ms");
        assertThatThrownBy(() -> b.statementTimeout(null)).hasMessage("statementTimeout cannot be null");
        assertThatThrownBy(() -> b.maxPoolSize(0)).hasMessage("maxPoolSize must be >= 1");
        assertThatThrownBy(() -> b.clock(null)).hasMessage("clock cannot be null");
        b.schema(SCHEMA).tablePrefix("opt_").clock(Clock.systemUTC()).connectTimeout(Duration.ofSeconds(2))
                .statementTimeout(Duration.ofSeconds(3)).maxPoolSize(2);
        assertThatThrownBy(() -> b.schema(SCHEMA)).hasMessage("schema was already set");
        assertThatThrownBy(() -> b.tablePrefix("p")).hasMessage("tablePrefix was already set");
        assertThatThrownBy(() -> b.clock(Clock.systemUTC())).hasMessage("clock was already set");
        assertThatThrownBy(() -> b.connectTimeout(Duration.ofSeconds(1))).hasMessage("connectTimeout was already set");
        assertThatThrownBy(() -> b.statementTimeout(Duration.ofSeconds(1))).hasMessage("statementTimeout was already set");
        assertThatThrownBy(() -> b.maxPoolSize(3)).hasMessage("maxPoolSize was already set");
        try (JdbcLedger l = b.build()) {
            assertThat(l.toString()).contains("127.0.0.1:5432/test").contains(SCHEMA + ".opt_ledger").doesNotContain("s3cret");
            assertThat(l.isAvailable()).isTrue();
            assertThat(l.dataSource()).isNotNull();
        }
        assertThat(JdbcUrls.redact("jdbc:postgresql://u:pw@h:1/db?password=x")).isEqualTo("jdbc:postgresql://h:1/db");
        assertThat(JdbcUrls.currentSchema("jdbc:postgresql://h/db?a=b&currentSchema=s1")).contains("s1");
        assertThat(JdbcUrls.currentSchema("jdbc:postgresql://h/db?currentSchema=s1,s2")).isEmpty();
        assertThat(JdbcUrls.currentSchema("jdbc:postgresql://h/db")).isEmpty();
        assertThatThrownBy(() -> EctStores.fromEnvironment(Map.of(EctStores.JDBC_URL_ENV, "jdbc:postgresql:nohost?password=pw")))
                .hasMessageContaining("ECT_JDBC_URL").hasMessageNotContaining("pw");
    }

    @Test
    void ectUrlOptionsConfigureTheLedgerAndNeverReachTheDriver() {
        String url = TestDb.URL + "&ect.schema=" + SCHEMA + "&ect.tablePrefix=urlopt_&ect.connectTimeout=3000"
                + "&ect.statementTimeout=4000&ect.maxPoolSize=2";
        try (JdbcLedger l = JdbcLedger.fromUrl(url)) {
            assertThat(l.table()).isEqualTo(SCHEMA + ".urlopt_ledger");
            SignedEct t = mint(signer, A, B, uuid(), List.of());
            assertThat(l.append(t).seq()).isEqualTo(1);
        }
        try (JdbcLedger l = JdbcLedger.builder(TestDb.URL + "&ect.schema=nope&currentSchema=nope2").schema(SCHEMA).build()) {
            assertThat(l.table()).as("a setter overrides the URL").isEqualTo(SCHEMA + ".ect_ledger");
        }
        assertThat(JdbcUrls.splitOptions("jdbc:postgresql://h/db?ect.a=1&user=u&ect.b=x%20y").getKey()).isEqualTo("jdbc:postgresql://h/db?user=u");
        assertThat(JdbcUrls.splitOptions("jdbc:postgresql://h/db?ect.a=1&user=u&ect.b=x%20y").getValue()).containsExactly(
                Map.entry("a", "1"), Map.entry("b", "x y"));
        assertThatThrownBy(() -> JdbcLedger.builder(TestDb.URL + "&ect.statementTimout=5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown JDBC URL option 'ect.statementTimout'");
        assertThatThrownBy(() -> JdbcLedger.builder(TestDb.URL + "&ect.maxPoolSize=many")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ect.maxPoolSize must be a number");
        assertThatThrownBy(() -> JdbcLedger.builder(TestDb.URL + "&ect.maxPoolSize=0")).hasMessageContaining("maxPoolSize must be >= 1");
        assertThatThrownBy(() -> JdbcLedger.builder(TestDb.URL + "&ect.schema=Bad-Name")).hasMessageContaining("schema must be");
        assertThatThrownBy(() -> JdbcLedger.builder(TestDb.URL + "&ect.connectTimeout=0")).hasMessageContaining("at least 1 ms");
    }

    @Test
    void fromUrlUsesDefaults() {
        try (JdbcLedger l = JdbcLedger.fromUrl(TestDb.URL + "&currentSchema=" + SCHEMA)) {
            assertThat(l.table()).isEqualTo(SCHEMA + ".ect_ledger");
        }
    }

    @Test
    @org.junit.jupiter.api.DisplayName("L-09 createSchema(false) / ect.createSchema=false: a missing schema or table is 503 naming it, on every call, and nothing is created")
    void neverCreateRefusesAMissingSchemaAndCreatesNothing() throws Exception {
        String missing = "jdbcdag_missing_" + uuid().substring(0, 8);
        try (JdbcLedger l = JdbcLedger.builder(TestDb.URL).schema(missing).createSchema(false).build()) {
            for (int i = 0; i < 2; i++) { // not a start-up hiccup: every call says so
                assertThatThrownBy(l::size).isInstanceOfSatisfying(dev.ect.core.EctUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(dev.ect.core.ReasonCode.LEDGER_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("the schema " + missing + " does not exist").contains("ect.createSchema=false");
                });
            }
            assertThatThrownBy(l::verifyChain).hasMessageContaining("does not exist");
            SignedEct t = mint(signer, A, B, uuid(), List.of());
            assertThatThrownBy(() -> l.append(t)).isInstanceOf(dev.ect.core.EctUnavailableException.class);
        }
        try (JdbcLedger l = JdbcLedger.fromUrl(TestDb.URL + "&ect.schema=" + SCHEMA + "&ect.tablePrefix=nope_&ect.createSchema=false")) {
            assertThatThrownBy(l::entries).hasMessageContaining("the table " + SCHEMA + ".nope_ledger does not exist");
        }
        try (Connection c = TestDb.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = '" + missing + "'),"
                     + " to_regclass('" + SCHEMA + ".nope_ledger') IS NULL")) {
            rs.next();
            assertThat(rs.getInt(1)).as("schema created").isZero();
            assertThat(rs.getBoolean(2)).as("no table created").isTrue();
        }
        // an existing ledger opens without DDL and works, the probe included
        try (JdbcLedger owner = JdbcLedger.builder(TestDb.URL).schema(SCHEMA).tablePrefix("ro_").build()) {
            SignedEct root = mint(signer, A, B, uuid(), List.of());
            owner.append(root);
        }
        try (JdbcLedger ro = JdbcLedger.builder(TestDb.URL + "&ect.createSchema=false").schema(SCHEMA).tablePrefix("ro_").build()) {
            assertThat(ro.size()).isEqualTo(1);
            assertThat(ro.verifyChain().ok()).isTrue();
        }
        assertThatThrownBy(() -> JdbcLedger.builder(TestDb.URL + "&ect.createSchema=no")).hasMessageContaining("true or false");
        assertThatThrownBy(() -> JdbcLedger.builder(TestDb.URL).createSchema(false).createSchema(true))
                .isInstanceOf(IllegalStateException.class);
    }
}

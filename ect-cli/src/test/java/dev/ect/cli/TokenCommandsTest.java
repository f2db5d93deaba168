package dev.ect.cli;

import static dev.ect.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.testing.EctForgery;
import dev.ect.core.Ect;
import dev.ect.core.EctHashes;
import dev.ect.core.EctSigner;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen, mint, verify and inspect, run in-process through {@link EctCli#execute}. */
class TokenCommandsTest {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";

    @TempDir
    Path dir;
    Path priv;
    Path pub;

    @BeforeEach
    void keys() {
        priv = dir.resolve("a.jwk");
        pub = dir.resolve("a.jwks");
        CliRun k = run("keygen", "--kid", "a-1", "--private", priv.toString(), "--public", pub.toString());
        assertThat(k.code()).as(k.toString()).isZero();
    }

    String mint(String... extra) {
        String[] base = {"mint", "--key", priv.toString(), "--iss", A, "--aud", B, "--exec-act", "review_spec"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CliRun r = run(args);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out().strip()).doesNotContain("\n");
        return r.out().strip();
    }

    CliRun verify(String token, String... extra) {
        String[] base = {"verify", "--trust", A + "=" + pub, "--aud", B};
        String[] args = new String[base.length + extra.length + 1];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        args[args.length - 1] = token;
        return run(args);
    }

    @Test
    void keygenWritesPrivateJwkReadableOnlyByOwnerAndPublicJwks() throws Exception {
        String jwk = Files.readString(priv);
        assertThat(EctKeys.fromPrivateJwk(jwk).kid()).isEqualTo("a-1");
        assertThat(EctKeys.parseJwks(Files.readString(pub))).containsOnlyKeys("a-1");
        assertThat(Files.readString(pub)).doesNotContain("\"d\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
    }

    @Test
    void keygenRefusesToOverwriteWithoutForce() throws Exception {
        String before = Files.readString(priv);
        CliRun r = run("keygen", "--kid", "a-2", "--private", priv.toString(), "--public", pub.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("already exists").contains("--force");
        assertThat(Files.readString(priv)).isEqualTo(before);
        CliRun forced = run("keygen", "--kid", "a-2", "--force", "--private", priv.toString(), "--public", pub.toString());
        assertThat(forced.code()).as(forced.toString()).isZero();
        assertThat(EctKeys.fromPrivateJwk(Files.readString(priv)).kid()).isEqualTo("a-2");
    }

    @Test
    void keygenRejectsUnsupportedAlgorithmAndEmptyKid() {
        CliRun r = run("keygen", "--kid", "x", "--alg", "HS256", "--private", dir.resolve("x").toString(),
                "--public", dir.resolve("y").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--alg").contains("HS256");
        CliRun empty = run("keygen", "--kid", " ", "--private", dir.resolve("x").toString(), "--public", dir.resolve("y").toString());
        assertThat(empty.code()).isEqualTo(2);
        assertThat(empty.err()).contains("--kid");
    }

    @Test
    void mintedTokenIsAcceptedWithAllClaims() {
        String wid = UUID.randomUUID().toString();
        String jti = UUID.randomUUID().toString();
        String h = EctHashes.sha256("in");
        String token = mint("--aud", "spiffe://example.com/ledger", "--wid", wid, "--jti", jti, "--ttl", "120",
                "--inp-hash", h, "--out-hash", EctHashes.sha256("out"), "--ext", "{\"pol\":\"policy_v1\",\"n\":2}");
        CliRun v = verify(token);
        assertThat(v.code()).as(v.toString()).isZero();
        Map<String, Object> json = v.json();
        assertThat(json.get("level")).isEqualTo("L2");
        assertThat(json.get("header")).isEqualTo(Map.of("alg", "ES256", "kid", "a-1", "typ", "exec+jwt"));
        Map<String, Object> c = v.claims();
        assertThat(c.get("jti")).isEqualTo(jti);
        assertThat(c.get("wid")).isEqualTo(wid);
        assertThat(c.get("aud")).isEqualTo(List.of(B, "spiffe://example.com/ledger"));
        assertThat(c.get("inp_hash")).isEqualTo(h);
        assertThat(c.get("ect_ext")).isEqualTo(Map.of("pol", "policy_v1", "n", 2L));
        assertThat(((Number) c.get("exp")).longValue() - ((Number) c.get("iat")).longValue()).isEqualTo(120);
    }

    @Test
    void mintRefusesAnInvalidDraftNamingTheRule() { // M-07
        CliRun r = run("mint", "--key", priv.toString(), "--iss", A, "--aud", B, "--exec-act", "x", "--pred", "not-a-uuid");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("invalid_claim").contains("C-08");
        CliRun hash = run("mint", "--key", priv.toString(), "--iss", A, "--aud", B, "--exec-act", "x", "--inp-hash", "sha-256:abc");
        assertThat(hash.code()).isEqualTo(2);
        assertThat(hash.err()).contains("invalid_claim");
    }

    @Test
    void mintReportsBadKeyFileExtAndTtl() throws Exception {
        CliRun missing = run("mint", "--key", dir.resolve("nope.jwk").toString(), "--iss", A, "--aud", B, "--exec-act", "x");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("does not exist");
        CliRun publicOnly = run("mint", "--key", pub.toString(), "--iss", A, "--aud", B, "--exec-act", "x");
        assertThat(publicOnly.code()).isEqualTo(2);
        assertThat(publicOnly.err()).contains("--key");
        CliRun ext = run("mint", "--key", priv.toString(), "--iss", A, "--aud", B, "--exec-act", "x", "--ext", "[1]");
        assertThat(ext.code()).isEqualTo(2);
        assertThat(ext.err()).contains("--ext");
        CliRun ttl = run("mint", "--key", priv.toString(), "--iss", A, "--aud", B, "--exec-act", "x", "--ttl", "0");
        assertThat(ttl.code()).isEqualTo(2);
        assertThat(ttl.err()).contains("--ttl");
    }

    @Test
    void tamperedPayloadIsRejectedAsInvalidSignature() { // V-08
        String token = mint();
        String forged = EctForgery.withClaims(token, c -> c.put("exec_act", "delete_prod"));
        CliRun v = verify(forged);
        assertThat(v.code()).isEqualTo(1);
        assertThat(v.json()).containsEntry("ect_error", "invalid_signature").containsEntry("rule", "V-08");
        assertThat(v.out()).doesNotContain(forged);
    }

    @Test
    void wrongAudienceAndUntrustedIssuerAreRejected() throws Exception { // V-12, V-07
        String token = mint();
        CliRun aud = run("verify", "--trust", A + "=" + pub, "--aud", "spiffe://example.com/agent/c", token);
        assertThat(aud.code()).isEqualTo(1);
        assertThat(aud.json()).containsEntry("ect_error", "audience_mismatch");
        // the same key trusted for another issuer does not count
        CliRun other = run("verify", "--trust", "spiffe://example.com/agent/z=" + pub, "--aud", B, token);
        assertThat(other.code()).isEqualTo(1);
        assertThat(other.json()).containsEntry("ect_error", "unknown_key");
    }

    @Test
    void predecessorsNeedAStoreUnlessAllowUnresolved() { // G-02
        String pred = UUID.randomUUID().toString();
        String token = mint("--pred", pred);
        CliRun rejected = verify(token);
        assertThat(rejected.code()).isEqualTo(1);
        assertThat(rejected.json()).containsEntry("ect_error", "dag_unknown_predecessor");
        CliRun allowed = verify(token, "--allow-unresolved");
        assertThat(allowed.code()).as(allowed.toString()).isZero();
        assertThat(allowed.json()).containsEntry("unresolved_pred", List.of(pred));
    }

    @Test
    void expiredTokenFromAnotherClockIsRejected() throws Exception { // V-11
        EctKeyPair key = EctKeys.fromPrivateJwk(Files.readString(priv));
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        String old = EctSigner.builder(key).clock(past).build().sign(Ect.builder().iss(A).aud(B).execAct("x").build());
        CliRun v = verify(old);
        assertThat(v.code()).isEqualTo(1);
        assertThat(v.json()).containsEntry("ect_error", "expired");
    }

    @Test
    void readsTheTokenFromStdin() {
        String token = mint();
        CliRun v = run(Map.of(), token + "\n", "verify", "--trust", A + "=" + pub, "--aud", B, "-");
        assertThat(v.code()).as(v.toString()).isZero();
        CliRun empty = run(Map.of(), "  \n", "verify", "--trust", A + "=" + pub, "--aud", B, "-");
        assertThat(empty.code()).isEqualTo(2);
        assertThat(empty.err()).contains("no token given on stdin");
    }

    @Test
    void algorithmAllowlistFollowsTrustedKeysUnlessGiven() { // H-03
        Path ep = dir.resolve("e.jwk");
        Path epub = dir.resolve("e.jwks");
        assertThat(run("keygen", "--kid", "e-1", "--alg", "EdDSA", "--private", ep.toString(), "--public", epub.toString()).code()).isZero();
        CliRun m = run("mint", "--key", ep.toString(), "--iss", A, "--aud", B, "--exec-act", "x");
        String token = m.out().strip();
        CliRun ok = run("verify", "--trust", A + "=" + epub, "--aud", B, token);
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(ok.json().get("header")).asString().contains("EdDSA");
        CliRun es256Only = run("verify", "--trust", A + "=" + epub, "--aud", B, "--alg", "ES256", token);
        assertThat(es256Only.code()).isEqualTo(1);
        assertThat(es256Only.json()).containsEntry("ect_error", "unsupported_alg");
        CliRun env = run(Map.of("ECT_ALGORITHMS", "ES256"), "", "verify", "--trust", A + "=" + epub, "--aud", B, token);
        assertThat(env.json()).containsEntry("ect_error", "unsupported_alg");
    }

    @Test
    void acceptsATokenSignedByAnotherImplementation() throws Exception { // H-02, C-02, C-13
        EctKeyPair key = EctKeys.fromPrivateJwk(Files.readString(priv));
        long now = Instant.now().getEpochSecond();
        String payload = "{\"exec_act\":\"review_spec\",\"jti\":\"550e8400-e29b-41d4-a716-446655440000\",\"pred\":[],"
                + "\"iss\":\"" + A + "\",\"aud\":[\"" + B + "\"],\"iat\":" + now + ",\"exp\":" + (now + 600)
                + ",\"x_vendor\":{\"k\":1}}";
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setAlgorithmHeaderValue("ES256");
        jws.setKeyIdHeaderValue("a-1");
        jws.setHeader("typ", "wimse-exec+jwt");
        jws.setKey(key.privateKey());
        String foreign = jws.getCompactSerialization();
        CliRun v = verify(foreign);
        assertThat(v.code()).as(v.toString()).isZero();
        assertThat(v.claims()).containsEntry("jti", "550e8400-e29b-41d4-a716-446655440000");
        CliRun i = run("inspect", "--compact", foreign);
        assertThat(i.json().get("claims")).asString().contains("x_vendor");
        assertThat(i.json().get("header")).asString().contains("wimse-exec+jwt");
    }

    @Test
    void inspectDecodesWithoutVerifyingAndSaysSo() {
        String token = mint("--wid", "a0b1c2d3-e4f5-6789-abcd-ef0123456789");
        CliRun i = run("inspect", token);
        assertThat(i.code()).isZero();
        assertThat(i.out()).contains("\n  \"claims\": {"); // indented for people
        Map<String, Object> json = i.json();
        assertThat(json).containsEntry("verified", false);
        assertThat((String) json.get("warning")).contains("NOT VERIFIED");
        assertThat(json.get("claims")).asString().contains("a0b1c2d3-e4f5-6789-abcd-ef0123456789");
        assertThat(json.get("times_utc")).asString().contains("expired_now=false");
        CliRun jti = run("inspect", "--claim", "wid", token);
        assertThat(jti.out().strip()).isEqualTo("a0b1c2d3-e4f5-6789-abcd-ef0123456789");
        assertThat(run("inspect", "--claim", "pred", token).out().strip()).isEqualTo("[]");
        CliRun absent = run("inspect", "--claim", "nope", token);
        assertThat(absent.code()).isEqualTo(1);
        // a forged token still decodes: inspect is no verification
        String[] p = token.split("\\.");
        assertThat(run("inspect", p[0] + "." + p[1] + ".AAAA").code()).isZero();
    }

    @Test
    void inspectAndVerifyReportMalformedTokens() { // V-02
        for (String bad : List.of("not.a-token", "a.b.c.d", "%%%")) {
            CliRun i = run("inspect", bad);
            assertThat(i.code()).as(bad).isEqualTo(1);
            assertThat(i.json()).containsEntry("ect_error", "malformed_token");
            CliRun v = verify(bad);
            assertThat(v.code()).as(bad).isEqualTo(1);
            assertThat(v.json()).containsEntry("ect_error", "malformed_token");
        }
    }

    @Test
    void unsignedL1ClaimsDecodeInInspect() {
        String l1 = EctForgery.unsigned("{\"iss\":\"" + A + "\",\"exec_act\":\"x\"}");
        CliRun i = run("inspect", "--compact", l1);
        assertThat(i.code()).isZero();
        assertThat((String) i.json().get("format")).contains("L1");
    }

    @Test
    void usageErrorsExitTwoWithAMessage() throws Exception {
        assertThat(run().code()).isEqualTo(2);
        CliRun unknown = run("frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("frobnicate");
        CliRun missing = run("verify", "--aud", B, "x");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no trusted issuers: set option --trust or environment variable ECT_TRUST");
        CliRun badTrust = run("verify", "--trust", "no-equals-sign", "--aud", B, "x");
        assertThat(badTrust.code()).isEqualTo(2);
        assertThat(badTrust.err()).contains("ISS=JWKS");
        CliRun noFile = run("verify", "--trust", A + "=" + dir.resolve("missing.jwks"), "--aud", B, "x");
        assertThat(noFile.code()).isEqualTo(2);
        assertThat(noFile.err()).contains("missing.jwks").contains("does not exist");
        CliRun notJwks = run("verify", "--trust", A + "=" + dir.resolve("a.jwk"), "--aud", B, "x");
        assertThat(notJwks.code()).as(notJwks.toString()).isEqualTo(2);
        assertThat(notJwks.err()).contains("a.jwk").contains("not a JWKS document");
        Path empty = dir.resolve("empty.jwks");
        Files.writeString(empty, "{\"keys\":[]}");
        CliRun noKeys = run("verify", "--trust", A + "=" + empty, "--aud", B, "x");
        assertThat(noKeys.code()).isEqualTo(2);
        assertThat(noKeys.err()).contains("no usable public key");
    }

    @Test
    void invalidEnvironmentSettingIsAUsageErrorNamingTheVariable() { // profile section 9
        CliRun r = run(Map.of("ECT_MAX_PRED", "lots"), "", "verify", "--trust", A + "=" + pub, "--aud", B, mint());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("ECT_MAX_PRED");
    }

    @Test
    void minLevelIsParsedAndL3NeedsALedger() {
        String token = mint();
        CliRun bad = verify(token, "--min-level", "L9");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--min-level");
        CliRun l3 = verify(token, "--min-level", "L3");
        assertThat(l3.code()).isEqualTo(2);
        assertThat(l3.err()).contains("--ledger");
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : List.of("keygen", "mint", "verify", "inspect", "ledger", "ledger verify", "dag", "serve")) {
            String[] args = (cmd + " --help").split(" ");
            CliRun h = run(args);
            assertThat(h.code()).as(cmd).isZero();
            assertThat(h.out()).as(cmd).startsWith("Usage: ect " + cmd);
        }
        assertThat(run("--help").out()).contains("keygen", "mint", "verify", "inspect", "ledger", "dag", "serve");
        assertThat(run("--version").out()).startsWith("ect ");
    }

    @Test
    void trustsAJwksUrl() throws Exception { // V-07 through JwksUrlKeySource
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = Files.readAllBytes(pub);
        server.createContext("/jwks.json", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, jwks.length);
            try (var os = ex.getResponseBody()) {
                os.write(jwks);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
            String token = mint();
            // K-03: a plain-http test server, opted in explicitly
            CliRun ok = run("verify", "--trust", A + "=" + url, "--jwks-allow-insecure-http", "--aud", B, token);
            assertThat(ok.code()).as(ok.toString()).isZero();
            // a file for one issuer and a URL for another
            CliRun both = run(Map.of("ECT_JWKS_ALLOW_INSECURE_HTTP", "true"), "", "verify", "--trust", "spiffe://example.com/agent/z=" + pub,
                    "--trust", A + "=" + url, "--aud", B, mint());
            assertThat(both.code()).as(both.toString()).isZero();
            CliRun twice = run("verify", "--trust", A + "=" + url, "--trust", A + "=" + url, "--jwks-allow-insecure-http", "--aud", B, token);
            assertThat(twice.code()).isEqualTo(2);
            assertThat(twice.err()).contains(A);
        } finally {
            server.stop(0);
        }
    }

    @Test
    @org.junit.jupiter.api.DisplayName("K-03 verify refuses an http JWKS URL unless --jwks-allow-insecure-http or its variable allows it")
    void plainHttpJwksUrlsAreRefusedUnlessAllowed() {
        String token = mint();
        CliRun r = run("verify", "--trust", A + "=http://127.0.0.1:9/jwks.json", "--aud", B, token);
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("K-03").contains("--jwks-allow-insecure-http").contains("ECT_JWKS_ALLOW_INSECURE_HTTP");
        CliRun bad = run(Map.of("ECT_JWKS_ALLOW_INSECURE_HTTP", "perhaps"), "", "verify", "--trust",
                A + "=http://127.0.0.1:9/jwks.json", "--aud", B, token);
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("ECT_JWKS_ALLOW_INSECURE_HTTP=perhaps");
    }

    @Test
    @org.junit.jupiter.api.DisplayName("K-04 --jwks-max-stale-seconds, else ECT_JWKS_MAX_STALE_SEC, else 600 s reach the JWKS URL source")
    void jwksMaxStaleReachesTheKeySource() throws Exception {
        VerifierOptions o = new VerifierOptions();
        o.trust.trust.add(A + "=https://keys.example/jwks.json");
        assertThat(maxStaleOf(o, Map.of())).isEqualTo(Duration.ofMinutes(10));
        assertThat(maxStaleOf(o, Map.of("ECT_JWKS_MAX_STALE_SEC", "120"))).isEqualTo(Duration.ofSeconds(120));
        o.trust.jwksMaxStaleSeconds = 0L;
        assertThat(maxStaleOf(o, Map.of("ECT_JWKS_MAX_STALE_SEC", "120"))).isEqualTo(Duration.ZERO);
        CliRun neg = run("verify", "--trust", A + "=https://keys.example/jwks.json", "--jwks-max-stale-seconds", "-5", "--aud", B, mint());
        assertThat(neg.code()).isEqualTo(2);
        assertThat(neg.err()).contains("option --jwks-max-stale-seconds=-5 is invalid: must be >= 0");
        CliRun env = run(Map.of("ECT_JWKS_MAX_STALE_SEC", "ten"), "", "verify", "--trust", A + "=https://keys.example/jwks.json",
                "--aud", B, mint());
        assertThat(env.code()).isEqualTo(2);
        assertThat(env.err()).contains("ECT_JWKS_MAX_STALE_SEC=ten");
    }

    private static Duration maxStaleOf(VerifierOptions o, Map<String, String> env) throws ReflectiveOperationException {
        java.lang.reflect.Field f = dev.ect.core.keys.JwksUrlKeySource.class.getDeclaredField("maxStale");
        f.setAccessible(true);
        return (Duration) f.get(o.config("--aud", B, env, Map.of()).keySource(java.time.Clock.systemUTC()).orElseThrow());
    }
}

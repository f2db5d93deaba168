package dev.ect.hardening.http;

import static dev.ect.hardening.http.HostileCase.Category.BOUNDS;
import static dev.ect.hardening.http.HostileCase.Category.CLAIMS;
import static dev.ect.hardening.http.HostileCase.Category.DAG;
import static dev.ect.hardening.http.HostileCase.Category.ENCODING;
import static dev.ect.hardening.http.HostileCase.Category.JOSE;
import static dev.ect.hardening.http.HostileCase.Category.JSON;
import static dev.ect.hardening.http.HostileCase.Category.REPLAY;
import static dev.ect.hardening.http.HostileCase.Category.TIME;

import dev.ect.core.Ect;
import dev.ect.hardening.http.HostileCase.Category;
import dev.ect.hardening.support.Forge;
import dev.ect.hardening.support.HostileServer;
import dev.ect.hardening.support.Json;
import dev.ect.hardening.support.RawHttp;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The hostile-input table: every malicious or malformed request the suite sends, with the status
 * and {@code ect_error} the server must answer. {@link HostileInputSuiteTest} runs it over HTTP;
 * {@link SecurityMdCountsTest} checks SECURITY.md's per-category counts against it.
 *
 * <p>Where the container answers before the filter runs (NUL bytes, obs-fold, a header over Jetty's
 * limit) the row records what Jetty really does (400 or 431, no {@code ect_error}); the property is
 * the same: never a 500, a hang or an accept.
 */
public final class HostileCases {
    static final String H = "Execution-Context";
    static final int SKEW = 30;
    static final String MALFORMED = "malformed_token";
    static final String INVALID_CLAIM = "invalid_claim";

    /** The server's ancestor-walk bound in this suite (reduced from 10,000 so the edge is cheap to reach). */
    public static final int MAX_ANCESTORS = 200;

    private final List<HostileCase> cases = new ArrayList<>();

    private HostileCases() {}

    /** All rows, in table order. */
    public static List<HostileCase> all() {
        HostileCases t = new HostileCases();
        t.encoding();
        t.json();
        t.jose();
        t.claims();
        t.time();
        t.dag();
        t.replay();
        t.bounds();
        return List.copyOf(t.cases);
    }

    /** Rows per category (all rows, and {@code [1]} the legitimate boundary rows expected to pass). */
    public static Map<Category, int[]> counts() {
        Map<Category, int[]> m = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            m.put(c, new int[2]);
        }
        for (HostileCase c : all()) {
            m.get(c.category())[0]++;
            if (c.expectsAccept()) {
                m.get(c.category())[1]++;
            }
        }
        return m;
    }

    // ------------------------------------------------------------------ helpers

    private void add(Category cat, String name, int status, String err, HostileCase.Request r) {
        cases.add(new HostileCase(cat, name, status, err, r));
    }

    /** A row whose request is one Execution-Context header with the given token. */
    private void tok(Category cat, String name, int status, String err, TokenFn f) {
        add(cat, name, status, err, (s, k) -> req(f.token(s, k)));
    }

    /** A 403 row with one token. */
    private void rej(Category cat, String name, String err, TokenFn f) { tok(cat, name, 403, err, f); }

    /** A claims row: valid header and claims with one change, signed by the trusted key. */
    private void claim(Category cat, String name, String err, String claim, Object value) {
        tok(cat, name, err == null ? 200 : 403, err, (s, k) -> signed(Forge.claims(s.now(), claim, value)));
    }

    /** A header row: valid claims, the header with one change, signed by the trusted key. */
    private void header(Category cat, String name, String err, String param, Object value) {
        rej(cat, name, err, (s, k) -> {
            Map<String, Object> h = Forge.header();
            if (value == Forge.REMOVE) {
                h.remove(param);
            } else {
                h.put(param, value);
            }
            return Forge.token(h, Forge.claims(s.now()), trusted());
        });
    }

    @FunctionalInterface
    interface TokenFn {
        String token(HostileServer s, dev.ect.hardening.support.Canary k) throws Exception;
    }

    static byte[] req(String token) { return RawHttp.get("/task").header(H, token).build(); }

    static Forge.Signer trusted() { return Forge.es256(Forge.TRUSTED.privateKey()); }

    static String signed(Map<String, Object> claims) { return Forge.token(Forge.header(), claims, trusted()); }

    static String valid(HostileServer s) { return signed(Forge.claims(s.now())); }

    static String b64(String s) { return Forge.b64(s); }

    static String[] parts(String token) { return token.split("\\.", -1); }

    static Map<String, Object> with(Map<String, Object> m, Object... kv) {
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static String dupJson(String json, String member) {
        // inserts a second copy of the member right after the opening brace
        return "{" + member + "," + json.substring(1);
    }

    static String nested(String open, String close, int depth, String inner) {
        return open.repeat(depth) + inner + close.repeat(depth);
    }

    /** A valid token padded (with an ignored claim, C-13) to exactly {@code length} characters. */
    static String paddedTo(HostileServer s, int length) {
        for (int extraHeader = 0; extraHeader < 4; extraHeader++) {
            Map<String, Object> h = Forge.header();
            if (extraHeader > 0) {
                h.put("x", "y".repeat(extraHeader));
            }
            Map<String, Object> c = Forge.claims(s.now());
            for (int n = length * 3 / 4 - 600; n < length; n++) {
                c.put("pad", "p".repeat(Math.max(0, n)));
                String t = Forge.token(h, c, trusted());
                if (t.length() == length) {
                    return t;
                }
                if (t.length() > length) {
                    break;
                }
            }
        }
        throw new IllegalStateException("cannot pad a token to " + length);
    }

    /** Seeds a chain of {@code n} ECTs directly into the ledger (shadow history); returns the last jti. */
    static String seedChain(HostileServer s, String wid, int n) {
        String prev = null;
        for (int i = 0; i < n; i++) {
            Map<String, Object> c = with(Forge.claims(s.now().minusSeconds(120)), "wid", wid, "exec_act", "step_" + i,
                    "pred", prev == null ? List.of() : List.of(prev));
            prev = s.appendShadow(c).jti();
        }
        return prev;
    }

    // ------------------------------------------------------------------ encoding

    private void encoding() {
        Category c = ENCODING;
        add(c, "no Execution-Context header", 403, "missing_ect", (s, k) -> RawHttp.get("/task").build());
        add(c, "empty value", 403, MALFORMED, (s, k) -> RawHttp.get("/task").line(H + ":").build());
        add(c, "whitespace-only value", 403, MALFORMED, (s, k) -> RawHttp.get("/task").line(H + ":    ").build());
        add(c, "tab-only value", 403, MALFORMED, (s, k) -> RawHttp.get("/task").line(H + ":\t\t").build());
        rej(c, "one part, not base64url JSON", MALFORMED, (s, k) -> "abcdef");
        rej(c, "two parts", MALFORMED, (s, k) -> {
            String[] p = parts(valid(s));
            return p[0] + "." + p[1];
        });
        rej(c, "four parts", MALFORMED, (s, k) -> valid(s) + ".AAAA");
        rej(c, "empty middle part (doubled dot)", MALFORMED, (s, k) -> {
            String[] p = parts(valid(s));
            return p[0] + ".." + p[2];
        });
        rej(c, "empty header part", MALFORMED, (s, k) -> valid(s).substring(valid(s).indexOf('.')));
        rej(c, "trailing dot", MALFORMED, (s, k) -> valid(s) + ".");
        rej(c, "only dots", MALFORMED, (s, k) -> "..");
        rej(c, "standard base64 '+' in the signature", MALFORMED, (s, k) -> {
            String t = valid(s);
            return t.substring(0, t.length() - 2) + "+A";
        });
        rej(c, "standard base64 '/' in the header", MALFORMED, (s, k) -> "/" + valid(s).substring(1));
        rej(c, "padding '=' on the payload", MALFORMED, (s, k) -> {
            String[] p = parts(valid(s));
            return p[0] + "." + p[1] + "==." + p[2];
        });
        rej(c, "padding '=' on the signature", MALFORMED, (s, k) -> valid(s) + "==");
        rej(c, "impossible base64 length (4n+1) in the header", MALFORMED, (s, k) -> {
            String[] p = parts(valid(s));
            StringBuilder h = new StringBuilder(p[0]);
            while (h.length() % 4 != 1) {
                h.append('A');
            }
            return h + "." + p[1] + "." + p[2];
        });
        rej(c, "non-canonical trailing bits in the signature", MALFORMED, (s, k) -> {
            String t = valid(s); // 64 bytes -> 86 chars: the last char carries 4 unused bits
            char last = t.charAt(t.length() - 1);
            char bumped = last == 'A' ? 'B' : (char) (last + 1);
            return t.substring(0, t.length() - 1) + ((bumped & 0x0F) == 0 ? 'B' : bumped);
        });
        rej(c, "percent-encoded dots", MALFORMED, (s, k) -> valid(s).replace(".", "%2E"));
        rej(c, "token in double quotes", MALFORMED, (s, k) -> "\"" + valid(s) + "\"");
        rej(c, "Bearer prefix", MALFORMED, (s, k) -> "Bearer " + valid(s));
        rej(c, "space inside the signature", MALFORMED, (s, k) -> {
            String t = valid(s);
            return t.substring(0, t.length() - 10) + " " + t.substring(t.length() - 10);
        });
        rej(c, "tab inside the payload", MALFORMED, (s, k) -> {
            String t = valid(s);
            int d = t.indexOf('.') + 5;
            return t.substring(0, d) + "\t" + t.substring(d);
        });
        add(c, "non-ASCII (UTF-8 e-acute) appended", 403, MALFORMED,
                (s, k) -> RawHttp.get("/task").headerUtf8(H, valid(s) + "\u00e9").build());
        add(c, "non-ASCII (UTF-8 emoji) inside the header part", 403, MALFORMED, (s, k) -> {
            String t = valid(s);
            return RawHttp.get("/task").headerUtf8(H, t.substring(0, 4) + "\ud83d\ude00" + t.substring(4)).build();
        });
        add(c, "Latin-1 byte 0xFF in the value", 403, MALFORMED,
                (s, k) -> RawHttp.get("/task").ascii(H + ": ").ascii(valid(s)).bytes(new byte[] {(byte) 0xFF}).line("").build());
        add(c, "NUL byte inside the value", 400, null,
                (s, k) -> RawHttp.get("/task").ascii(H + ": ").ascii(valid(s).substring(0, 20)).bytes(new byte[] {0})
                        .ascii(valid(s).substring(20)).line("").build());
        add(c, "control character 0x01 before the token", 400, null,
                (s, k) -> RawHttp.get("/task").ascii(H + ": ").bytes(new byte[] {1}).ascii(valid(s)).line("").build());
        add(c, "NUL byte in the header name", 400, null,
                (s, k) -> RawHttp.get("/task").ascii("Execution-\u0000Context: ").line(valid(s)).build());
        add(c, "bare CR inside the value", 400, null, (s, k) -> {
            String t = valid(s);
            return RawHttp.get("/task").ascii(H + ": " + t.substring(0, 30) + "\r" + t.substring(30)).line("").build();
        });
        add(c, "bare LF smuggling a second header (Jetty splits the line)", 403, "multiple_ects",
                (s, k) -> RawHttp.get("/task").ascii(H + ": " + valid(s) + "\n" + H + ": " + valid(s)).line("").build());
        add(c, "obs-fold: token continued on a folded line", 400, null, (s, k) -> {
            String[] p = parts(valid(s));
            return RawHttp.get("/task").line(H + ": " + p[0] + "." + p[1]).line(" ." + p[2]).build();
        });
        add(c, "obs-fold: whole token on the folded line", 400, null,
                (s, k) -> RawHttp.get("/task").line(H + ":").line("\t" + valid(s)).build());
        add(c, "1 MB value", 431, null, (s, k) -> RawHttp.get("/task").header(H, "A".repeat(1024 * 1024)).build());
        add(c, "value just over the container's header limit", 431, null,
                (s, k) -> RawHttp.get("/task").header(H, "A".repeat(HostileServer.REQUEST_HEADER_SIZE + 1)).build());
        add(c, "3000 small extra header fields", 431, null, (s, k) -> {
            RawHttp.Request r = RawHttp.get("/task");
            for (int i = 0; i < 3000; i++) {
                r.header("X-Pad-" + i, "x");
            }
            return r.header(H, valid(s)).build();
        });
        add(c, "lower-case header name, bad token (no bypass)", 403, MALFORMED,
                (s, k) -> RawHttp.get("/task").header("execution-context", "garbage").build());
        add(c, "upper-case header name, bad token (no bypass)", 403, MALFORMED,
                (s, k) -> RawHttp.get("/task").header("EXECUTION-CONTEXT", "garbage").build());
        add(c, "mixed-case header name, valid token (names are case-insensitive)", 200, null,
                (s, k) -> RawHttp.get("/task").header("eXeCuTiOn-CoNtExT", valid(s)).build());
        add(c, "header repeated with two valid tokens", 403, "multiple_ects",
                (s, k) -> RawHttp.get("/task").header(H, valid(s)).header(H, valid(s)).build());
        add(c, "header repeated with the same token", 403, "multiple_ects", (s, k) -> {
            String t = valid(s);
            return RawHttp.get("/task").header(H, t).header(H, t).build();
        });
        add(c, "header repeated under differently cased names", 403, "multiple_ects",
                (s, k) -> RawHttp.get("/task").header(H, valid(s)).header("execution-context", valid(s)).build());
        add(c, "header repeated, second one empty", 403, "multiple_ects",
                (s, k) -> RawHttp.get("/task").header(H, valid(s)).line(H + ":").build());
        add(c, "header repeated, first one garbage", 403, "multiple_ects",
                (s, k) -> RawHttp.get("/task").header(H, "garbage").header(H, valid(s)).build());
        rej(c, "two tokens comma-joined", "multiple_ects", (s, k) -> valid(s) + "," + valid(s));
        rej(c, "trailing comma", "multiple_ects", (s, k) -> valid(s) + ",");
        rej(c, "comma-joined with spaces", "multiple_ects", (s, k) -> valid(s) + " , " + valid(s));
        add(c, "space before the colon in the header name", 400, null,
                (s, k) -> RawHttp.get("/task").line(H + " : " + valid(s)).build());
        add(c, "underscore instead of dash in the name (not an alias)", 403, "missing_ect",
                (s, k) -> RawHttp.get("/task").header("Execution_Context", valid(s)).build());
        add(c, "look-alike header name with a suffix", 403, "missing_ect",
                (s, k) -> RawHttp.get("/task").header("Execution-Context-X", valid(s)).build());
        add(c, "token only in a chunked-body trailer", 403, "missing_ect", (s, k) -> RawHttp.request("POST", "/task")
                .line("Transfer-Encoding: chunked").line("Trailer: " + H).line("").line("1").line("x").line("0")
                .line(H + ": " + valid(s)).build());
        add(c, "request line with an absolute URI and the token", 200, null,
                (s, k) -> RawHttp.request("GET", "http://127.0.0.1/task").header(H, valid(s)).build());
    }

    // ------------------------------------------------------------------ JSON

    private void json() {
        Category c = JSON;
        rej(c, "duplicate alg in the header", MALFORMED, (s, k) -> Forge.tokenRaw(
                dupJson(Json.write(Forge.header()), "\"alg\":\"none\""), Json.write(Forge.claims(s.now())), trusted()));
        rej(c, "duplicate kid in the header", MALFORMED, (s, k) -> Forge.tokenRaw(
                dupJson(Json.write(Forge.header()), "\"kid\":\"other\""), Json.write(Forge.claims(s.now())), trusted()));
        rej(c, "duplicate typ in the header", MALFORMED, (s, k) -> Forge.tokenRaw(
                dupJson(Json.write(Forge.header()), "\"typ\":\"JWT\""), Json.write(Forge.claims(s.now())), trusted()));
        rej(c, "duplicate iss in the payload", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()),
                dupJson(Json.write(Forge.claims(s.now())), "\"iss\":\"spiffe://evil\""), trusted()));
        rej(c, "duplicate exp in the payload (a later, larger value)", MALFORMED, (s, k) -> Forge.tokenRaw(
                Json.write(Forge.header()), Json.write(Forge.claims(s.now())).replaceFirst("\\}$", ",\"exp\":99999999999}"), trusted()));
        rej(c, "duplicate jti in the payload", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()),
                dupJson(Json.write(Forge.claims(s.now())), "\"jti\":\"" + UUID.randomUUID() + "\""), trusted()));
        rej(c, "duplicate aud via a unicode escape in the name", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()),
                dupJson(Json.write(Forge.claims(s.now())), "\"\\u0061ud\":\"spiffe://evil\""), trusted()));
        tok(c, "nesting 10,000 deep (the container's header limit answers first)", 431, null,
                (s, k) -> signed(with(Forge.claims(s.now()), "deep", Json.raw(nested("[", "]", 10_000, "1")))));
        rej(c, "nesting 3,000 deep (the filter's size gate answers first)", "token_too_large",
                (s, k) -> signed(with(Forge.claims(s.now()), "deep", Json.raw(nested("[", "]", 3_000, "1")))));
        rej(c, "nesting 2,000 deep arrays", MALFORMED,
                (s, k) -> signed(with(Forge.claims(s.now()), "deep", Json.raw(nested("[", "]", 2_000, "1")))));
        rej(c, "nesting 800 deep objects in ect_ext", MALFORMED,
                (s, k) -> signed(with(Forge.claims(s.now()), "ect_ext", Json.raw(nested("{\"a\":", "}", 800, "1")))));
        rej(c, "unbalanced brackets", MALFORMED,
                (s, k) -> signed(with(Forge.claims(s.now()), "deep", Json.raw(nested("[", "", 100, "1")))));
        claim(c, "iat is a 40-digit integer", INVALID_CLAIM, "iat", Json.raw("1" + "0".repeat(39)));
        claim(c, "iat is 1e400 (overflows double)", INVALID_CLAIM, "iat", Json.raw("1e400"));
        claim(c, "exp is -1e400", INVALID_CLAIM, "exp", Json.raw("-1e400"));
        claim(c, "iat is 2^63 (one past long)", INVALID_CLAIM, "iat", Json.raw("9223372036854775808"));
        claim(c, "iat is a fraction", INVALID_CLAIM, "iat", Json.raw("1772366400.5"));
        claim(c, "exp in exponent notation", INVALID_CLAIM, "exp", Json.raw("1.7723664E9"));
        claim(c, "iat is NaN", MALFORMED, "iat", Json.raw("NaN"));
        claim(c, "exp is Infinity", MALFORMED, "exp", Json.raw("Infinity"));
        claim(c, "iat is a numeric string", INVALID_CLAIM, "iat", "1772366400");
        claim(c, "iat is a boolean", INVALID_CLAIM, "iat", true);
        claim(c, "exp is a string", INVALID_CLAIM, "exp", "tomorrow");
        claim(c, "exp is an array", INVALID_CLAIM, "exp", List.of(1));
        claim(c, "iss is a number", "unknown_key", "iss", 42);
        claim(c, "iss is an array of the right issuer", "unknown_key", "iss", List.of(Forge.ISS));
        claim(c, "iss is an object", "unknown_key", "iss", Map.of("id", Forge.ISS));
        claim(c, "iss is null", "unknown_key", "iss", null);
        claim(c, "aud is a number", INVALID_CLAIM, "aud", 7);
        claim(c, "aud is an object", INVALID_CLAIM, "aud", Map.of("id", Forge.AUD));
        claim(c, "aud is an empty array", INVALID_CLAIM, "aud", List.of());
        claim(c, "aud array holds a number", INVALID_CLAIM, "aud", List.of(Forge.AUD, 1));
        claim(c, "aud array holds an empty string", INVALID_CLAIM, "aud", List.of(""));
        claim(c, "aud is null", "missing_claim", "aud", null);
        claim(c, "jti is a number", INVALID_CLAIM, "jti", 12345);
        claim(c, "jti is an array of a UUID", INVALID_CLAIM, "jti", List.of(UUID.randomUUID().toString()));
        claim(c, "wid is a number", INVALID_CLAIM, "wid", 1);
        claim(c, "wid is null", INVALID_CLAIM, "wid", null);
        claim(c, "wid is an array", INVALID_CLAIM, "wid", List.of(UUID.randomUUID().toString()));
        claim(c, "exec_act is a number", INVALID_CLAIM, "exec_act", 3);
        claim(c, "exec_act is an array of strings", INVALID_CLAIM, "exec_act", List.of("review_spec"));
        claim(c, "exec_act is an object", INVALID_CLAIM, "exec_act", Map.of("a", "b"));
        claim(c, "pred is a string where an array belongs", INVALID_CLAIM, "pred", UUID.randomUUID().toString());
        claim(c, "pred holds a number", INVALID_CLAIM, "pred", List.of(1));
        claim(c, "pred holds a nested array", INVALID_CLAIM, "pred", List.of(List.of(UUID.randomUUID().toString())));
        claim(c, "pred is an object", INVALID_CLAIM, "pred", Map.of("0", UUID.randomUUID().toString()));
        claim(c, "pred is null", "missing_claim", "pred", null);
        claim(c, "inp_hash is a number", INVALID_CLAIM, "inp_hash", 5);
        claim(c, "out_hash is an array", INVALID_CLAIM, "out_hash", List.of("LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564"));
        claim(c, "ect_ext is a string", "invalid_ext", "ect_ext", "{\"pol\":\"x\"}");
        claim(c, "ect_ext is an array", "invalid_ext", "ect_ext", List.of(Map.of("pol", "x")));
        claim(c, "ect_ext is null", "invalid_ext", "ect_ext", null);
        claim(c, "nbf is a string", INVALID_CLAIM, "nbf", "now");
        header(c, "typ is an array", "invalid_typ", "typ", List.of("exec+jwt"));
        header(c, "kid is an array", "missing_kid", "kid", List.of(Forge.KID));
        header(c, "alg is an array", "unsupported_alg", "alg", List.of("ES256"));
        rej(c, "payload is a top-level array", MALFORMED,
                (s, k) -> Forge.tokenRaw(Json.write(Forge.header()), "[" + Json.write(Forge.claims(s.now())) + "]", trusted()));
        rej(c, "header is a top-level array", MALFORMED,
                (s, k) -> Forge.tokenRaw("[" + Json.write(Forge.header()) + "]", Json.write(Forge.claims(s.now())), trusted()));
        rej(c, "payload is a JSON string", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()), "\"claims\"", trusted()));
        rej(c, "payload is null", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()), "null", trusted()));
        rej(c, "payload is empty", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()), "", trusted()));
        rej(c, "payload is an empty object", "unknown_key", (s, k) -> Forge.tokenRaw(Json.write(Forge.header()), "{}", trusted()));
        rej(c, "UTF-8 BOM before the payload", MALFORMED,
                (s, k) -> Forge.tokenRaw(Json.write(Forge.header()), "\ufeff" + Json.write(Forge.claims(s.now())), trusted()));
        rej(c, "UTF-8 BOM before the header", MALFORMED,
                (s, k) -> Forge.tokenRaw("\ufeff" + Json.write(Forge.header()), Json.write(Forge.claims(s.now())), trusted()));
        rej(c, "invalid UTF-8 in the payload", MALFORMED, (s, k) -> {
            byte[] p = Json.write(with(Forge.claims(s.now()), "exec_act", "XX")).getBytes(StandardCharsets.UTF_8);
            String text = new String(p, StandardCharsets.ISO_8859_1);
            int at = text.indexOf("XX");
            p[at] = (byte) 0xC0;
            p[at + 1] = (byte) 0xAF; // overlong encoding of '/'
            return Forge.tokenBytes(Json.write(Forge.header()).getBytes(StandardCharsets.UTF_8), p, trusted());
        });
        rej(c, "trailing garbage after the payload object", MALFORMED,
                (s, k) -> Forge.tokenRaw(Json.write(Forge.header()), Json.write(Forge.claims(s.now())) + " x", trusted()));
        rej(c, "two payload objects back to back", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()),
                Json.write(Forge.claims(s.now())) + Json.write(Forge.claims(s.now())), trusted()));
        rej(c, "comment inside the payload", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()),
                Json.write(Forge.claims(s.now())).replaceFirst("\\{", "{/* hi */"), trusted()));
        rej(c, "single-quoted strings", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()),
                Json.write(Forge.claims(s.now())).replace('"', '\''), trusted()));
        rej(c, "unquoted member names", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()),
                Json.write(Forge.claims(s.now())).replace("\"iss\"", "iss"), trusted()));
        rej(c, "trailing comma in the payload object", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()),
                Json.write(Forge.claims(s.now())).replaceFirst("\\}$", ",}"), trusted()));
        rej(c, "leading comma in the payload object", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()),
                Json.write(Forge.claims(s.now())).replaceFirst("\\{", "{,"), trusted()));
        rej(c, "double comma between members", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()),
                Json.write(Forge.claims(s.now())).replaceFirst(",", ",,"), trusted()));
        rej(c, "missing colon after a member name", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()),
                Json.write(Forge.claims(s.now())).replace("\"exec_act\":", "\"exec_act\" "), trusted()));
        rej(c, "missing comma between members", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()),
                Json.write(Forge.claims(s.now())).replace(",\"exec_act\"", " \"exec_act\""), trusted()));
        rej(c, "trailing comma in the pred array", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()),
                Json.write(Forge.claims(s.now())).replace("\"pred\":[]", "\"pred\":[\"" + UUID.randomUUID() + "\",]"), trusted()));
        rej(c, "elided array element in pred", MALFORMED, (s, k) -> Forge.tokenRaw(Json.write(Forge.header()),
                Json.write(Forge.claims(s.now())).replace("\"pred\":[]", "\"pred\":[,]"), trusted()));
        claim(c, "number with a leading zero", MALFORMED, "x_num", Json.raw("0123"));
        claim(c, "raw control character inside a string", MALFORMED, "exec_act", Json.raw("\"review\u0001spec\""));
        claim(c, "invalid escape inside a string", MALFORMED, "exec_act", Json.raw("\"review\\xspec\""));
        claim(c, "truncated unicode escape", MALFORMED, "exec_act", Json.raw("\"review\\u00\""));
    }

    // ------------------------------------------------------------------ JOSE

    private void jose() {
        Category c = JOSE;
        for (String none : List.of("none", "None", "NONE", "nOnE")) {
            rej(c, "alg " + none + " with an empty signature", "unsupported_alg",
                    (s, k) -> Forge.token(Forge.header(none), Forge.claims(s.now()), Forge.fixed(new byte[0])));
        }
        rej(c, "alg none with a valid ES256 signature attached", "unsupported_alg",
                (s, k) -> Forge.token(Forge.header("none"), Forge.claims(s.now()), trusted()));
        rej(c, "HS256 keyed with the public key (SPKI DER)", "unsupported_alg", (s, k) -> Forge.token(Forge.header("HS256"),
                Forge.claims(s.now()), Forge.hs256(Forge.TRUSTED.publicKey().getEncoded())));
        rej(c, "HS256 keyed with the public JWK text", "unsupported_alg", (s, k) -> Forge.token(Forge.header("HS256"),
                Forge.claims(s.now()), Forge.hs256(Forge.TRUSTED.publicJwk().getBytes(StandardCharsets.UTF_8))));
        rej(c, "HS512 keyed with the public JWKS text", "unsupported_alg", (s, k) -> Forge.token(Forge.header("HS512"),
                Forge.claims(s.now()), Forge.hs256(Forge.TRUSTED.publicJwks().getBytes(StandardCharsets.UTF_8))));
        rej(c, "RS256 (never allowed)", "unsupported_alg",
                (s, k) -> Forge.token(Forge.header("RS256"), Forge.claims(s.now()), Forge.rs256(Forge.RSA.getPrivate())));
        rej(c, "PS256 (not on this allowlist)", "unsupported_alg",
                (s, k) -> Forge.token(Forge.header("PS256"), Forge.claims(s.now()), Forge.ps256(Forge.RSA.getPrivate())));
        rej(c, "ES384 (not on this allowlist)", "unsupported_alg",
                (s, k) -> Forge.token(Forge.header("ES384"), Forge.claims(s.now()), trusted()));
        rej(c, "EdDSA (not on this allowlist)", "unsupported_alg",
                (s, k) -> Forge.token(Forge.header("EdDSA"), Forge.claims(s.now()), trusted()));
        header(c, "alg es256 in lower case", "unsupported_alg", "alg", "es256");
        header(c, "alg with a trailing space", "unsupported_alg", "alg", "ES256 ");
        header(c, "alg missing", "unsupported_alg", "alg", Forge.REMOVE);
        header(c, "alg is a number", "unsupported_alg", "alg", 256);
        header(c, "alg is null", "unsupported_alg", "alg", null);
        header(c, "typ missing", "invalid_typ", "typ", Forge.REMOVE);
        header(c, "typ JWT", "invalid_typ", "typ", "JWT");
        header(c, "typ at+jwt (an access token)", "invalid_typ", "typ", "at+jwt");
        header(c, "typ with a trailing space", "invalid_typ", "typ", "exec+jwt ");
        header(c, "crit naming exp", "unsupported_header", "crit", List.of("exp"));
        header(c, "crit empty", "unsupported_header", "crit", List.of());
        header(c, "b64 false (RFC 7797 unencoded payload)", "unsupported_header", "b64", false);
        header(c, "b64 as the string \"false\"", "unsupported_header", "b64", "false");
        rej(c, "embedded jwk of the attacker, signed by the attacker, trusted kid", "invalid_signature", (s, k) -> {
            Map<String, Object> h = Forge.header();
            h.put("jwk", Json.raw(Forge.UNTRUSTED.publicJwk()));
            return Forge.token(h, Forge.claims(s.now()), Forge.es256(Forge.UNTRUSTED.privateKey()));
        });
        rej(c, "embedded jwk of the attacker under an unknown kid", "unknown_key", (s, k) -> {
            Map<String, Object> h = with(Forge.header(), "kid", "attacker-1");
            h.put("jwk", Json.raw(Forge.UNTRUSTED.publicJwk()));
            return Forge.token(h, Forge.claims(s.now()), Forge.es256(Forge.UNTRUSTED.privateKey()));
        });
        rej(c, "jku pointing at a listener, unknown kid (no fetch)", "unknown_key", (s, k) -> Forge.token(
                with(Forge.header(), "kid", "attacker-2", "jku", k.url("/jwks.json")), Forge.claims(s.now()),
                Forge.es256(Forge.UNTRUSTED.privateKey())));
        rej(c, "jku pointing at a listener, trusted kid (no fetch)", "invalid_signature", (s, k) -> Forge.token(
                with(Forge.header(), "jku", k.url("/jwks.json")), Forge.claims(s.now()), Forge.es256(Forge.UNTRUSTED.privateKey())));
        rej(c, "x5u pointing at a listener (no fetch)", "unknown_key", (s, k) -> Forge.token(
                with(Forge.header(), "kid", "attacker-3", "x5u", k.url("/cert.pem")), Forge.claims(s.now()),
                Forge.es256(Forge.UNTRUSTED.privateKey())));
        rej(c, "jku to a file: URL", "unknown_key", (s, k) -> Forge.token(
                with(Forge.header(), "kid", "attacker-4", "jku", "file:///etc/passwd"), Forge.claims(s.now()),
                Forge.es256(Forge.UNTRUSTED.privateKey())));
        rej(c, "x5c with an attacker certificate chain", "invalid_signature", (s, k) -> Forge.token(
                with(Forge.header(), "x5c", List.of(Forge.b64(Forge.UNTRUSTED.publicKey().getEncoded()))), Forge.claims(s.now()),
                Forge.es256(Forge.UNTRUSTED.privateKey())));
        header(c, "kid with path traversal", "unknown_key", "kid", "../../../../etc/passwd");
        header(c, "kid naming a device file", "unknown_key", "kid", "/dev/zero");
        header(c, "kid with SQL injection", "unknown_key", "kid", "' OR '1'='1' --");
        header(c, "kid of 4 KB", "unknown_key", "kid", "k".repeat(4096));
        header(c, "kid of 10 KB (the size gate answers first)", "token_too_large", "kid", "k".repeat(10 * 1024));
        header(c, "kid with a NUL character", "unknown_key", "kid", "a-1\u0000");
        header(c, "kid differing only in case", "unknown_key", "kid", "A-1");
        header(c, "kid empty", "missing_kid", "kid", "");
        header(c, "kid missing", "missing_kid", "kid", Forge.REMOVE);
        header(c, "kid is a number", "missing_kid", "kid", 1);
        rej(c, "key of another issuer under the same kid", "invalid_signature",
                (s, k) -> Forge.token(Forge.header(), Forge.claims(s.now()), Forge.es256(Forge.OTHER_ISSUER.privateKey())));
        rej(c, "other issuer's token signed with this issuer's key", "invalid_signature",
                (s, k) -> Forge.token(Forge.header(), with(Forge.claims(s.now()), "iss", Forge.OTHER_ISS), trusted()));
        rej(c, "issuer nobody trusts", "unknown_key",
                (s, k) -> signed(with(Forge.claims(s.now()), "iss", "spiffe://evil.example/agent")));
        rej(c, "issuer missing", "unknown_key", (s, k) -> {
            Map<String, Object> cl = Forge.claims(s.now());
            cl.remove("iss");
            return signed(cl);
        });
        rej(c, "signature of 63 bytes", "invalid_signature",
                (s, k) -> Forge.token(Forge.header(), Forge.claims(s.now()), Forge.fixed(new byte[63])));
        rej(c, "signature of 65 bytes", "invalid_signature", (s, k) -> Forge.token(Forge.header(), Forge.claims(s.now()), in -> {
            byte[] sig = trusted().sign(in);
            return Arrays.copyOf(sig, 65);
        }));
        rej(c, "signature part empty", "invalid_signature",
                (s, k) -> Forge.token(Forge.header(), Forge.claims(s.now()), Forge.fixed(new byte[0])));
        rej(c, "DER-encoded ECDSA signature", "invalid_signature",
                (s, k) -> Forge.token(Forge.header(), Forge.claims(s.now()), Forge.es256Der(Forge.TRUSTED.privateKey())));
        rej(c, "r = 0 and s = 0 (CVE-2022-21449)", "invalid_signature",
                (s, k) -> Forge.token(Forge.header(), Forge.claims(s.now()), Forge.fixed(new byte[64])));
        rej(c, "r = 0 with a real s", "invalid_signature", (s, k) -> Forge.token(Forge.header(), Forge.claims(s.now()), in -> {
            byte[] sig = trusted().sign(in);
            Arrays.fill(sig, 0, 32, (byte) 0);
            return sig;
        }));
        rej(c, "r = n, s = 1", "invalid_signature", (s, k) -> Forge.token(Forge.header(), Forge.claims(s.now()),
                Forge.fixed(Forge.rs(Forge.p256Order(), BigInteger.ONE))));
        rej(c, "r = 1, s = n", "invalid_signature", (s, k) -> Forge.token(Forge.header(), Forge.claims(s.now()),
                Forge.fixed(Forge.rs(BigInteger.ONE, Forge.p256Order()))));
        rej(c, "r = n + r of a real signature (>= n)", "invalid_signature", (s, k) -> Forge.token(Forge.header(),
                Forge.claims(s.now()), in -> {
                    byte[] sig = trusted().sign(in);
                    BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig, 0, 32));
                    BigInteger sv = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
                    BigInteger big = r.add(Forge.p256Order());
                    return big.bitLength() > 256 ? Forge.rs(BigInteger.TWO.pow(256).subtract(BigInteger.ONE), sv) : Forge.rs(big, sv);
                }));
        rej(c, "r and s all ones (2^256 - 1)", "invalid_signature", (s, k) -> Forge.token(Forge.header(), Forge.claims(s.now()),
                Forge.fixed(Forge.rs(BigInteger.TWO.pow(256).subtract(BigInteger.ONE), BigInteger.TWO.pow(256).subtract(BigInteger.ONE)))));
        rej(c, "signature transplanted from another valid token", "invalid_signature", (s, k) -> {
            String[] a = parts(valid(s));
            String[] b = parts(valid(s));
            return a[0] + "." + a[1] + "." + b[2];
        });
        rej(c, "header re-encoded after signing (typ case changed)", "invalid_signature", (s, k) -> {
            String[] p = parts(valid(s));
            return b64(Json.write(with(Forge.header(), "typ", "EXEC+JWT"))) + "." + p[1] + "." + p[2];
        });
        rej(c, "payload swapped after signing (same length)", "invalid_signature", (s, k) -> {
            String[] p = parts(valid(s));
            return p[0] + "." + b64(Json.write(Forge.claims(s.now()))) + "." + p[2];
        });
        rej(c, "signature stripped to L1 (level downgrade)", "level_below_minimum",
                (s, k) -> b64(Json.write(Forge.claims(s.now()))));
    }

    // ------------------------------------------------------------------ claims

    private void claims() {
        Category c = CLAIMS;
        for (String name : List.of("aud", "iat", "exp", "jti", "exec_act", "pred")) {
            claim(c, name + " missing", "missing_claim", name, Forge.REMOVE);
        }
        claim(c, "iss empty", "unknown_key", "iss", "");
        claim(c, "jti not a UUID", INVALID_CLAIM, "jti", "task-1");
        claim(c, "jti UUID in braces", INVALID_CLAIM, "jti", "{" + UUID.randomUUID() + "}");
        claim(c, "jti UUID without dashes", INVALID_CLAIM, "jti", UUID.randomUUID().toString().replace("-", ""));
        claim(c, "jti with a trailing newline", INVALID_CLAIM, "jti", UUID.randomUUID() + "\n");
        claim(c, "wid not a UUID", INVALID_CLAIM, "wid", "workflow-7");
        claim(c, "exec_act empty", INVALID_CLAIM, "exec_act", "");
        claim(c, "pred with a repeated entry", INVALID_CLAIM, "pred", List.of("6f1c1c8e-2b7a-4c55-9a51-0f2c4d8e9a10",
                "6f1c1c8e-2b7a-4c55-9a51-0f2c4d8e9a10"));
        claim(c, "pred entries differing only in case", INVALID_CLAIM, "pred", List.of("6f1c1c8e-2b7a-4c55-9a51-0f2c4d8e9a10",
                "6F1C1C8E-2B7A-4C55-9A51-0F2C4D8E9A10"));
        rej(c, "pred contains the token's own jti", INVALID_CLAIM, (s, k) -> {
            Map<String, Object> cl = Forge.claims(s.now());
            cl.put("pred", List.of(cl.get("jti")));
            return signed(cl);
        });
        claim(c, "pred entry not a UUID", INVALID_CLAIM, "pred", List.of("task-0"));
        claim(c, "inp_hash in the old prefixed form", INVALID_CLAIM, "inp_hash", "sha-256:n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg");
        claim(c, "inp_hash of 42 characters", INVALID_CLAIM, "inp_hash", "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCg");
        claim(c, "out_hash padded with '='", INVALID_CLAIM, "out_hash", "LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564=");
        claim(c, "out_hash with non-zero trailing bits", INVALID_CLAIM, "out_hash", "LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm565");
        claim(c, "out_hash in hex", INVALID_CLAIM, "out_hash", "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
        claim(c, "legacy -00 claim par", "legacy_claim", "par", List.of());
        claim(c, "legacy -00 claim ext", "legacy_claim", "ext", Map.of("a", 1));
        claim(c, "C-11a: sub (another agent's id) is ignored, not legacy", null, "sub", "spiffe://example.com/agent/someone-else");
        claim(c, "legacy -00 claim pol", "legacy_claim", "pol", "policy_v1");
        claim(c, "legacy -00 claim pol_decision", "legacy_claim", "pol_decision", "approved");
        claim(c, "aud names another verifier", "audience_mismatch", "aud", "spiffe://example.com/agent/c");
        claim(c, "aud array without this verifier", "audience_mismatch", "aud", List.of("spiffe://example.com/agent/c",
                "spiffe://example.com/agent/d"));
        claim(c, "aud differing only in case", "audience_mismatch", "aud", Forge.AUD.toUpperCase(java.util.Locale.ROOT));
        claim(c, "aud with a trailing slash", "audience_mismatch", "aud", Forge.AUD + "/");
        claim(c, "aud empty string", INVALID_CLAIM, "aud", "");
        rej(c, "exp equal to iat", INVALID_CLAIM, (s, k) -> signed(with(Forge.claims(s.now()), "exp", s.now().getEpochSecond())));
        rej(c, "exp before iat", INVALID_CLAIM, (s, k) -> signed(with(Forge.claims(s.now()), "exp", s.now().getEpochSecond() - 1)));
    }

    // ------------------------------------------------------------------ time (the server's clock is moved)

    private void time() {
        Category c = TIME;
        add(c, "exp exactly at now - skew (clock moved)", 403, "expired", (s, k) -> {
            String t = valid(s); // exp = now + 600
            s.clock.advance(Duration.ofSeconds(600 + SKEW));
            return req(t);
        });
        add(c, "exp one second inside the skew (clock moved)", 200, null, (s, k) -> {
            String t = valid(s);
            s.clock.advance(Duration.ofSeconds(600 + SKEW - 1));
            return req(t);
        });
        add(c, "exp one hour past (clock moved)", 403, "expired", (s, k) -> {
            String t = valid(s);
            s.clock.advance(Duration.ofSeconds(600 + 3600));
            return req(t);
        });
        tok(c, "iat exactly max-future (30 s) ahead", 200, null,
                (s, k) -> signed(with(Forge.claims(s.now().plusSeconds(SKEW)))));
        rej(c, "iat one second beyond max-future", "iat_in_future", (s, k) -> signed(Forge.claims(s.now().plusSeconds(SKEW + 1))));
        rej(c, "iat a year ahead", "iat_in_future", (s, k) -> signed(Forge.claims(s.now().plus(Duration.ofDays(365)))));
        tok(c, "iat exactly max-age (15 min) old", 200, null, (s, k) -> signed(with(Forge.claims(s.now().minus(Duration.ofMinutes(15))),
                "exp", s.now().getEpochSecond() + 600)));
        rej(c, "iat one second older than max-age", "iat_too_old", (s, k) -> signed(with(
                Forge.claims(s.now().minus(Duration.ofMinutes(15)).minusSeconds(1)), "exp", s.now().getEpochSecond() + 600)));
        tok(c, "nbf exactly skew ahead", 200, null, (s, k) -> signed(with(Forge.claims(s.now()), "nbf", s.now().getEpochSecond() + SKEW)));
        rej(c, "nbf one second beyond the skew", INVALID_CLAIM,
                (s, k) -> signed(with(Forge.claims(s.now()), "nbf", s.now().getEpochSecond() + SKEW + 1)));
        claim(c, "nbf is Long.MAX_VALUE", INVALID_CLAIM, "nbf", Long.MAX_VALUE);
        claim(c, "nbf is Long.MIN_VALUE", INVALID_CLAIM, "nbf", Long.MIN_VALUE);
        claim(c, "iat negative", INVALID_CLAIM, "iat", -1L);
        claim(c, "iat is Long.MAX_VALUE", INVALID_CLAIM, "iat", Long.MAX_VALUE);
        claim(c, "exp in the year 10000", INVALID_CLAIM, "exp", 253402300800L);
        claim(c, "iat at the epoch", "iat_too_old", "iat", 0L);
        claim(c, "exp at the epoch", "invalid_claim", "exp", 0L);
    }

    // ------------------------------------------------------------------ DAG (predecessors seeded through the same verifier)

    private void dag() {
        Category c = DAG;
        rej(c, "unknown predecessor (false parent)", "dag_unknown_predecessor",
                (s, k) -> signed(with(Forge.claims(s.now()), "pred", List.of(UUID.randomUUID().toString()))));
        rej(c, "one of three predecessors unknown", "dag_unknown_predecessor", (s, k) -> {
            Map<String, Object> child = Forge.claims(s.now());
            Ect a = s.seed(with(Forge.claims(s.now()), "wid", child.get("wid")));
            Ect b = s.seed(with(Forge.claims(s.now()), "wid", child.get("wid")));
            return signed(with(child, "pred", List.of(a.jti(), UUID.randomUUID().toString(), b.jti())));
        });
        rej(c, "predecessor from another workflow", "dag_workflow_mismatch", (s, k) -> {
            Ect p = s.seed(Forge.claims(s.now()));
            return signed(with(Forge.claims(s.now()), "pred", List.of(p.jti())));
        });
        rej(c, "predecessor without a workflow, child with one", "dag_workflow_mismatch", (s, k) -> {
            Map<String, Object> pc = Forge.claims(s.now());
            pc.remove("wid");
            Ect p = s.seed(pc);
            return signed(with(Forge.claims(s.now()), "pred", List.of(p.jti())));
        });
        rej(c, "predecessor issued more than the skew after its child", "dag_temporal_violation", (s, k) -> {
            Map<String, Object> child = Forge.claims(s.now().minusSeconds(1));
            Ect p = s.seed(with(Forge.claims(s.now().plusSeconds(SKEW)), "wid", child.get("wid")));
            return signed(with(child, "pred", List.of(p.jti())));
        });
        tok(c, "predecessor issued exactly the skew after its child", 200, null, (s, k) -> {
            Map<String, Object> child = Forge.claims(s.now());
            Ect p = s.seed(with(Forge.claims(s.now().plusSeconds(SKEW)), "wid", child.get("wid")));
            return signed(with(child, "pred", List.of(p.jti())));
        });
        rej(c, "jti of a stored ECT reused with other claims", "dag_duplicate_jti", (s, k) -> {
            Ect p = s.seed(Forge.claims(s.now()));
            return signed(with(Forge.claims(s.now()), "jti", p.jti(), "wid", p.wid(), "exec_act", "something_else"));
        });
        rej(c, "cycle through a shadow entry in the store", "dag_cycle", (s, k) -> {
            Map<String, Object> child = Forge.claims(s.now());
            Ect shadow = s.appendShadow(with(Forge.claims(s.now().minusSeconds(10)), "wid", child.get("wid"),
                    "exec_act", "shadow", "pred", List.of(child.get("jti"))));
            return signed(with(child, "pred", List.of(shadow.jti())));
        });
        tok(c, "ancestor chain exactly at the walk bound (" + MAX_ANCESTORS + ")", 200, null, (s, k) -> {
            Map<String, Object> child = Forge.claims(s.now());
            String last = seedChain(s, (String) child.get("wid"), MAX_ANCESTORS);
            return signed(with(child, "pred", List.of(last)));
        });
        rej(c, "ancestor chain one past the walk bound", "dag_too_deep", (s, k) -> {
            Map<String, Object> child = Forge.claims(s.now());
            String last = seedChain(s, (String) child.get("wid"), MAX_ANCESTORS + 1);
            return signed(with(child, "pred", List.of(last)));
        });
        rej(c, "child of a task whose policy decision was rejected", "dag_policy_violation", (s, k) -> {
            Map<String, Object> child = Forge.claims(s.now());
            Ect p = s.seed(with(Forge.claims(s.now()), "wid", child.get("wid"), "ect_ext", Map.of("pol_decision", "rejected")));
            return signed(with(child, "pred", List.of(p.jti())));
        });
        rej(c, "predecessor that was itself rejected earlier", "dag_unknown_predecessor", (s, k) -> {
            Map<String, Object> child = Forge.claims(s.now());
            Map<String, Object> bad = with(Forge.claims(s.now()), "wid", child.get("wid"), "aud", "spiffe://elsewhere");
            int status = s.sendToken(signed(bad)).status();
            if (status != 403) {
                throw new IllegalStateException("setup: the bad predecessor was not rejected: " + status);
            }
            return signed(with(child, "pred", List.of(bad.get("jti"))));
        });
    }

    // ------------------------------------------------------------------ replay

    private void replay() {
        Category c = REPLAY;
        add(c, "the same token twice", 403, "replay", (s, k) -> {
            String t = valid(s);
            s.acceptDirect(t);
            return req(t);
        });
        add(c, "again under a lower-case header name", 403, "replay", (s, k) -> {
            String t = valid(s);
            s.acceptDirect(t);
            return RawHttp.get("/task").header("execution-context", t).build();
        });
        add(c, "again with surrounding whitespace", 403, "replay", (s, k) -> {
            String t = valid(s);
            s.acceptDirect(t);
            return RawHttp.get("/task").line(H + ":   " + t + "\t ").build();
        });
        add(c, "again on another path", 403, "replay", (s, k) -> {
            String t = valid(s);
            s.acceptDirect(t);
            return RawHttp.get("/other/path?x=1").header(H, t).build();
        });
        add(c, "again with a malleated signature (r, n - s)", 403, "replay", (s, k) -> {
            String t = valid(s);
            s.acceptDirect(t);
            return req(Forge.malleate(t));
        });
        add(c, "same claims re-signed (a new signature)", 403, "replay", (s, k) -> {
            Map<String, Object> cl = Forge.claims(s.now());
            s.acceptDirect(signed(cl));
            return req(signed(cl));
        });
        add(c, "same jti and wid, other claims", 403, "dag_duplicate_jti", (s, k) -> {
            Map<String, Object> cl = Forge.claims(s.now());
            s.acceptDirect(signed(cl));
            return req(signed(with(new LinkedHashMap<>(cl), "exec_act", "other_action")));
        });
        add(c, "same jti in another workflow (per-workflow uniqueness)", 200, null, (s, k) -> {
            Map<String, Object> cl = Forge.claims(s.now());
            s.acceptDirect(signed(cl));
            return req(signed(with(new LinkedHashMap<>(cl), "wid", UUID.randomUUID().toString())));
        });
        add(c, "again just before the replay entry may expire (clock moved)", 403, "replay", (s, k) -> {
            String t = valid(s);
            s.acceptDirect(t);
            s.clock.advance(Duration.ofSeconds(600 + SKEW - 1));
            return req(t);
        });
        add(c, "again after the token expired (clock moved)", 403, "expired", (s, k) -> {
            String t = valid(s);
            s.acceptDirect(t);
            s.clock.advance(Duration.ofSeconds(600 + SKEW));
            return req(t);
        });
        add(c, "the same token twice in a row over HTTP", 403, "replay", (s, k) -> {
            String t = valid(s);
            int first = s.sendToken(t).status();
            if (first != 200) {
                throw new IllegalStateException("setup: first presentation answered " + first);
            }
            return req(t);
        });
        add(c, "first refused as too early, then accepted once valid (no jti consumed by a rejection)", 200, null, (s, k) -> {
            String t = signed(Forge.claims(s.now().plusSeconds(SKEW + 5)));
            int first = s.sendToken(t).status();
            if (first != 403) {
                throw new IllegalStateException("setup: an early token answered " + first);
            }
            s.clock.advance(Duration.ofSeconds(10));
            return req(t);
        });
    }

    // ------------------------------------------------------------------ bounds (each limit at its edge)

    private void bounds() {
        Category c = BOUNDS;
        tok(c, "token of exactly 8192 bytes (maxTokenBytes)", 200, null, (s, k) -> paddedTo(s, 8192));
        rej(c, "token of 8193 bytes", "token_too_large", (s, k) -> paddedTo(s, 8193));
        rej(c, "token of 16,000 bytes (under the container limit)", "token_too_large", (s, k) -> paddedTo(s, 16_000));
        tok(c, "exactly 100 predecessors, all known (maxPred)", 200, null, (s, k) -> {
            Map<String, Object> child = Forge.claims(s.now());
            List<String> preds = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                preds.add(s.seed(with(Forge.claims(s.now()), "wid", child.get("wid"))).jti());
            }
            return signed(with(child, "pred", preds));
        });
        claim(c, "101 predecessors", "pred_limit_exceeded", "pred", Forge.uuids(101));
        claim(c, "ect_ext of exactly 4096 bytes", null, "ect_ext", Map.of("pad", "x".repeat(4096 - 10)));
        claim(c, "ect_ext of 4097 bytes", "invalid_ext", "ect_ext", Map.of("pad", "x".repeat(4096 - 9)));
        claim(c, "ect_ext of depth 5", null, "ect_ext", Json.raw(nested("{\"a\":", "}", 5, "1")));
        claim(c, "ect_ext of depth 6", "invalid_ext", "ect_ext", Json.raw(nested("{\"a\":", "}", 6, "1")));
        claim(c, "exec_act of exactly 256 characters", null, "exec_act", "a".repeat(256));
        claim(c, "exec_act of 257 characters", INVALID_CLAIM, "exec_act", "a".repeat(257));
        claim(c, "exec_act of 256 astral characters (512 UTF-16 units)", null, "exec_act", "\ud83d\ude00".repeat(256));
        claim(c, "JSON nesting exactly at the parse bound (32)", null, "deep", Json.raw(nested("[", "]", 31, "1")));
        claim(c, "JSON nesting one past the parse bound (33)", MALFORMED, "deep", Json.raw(nested("[", "]", 32, "1")));
    }
}

package dev.ect.core.internal;

import dev.ect.core.Ect;
import dev.ect.core.EctError;
import dev.ect.core.EctHashes;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSettings;
import dev.ect.core.ReasonCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The claim rules of profile section 2.2 (V-09, V-10; C-01..C-12) applied to a parsed claims
 * object. Shared by the verifier and by minting (M-07), so both reject with the same reason codes.
 * Each check names its rule id in the error it raises.
 */
public final class ClaimRules {
    /** C-10: largest serialized ect_ext in bytes. */
    public static final int MAX_EXT_BYTES = 4096;
    /** C-10: deepest ect_ext (the object itself is depth 1). */
    public static final int MAX_EXT_DEPTH = 5;
    /** Largest NumericDate accepted (9999-12-31T23:59:59Z), for iat, exp and nbf. */
    static final long MAX_NUMERIC_DATE = ClaimValues.MAX_NUMERIC_DATE;
    /** C-07: longest exec_act, in characters. */
    public static final int MAX_EXEC_ACT = dev.ect.core.EctText.MAX_EXEC_ACT;

    /**
     * C-11: -00 names and their -01 replacements. {@code sub} is not among them (C-11a): it is
     * ignored like any other unknown claim (C-13), since other ECT emitters and the Agent Context
     * Token draft send it; it carries no authority here (the key is bound to {@code iss}).
     */
    private static final String[] LEGACY = {"par", "ext", "pol", "pol_decision"};
    private static final String[] LEGACY_REPLACEMENT = {"pred", "ect_ext", "ect_ext.pol", "ect_ext.pol_decision"};

    /** Stands for a {@code pred} entry that is not a JSON string: never a task id. */
    private static final String NOT_A_STRING = "";

    private ClaimRules() {}

    /**
     * Reads the claims object of a token into an {@link Ect} (with the given header values) and
     * checks the claim rules: each claim's presence and JSON type here, in the order of section
     * 2.2, then every format rule on the typed values ({@link #check}).
     *
     * @throws EctRejectedException {@code missing_claim}, {@code invalid_claim}, {@code invalid_ext},
     *     {@code pred_limit_exceeded} or {@code legacy_claim}
     */
    public static Ect toEct(Map<String, Object> claims, String typ, String alg, String kid, EctSettings s) {
        Map<String, Object> c = legacy(claims, s.legacyClaims()); // C-11 first: names the -01 replacement
        String iss = requiredString(c, "iss", "C-01");
        List<String> aud = audience(c.get("aud"));
        long iat = numericDate(c, "iat", "C-03");
        long exp = numericDate(c, "exp", "C-04");
        String jti = requiredString(c, "jti", "C-05");
        String execAct = requiredString(c, "exec_act", "C-07");
        Object predRaw = c.get("pred");
        if (predRaw == null) {
            throw fail(ReasonCode.MISSING_CLAIM, "C-08", "pred is required (use [] for a root task)");
        }
        if (!(predRaw instanceof List<?> predList)) {
            throw fail(ReasonCode.INVALID_CLAIM, "C-08", "pred must be an array of strings");
        }
        String wid = optionalString(c, "wid", "C-06");
        String inpHash = optionalString(c, "inp_hash", "C-09");
        String outHash = optionalString(c, "out_hash", "C-09");
        Object extRaw = c.get("ect_ext");
        if (c.containsKey("ect_ext") && !(extRaw instanceof Map)) {
            throw fail(ReasonCode.INVALID_EXT, "C-10", "ect_ext must be a JSON object");
        }
        if (c.containsKey("nbf")) {
            if (!isIntegral(c.get("nbf"))) {
                throw fail(ReasonCode.INVALID_CLAIM, "C-12", "nbf must be an integer NumericDate");
            }
            long nbf = ((Number) c.get("nbf")).longValue();
            if (nbf < 0 || nbf > MAX_NUMERIC_DATE) { // as for iat/exp: keeps Instant arithmetic safe
                throw fail(ReasonCode.INVALID_CLAIM, "C-12", "nbf is out of range");
            }
        }
        List<String> pred = new ArrayList<>(predList.size());
        for (Object p : predList) {
            // a non-string entry fails check()'s task-id format test at its place in the order
            pred.add(p instanceof String ps ? ps : NOT_A_STRING);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> ext = (Map<String, Object>) extRaw;
        Ect e = Ect.builder().typ(typ).alg(alg).kid(kid).iss(iss).aud(aud)
                .iat(Instant.ofEpochSecond(iat)).exp(Instant.ofEpochSecond(exp)).jti(jti).wid(wid)
                .execAct(execAct).pred(pred).inpHash(inpHash).outHash(outHash).ext(ext).build();
        check(e, s);
        return e;
    }

    /**
     * As {@link #toEct(Map, String, String, String, EctSettings)} for claims read straight into
     * typed values ({@link ClaimValues}: their presence and JSON types are already those the map
     * path requires, so only the format rules are left).
     */
    static Ect toEct(ClaimValues c, String typ, String alg, String kid, EctSettings s) {
        Ect.Builder b = Ect.builder().typ(typ).alg(alg).kid(kid).iss(c.iss).aud(c.aud)
                .iat(Instant.ofEpochSecond(c.iat)).exp(Instant.ofEpochSecond(c.exp)).jti(c.jti).wid(c.wid)
                .execAct(c.execAct).pred(c.pred).inpHash(c.inpHash).outHash(c.outHash);
        // the parser's own objects: made read-only in place (once) rather than copied
        if (c.ext != null && !c.extFrozen) {
            c.ext = EctFactory.freezeInPlace(c.ext);
            c.extFrozen = true;
        }
        Ect e = (c.ext == null ? b : EctFactory.frozenExt(b, c.ext)).build();
        check(e, s);
        return e;
    }

    /**
     * The claim rules on an ECT's typed values (C-01..C-10; M-07 for a completed draft): each
     * required claim present and non-empty, then the formats (V-10). The first rule broken decides
     * the reason code, in the order {@link #toEct} checks them.
     *
     * @throws EctRejectedException {@code missing_claim}, {@code invalid_claim}, {@code invalid_ext}
     *     or {@code pred_limit_exceeded}
     */
    public static void check(Ect e, EctSettings s) { check(e, s, true); }

    /**
     * {@link #check(Ect, EctSettings)}, with or without the C-10 checks of {@code ect_ext} (the
     * last rules checked): without them, the caller applies {@link #checkExt} to the depth and
     * size it measured while writing the object (minting: one pass over the object, not three).
     */
    public static void check(Ect e, EctSettings s, boolean ext) {
        required(e.iss(), "iss", "C-01");
        List<String> aud = e.aud();
        if (aud.isEmpty()) {
            throw fail(ReasonCode.MISSING_CLAIM, "C-02", "aud is required");
        }
        for (String a : aud) {
            if (a.isEmpty()) {
                throw fail(ReasonCode.INVALID_CLAIM, "C-02", aud.size() == 1 ? "aud must not be empty"
                        : "aud entries must be non-empty strings");
            }
        }
        long iat = date(e.iat(), "iat", "C-03");
        long exp = date(e.exp(), "exp", "C-04");
        String jti = required(e.jti(), "jti", "C-05");
        String execAct = required(e.execAct(), "exec_act", "C-07");
        // V-10: formats
        if (exp <= iat) {
            throw fail(ReasonCode.INVALID_CLAIM, "C-04", "exp must be after iat");
        }
        if (!Uuids.isCanonical(jti)) {
            throw fail(ReasonCode.INVALID_CLAIM, "C-05", "jti must be a UUID in 8-4-4-4-12 form");
        }
        String wid = e.wid();
        if (wid != null && !Uuids.isCanonical(wid)) {
            throw fail(ReasonCode.INVALID_CLAIM, "C-06", "wid must be a UUID in 8-4-4-4-12 form");
        }
        int actLen = execAct.codePointCount(0, execAct.length());
        if (actLen == 0 || actLen > MAX_EXEC_ACT) {
            throw fail(ReasonCode.INVALID_CLAIM, "C-07", "exec_act must have 1 to " + MAX_EXEC_ACT + " characters");
        }
        List<String> pred = e.pred();
        if (pred.size() > s.maxPred()) {
            throw fail(ReasonCode.PRED_LIMIT_EXCEEDED, "C-08", "pred has " + pred.size() + " entries, more than " + s.maxPred());
        }
        // duplicates, ignoring case: pairwise for the usual few entries, a set beyond that
        Set<String> seen = pred.size() > 16 ? new HashSet<>() : null;
        for (int k = 0; k < pred.size(); k++) {
            String ps = pred.get(k);
            if (!Uuids.isCanonical(ps)) {
                throw fail(ReasonCode.INVALID_CLAIM, "C-08", "each pred entry must be a task id (UUID string)");
            }
            if (ps.equalsIgnoreCase(jti)) {
                throw fail(ReasonCode.INVALID_CLAIM, "C-08", "pred must not contain the ECT's own jti");
            }
            boolean duplicate;
            if (seen != null) {
                duplicate = !seen.add(ps.toLowerCase(java.util.Locale.ROOT));
            } else {
                duplicate = false;
                for (int i = 0; i < k && !duplicate; i++) {
                    duplicate = pred.get(i).equalsIgnoreCase(ps);
                }
            }
            if (duplicate) {
                throw fail(ReasonCode.INVALID_CLAIM, "C-08", "pred contains " + ps + " twice");
            }
        }
        if (e.inpHash() != null && !EctHashes.isValid(e.inpHash())) {
            throw fail(ReasonCode.INVALID_CLAIM, "C-09", "inp_hash must be 43 base64url characters of a SHA-256 digest");
        }
        if (e.outHash() != null && !EctHashes.isValid(e.outHash())) {
            throw fail(ReasonCode.INVALID_CLAIM, "C-09", "out_hash must be 43 base64url characters of a SHA-256 digest");
        }
        Map<String, Object> x = e.ext();
        if (ext && x != null) {
            int depth = Json.depthOf(x);
            checkExtDepth(depth);
            checkExtBytes(Json.writeUtf8Length(x));
        }
    }

    /**
     * C-10 on an {@code ect_ext} of nesting {@code depth} ({@link Json#depthOf}) whose JSON is
     * {@code bytes} long ({@link Json#writeUtf8Length}): depth first, as {@link #check} applies them.
     */
    public static void checkExt(int depth, int bytes) {
        checkExtDepth(depth);
        checkExtBytes(bytes);
    }

    private static void checkExtDepth(int depth) {
        if (depth > MAX_EXT_DEPTH) {
            throw fail(ReasonCode.INVALID_EXT, "C-10", "ect_ext nesting depth " + depth + " exceeds " + MAX_EXT_DEPTH);
        }
    }

    private static void checkExtBytes(int bytes) {
        if (bytes > MAX_EXT_BYTES) {
            throw fail(ReasonCode.INVALID_EXT, "C-10", "ect_ext is " + bytes + " bytes, more than " + MAX_EXT_BYTES);
        }
    }

    private static String required(String v, String name, String rule) {
        if (v == null) {
            throw fail(ReasonCode.MISSING_CLAIM, rule, name + " is required");
        }
        if (v.isEmpty()) {
            throw fail(ReasonCode.INVALID_CLAIM, rule, name + " must not be empty");
        }
        return v;
    }

    private static long date(Instant t, String name, String rule) {
        if (t == null) {
            throw fail(ReasonCode.MISSING_CLAIM, rule, name + " is required");
        }
        long n = t.getEpochSecond();
        if (n < 0 || n > MAX_NUMERIC_DATE) { // up to 9999-12-31: keeps Instant arithmetic safe
            throw fail(ReasonCode.INVALID_CLAIM, rule, name + " is out of range");
        }
        return n;
    }

    /** C-12: the nbf claim as epoch seconds, or null when absent. */
    public static Long nbf(Map<String, Object> claims) {
        Object v = claims.get("nbf");
        return v == null ? null : ((Number) v).longValue();
    }

    private static Map<String, Object> legacy(Map<String, Object> claims, boolean map) {
        Map<String, Object> c = claims;
        for (int i = 0; i < LEGACY.length; i++) { // a fixed order: the first -00 name is the one reported
            if (!claims.containsKey(LEGACY[i])) {
                continue;
            }
            if (!map) {
                throw fail(ReasonCode.LEGACY_CLAIM, "C-11",
                        "the -00 claim '" + LEGACY[i] + "' is not accepted; use " + LEGACY_REPLACEMENT[i]);
            }
            if (c == claims) {
                c = new LinkedHashMap<>(claims);
            }
        }
        if (c == claims) {
            return claims;
        }
        // legacy mapping (C-11): par -> pred, ext -> ect_ext, pol/pol_decision -> ect_ext members
        Object par = c.remove("par");
        if (par != null && !c.containsKey("pred")) {
            c.put("pred", par);
        }
        Object ext = c.remove("ext");
        if (ext != null && !c.containsKey("ect_ext")) {
            c.put("ect_ext", ext);
        }
        Object pol = c.remove("pol");
        Object polDecision = c.remove("pol_decision");
        if (pol != null || polDecision != null) {
            Object target = c.get("ect_ext");
            Map<String, Object> merged = new LinkedHashMap<>();
            if (target instanceof Map<?, ?> m) {
                m.forEach((k, v) -> merged.put(String.valueOf(k), v));
            } else if (target != null) {
                throw fail(ReasonCode.INVALID_EXT, "C-10", "ect_ext must be a JSON object");
            }
            if (pol != null) {
                merged.putIfAbsent("pol", pol);
            }
            if (polDecision != null) {
                merged.putIfAbsent("pol_decision", polDecision);
            }
            c.put("ect_ext", merged);
        }
        return c;
    }

    private static List<String> audience(Object aud) {
        if (aud == null) {
            throw fail(ReasonCode.MISSING_CLAIM, "C-02", "aud is required");
        }
        if (aud instanceof String s) {
            if (s.isEmpty()) {
                throw fail(ReasonCode.INVALID_CLAIM, "C-02", "aud must not be empty");
            }
            return List.of(s);
        }
        if (aud instanceof List<?> l && !l.isEmpty()) {
            List<String> out = new ArrayList<>(l.size());
            for (Object o : l) {
                if (!(o instanceof String s) || s.isEmpty()) {
                    throw fail(ReasonCode.INVALID_CLAIM, "C-02", "aud entries must be non-empty strings");
                }
                out.add(s);
            }
            return out;
        }
        throw fail(ReasonCode.INVALID_CLAIM, "C-02", "aud must be a string or a non-empty array of strings");
    }

    private static String requiredString(Map<String, Object> c, String name, String rule) {
        Object v = c.get(name);
        if (v == null) {
            throw fail(ReasonCode.MISSING_CLAIM, rule, name + " is required");
        }
        if (!(v instanceof String s)) {
            throw fail(ReasonCode.INVALID_CLAIM, rule, name + " must be a string");
        }
        if (s.isEmpty()) {
            throw fail(ReasonCode.INVALID_CLAIM, rule, name + " must not be empty");
        }
        return s;
    }

    private static String optionalString(Map<String, Object> c, String name, String rule) {
        Object v = c.get(name);
        if (v == null) {
            if (c.containsKey(name)) {
                throw fail(ReasonCode.INVALID_CLAIM, rule, name + " must be a string, not null");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw fail(ReasonCode.INVALID_CLAIM, rule, name + " must be a string");
        }
        return s;
    }

    private static long numericDate(Map<String, Object> c, String name, String rule) {
        Object v = c.get(name);
        if (v == null) {
            throw fail(ReasonCode.MISSING_CLAIM, rule, name + " is required");
        }
        if (!isIntegral(v)) {
            throw fail(ReasonCode.INVALID_CLAIM, rule, name + " must be an integer NumericDate");
        }
        long n = ((Number) v).longValue();
        if (n < 0 || n > MAX_NUMERIC_DATE) { // up to 9999-12-31: keeps Instant arithmetic safe
            throw fail(ReasonCode.INVALID_CLAIM, rule, name + " is out of range");
        }
        return n;
    }

    private static boolean isIntegral(Object v) {
        return v instanceof Long || v instanceof Integer;
    }

    static EctRejectedException fail(ReasonCode code, String rule, String detail) {
        return new EctRejectedException(EctError.of(code, rule, detail));
    }
}

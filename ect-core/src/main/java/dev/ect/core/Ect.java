package dev.ect.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An Execution Context Token: the JOSE header values and all claims of profile section 2, as an
 * immutable value. Build one with {@link #builder()}; a verifier returns them inside
 * {@link VerifiedEct}.
 *
 * <p>Fields that a signer fills in when minting ({@code jti}, {@code iat}, {@code exp},
 * {@code alg}, {@code kid}, {@code typ}) may be null on a draft; a verified ECT always has them.
 * {@link #toString()} prints the claims but never a compact token or a signature.
 */
public final class Ect {
    /** The {@code typ} minting always writes (H-01). */
    public static final String TYP = "exec+jwt";

    private final String typ;
    private final String alg;
    private final String kid;
    private final String iss;
    private final List<String> aud;
    private final Instant iat;
    private final Instant exp;
    private final String jti;
    private final String wid;
    private final String execAct;
    private final List<String> pred;
    private final String inpHash;
    private final String outHash;
    private final Map<String, Object> ext;

    private Ect(Builder b) {
        this.typ = b.typ;
        this.alg = b.alg;
        this.kid = b.kid;
        this.iss = b.iss;
        this.aud = List.copyOf(b.aud);
        this.iat = b.iat;
        this.exp = b.exp;
        this.jti = b.jti;
        this.wid = b.wid;
        this.execAct = b.execAct;
        this.pred = List.copyOf(b.pred);
        this.inpHash = b.inpHash;
        this.outHash = b.outHash;
        this.ext = b.ext; // deep-frozen by the builder, or another Ect's
    }

    public static Builder builder() { return new Builder(); }

    /** A builder holding this ECT's values, to derive a modified copy. */
    public Builder toBuilder() { return new Builder(this); }

    /** Header {@code typ}; {@code exec+jwt} for tokens minted here, null for L1. */
    public String typ() { return typ; }
    /** Header {@code alg} as written in the token, e.g. {@code ES256}; null for L1 and drafts. */
    public String alg() { return alg; }
    /** Header {@code kid}; null for L1 and drafts. */
    public String kid() { return kid; }
    /** C-01 issuer, typically a SPIFFE id. */
    public String iss() { return iss; }
    /** C-02 audience, never null; one element serializes as a string, several as an array. */
    public List<String> aud() { return aud; }
    /** C-03 issued-at (seconds precision). */
    public Instant iat() { return iat; }
    /** C-04 expiry (seconds precision). */
    public Instant exp() { return exp; }
    /** C-05 token and task id (UUID). */
    public String jti() { return jti; }
    /** C-06 workflow id (UUID) or null. */
    public String wid() { return wid; }
    /** C-07 the action this task performed. */
    public String execAct() { return execAct; }
    /** C-08 the jtis of the tasks this one depends on; empty for a root task, never null. */
    public List<String> pred() { return pred; }
    /** C-09 base64url SHA-256 of the task's input, or null. */
    public String inpHash() { return inpHash; }
    /** C-09 base64url SHA-256 of the task's output, or null. */
    public String outHash() { return outHash; }
    /** C-10 read-only extension object, or null when absent. */
    public Map<String, Object> ext() { return ext; }

    /**
     * The JWT claims set as an ordered, read-only JSON-like map (strings, numbers, lists, maps),
     * with {@code aud} a string when it has one element (C-02). Null-valued optional claims are
     * left out.
     */
    public Map<String, Object> claims() {
        Map<String, Object> m = new LinkedHashMap<>();
        putIf(m, "iss", iss);
        if (!aud.isEmpty()) {
            m.put("aud", aud.size() == 1 ? aud.get(0) : aud);
        }
        if (iat != null) {
            m.put("iat", iat.getEpochSecond());
        }
        if (exp != null) {
            m.put("exp", exp.getEpochSecond());
        }
        putIf(m, "jti", jti);
        putIf(m, "wid", wid);
        putIf(m, "exec_act", execAct);
        m.put("pred", pred);
        putIf(m, "inp_hash", inpHash);
        putIf(m, "out_hash", outHash);
        if (ext != null) {
            m.put("ect_ext", ext);
        }
        return Collections.unmodifiableMap(m);
    }

    /** The JOSE header as an ordered read-only map ({@code alg}, {@code kid}, {@code typ}). */
    public Map<String, Object> header() {
        Map<String, Object> m = new LinkedHashMap<>();
        putIf(m, "alg", alg);
        putIf(m, "kid", kid);
        putIf(m, "typ", typ);
        return Collections.unmodifiableMap(m);
    }

    private static void putIf(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Ect e)) {
            return false;
        }
        return Objects.equals(typ, e.typ) && Objects.equals(alg, e.alg) && Objects.equals(kid, e.kid)
                && Objects.equals(iss, e.iss) && aud.equals(e.aud) && Objects.equals(iat, e.iat)
                && Objects.equals(exp, e.exp) && Objects.equals(jti, e.jti) && Objects.equals(wid, e.wid)
                && Objects.equals(execAct, e.execAct) && pred.equals(e.pred)
                && Objects.equals(inpHash, e.inpHash) && Objects.equals(outHash, e.outHash)
                && Objects.equals(ext, e.ext);
    }

    /** True when both carry the same claims (header values ignored). */
    public boolean sameClaims(Ect e) {
        return e != null && claims().equals(e.claims());
    }

    @Override
    public int hashCode() {
        return Objects.hash(iss, aud, iat, exp, jti, wid, execAct, pred);
    }

    @Override
    public String toString() {
        return "Ect{jti=" + jti + ", wid=" + wid + ", iss=" + iss + ", aud=" + aud + ", exec_act=" + execAct
                + ", pred=" + pred + ", iat=" + iat + ", exp=" + exp + ", alg=" + alg + ", kid=" + kid + "}";
    }

    @SuppressWarnings("unchecked")
    static Object freeze(Object v) {
        if (v instanceof Map<?, ?> m) {
            return deepFreeze((Map<String, Object>) m);
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            for (Object o : c) {
                out.add(freeze(o));
            }
            return Collections.unmodifiableList(out);
        }
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        throw new IllegalArgumentException("ect_ext values must be JSON-like (map, list, string, number, boolean, null), not "
                + v.getClass().getName());
    }

    private static Map<String, Object> deepFreeze(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            out.put(Objects.requireNonNull(e.getKey(), "ect_ext key"), freeze(e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Builder for {@link Ect}; not thread-safe. {@link #build()} validates types only, not rules. */
    public static final class Builder {
        private String typ;
        private String alg;
        private String kid;
        private String iss;
        private List<String> aud = List.of(); // immutable: setters replace it, build() shares it
        private Instant iat;
        private Instant exp;
        private String jti;
        private String wid;
        private String execAct;
        private List<String> pred = List.of();
        private String inpHash;
        private String outHash;
        private Map<String, Object> ext; // deep-frozen: shared by every Ect built

        private Builder() {}

        private Builder(Ect e) {
            typ = e.typ;
            alg = e.alg;
            kid = e.kid;
            iss = e.iss;
            aud = e.aud;
            iat = e.iat;
            exp = e.exp;
            jti = e.jti;
            wid = e.wid;
            execAct = e.execAct;
            pred = e.pred;
            inpHash = e.inpHash;
            outHash = e.outHash;
            ext = e.ext;
        }

        public Builder typ(String typ) { this.typ = typ; return this; }
        public Builder alg(String alg) { this.alg = alg; return this; }
        public Builder kid(String kid) { this.kid = kid; return this; }
        public Builder iss(String iss) { this.iss = iss; return this; }

        /** One audience (C-02); replaces any set before. */
        public Builder aud(String aud) {
            this.aud = List.of(Objects.requireNonNull(aud, "aud"));
            return this;
        }

        /** Several audiences (C-02); replaces any set before. */
        public Builder aud(Collection<String> aud) {
            for (String a : aud) {
                Objects.requireNonNull(a, "aud element");
            }
            this.aud = List.copyOf(aud);
            return this;
        }

        public Builder iat(Instant iat) { this.iat = iat == null ? null : Instant.ofEpochSecond(iat.getEpochSecond()); return this; }
        public Builder exp(Instant exp) { this.exp = exp == null ? null : Instant.ofEpochSecond(exp.getEpochSecond()); return this; }
        public Builder jti(String jti) { this.jti = jti; return this; }
        public Builder wid(String wid) { this.wid = wid; return this; }
        public Builder execAct(String execAct) { this.execAct = execAct; return this; }

        /** Predecessor task ids (C-08); replaces any set before. Empty for a root task. */
        public Builder pred(Collection<String> pred) {
            for (String p : pred) {
                Objects.requireNonNull(p, "pred element");
            }
            this.pred = List.copyOf(pred);
            return this;
        }

        public Builder pred(String... pred) { return pred(List.of(pred)); }
        public Builder inpHash(String inpHash) { this.inpHash = inpHash; return this; }
        public Builder outHash(String outHash) { this.outHash = outHash; return this; }

        /**
         * The {@code ect_ext} object (C-10), deep-copied into a read-only map now; null removes it.
         *
         * @throws IllegalArgumentException when a value is not JSON-like (map, list, string, number,
         *     boolean, null)
         */
        @SuppressWarnings("unchecked")
        public Builder ext(Map<String, ?> ext) {
            this.ext = ext == null ? null : deepFreeze((Map<String, Object>) ext); // one copy, shared by build()
            return this;
        }

        public Ect build() { return new Ect(this); }

        /**
         * Sets an {@code ect_ext} the caller froze already (read-only all the way down, referenced by
         * no one else): the codec's parsed objects, wrapped in place instead of copied. Reached only
         * through {@code internal.EctFactory}.
         */
        @SuppressWarnings("unused")
        private Builder frozenExt(Map<String, Object> frozen) {
            this.ext = frozen;
            return this;
        }
    }
}

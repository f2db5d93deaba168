package dev.ect.core.internal;

import dev.ect.core.Ect;
import dev.ect.core.EctError;
import dev.ect.core.EctLevel;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSettings;
import dev.ect.core.ReasonCode;
import dev.ect.core.SignedEct;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The one compact-ECT codec of the library. {@link #parse} splits and decodes a token (V-02:
 * strict base64url, strict JSON) for the verifier, the ledgers (reading their stored tokens back),
 * the ledger audit and {@code ect inspect}; {@link ClaimRules} turns the claims into an
 * {@link Ect}; {@link #claimsUtf8(Ect)} writes an ECT's claims for minting, straight from its typed
 * values. Not public API.
 */
public final class EctCodec {
    /**
     * How stored tokens are decoded: they were verified when they were appended, so limits a
     * deployment may have changed since (maxPred) are lifted and the -00 names of C-11 mapped, and
     * a token accepted then decodes now.
     */
    private static final EctSettings STORED = EctSettings.builder().maxPred(Integer.MAX_VALUE).legacyClaims(true).build();

    private EctCodec() {}

    /**
     * A token split and decoded (V-02): its format (L1: base64url JSON claims; L2: a compact JWS),
     * JOSE header (empty for L1), claims, signature bytes (null for L1) and the compact text. The
     * claims are held as typed values when they have the common form ({@link ClaimValues}), else as
     * the parsed JSON object; {@link #claims()} gives the object either way.
     */
    public static final class Parts {
        private final EctLevel format;
        private final Map<String, Object> header;
        private final byte[] claimsJson;
        private final ClaimValues typed;
        private Map<String, Object> claims;
        private final byte[] signature;
        private final String compact;
        private final int signatureDot;
        /** The compact form's characters, one byte each (null when it has a non-BMP character: malformed anyway). */
        private final byte[] ascii;

        Parts(EctLevel format, Map<String, Object> header, byte[] claimsJson, ClaimValues typed, Map<String, Object> claims,
                byte[] signature, String compact, int signatureDot, byte[] ascii) {
            this.ascii = ascii;
            this.format = format;
            this.header = header;
            this.claimsJson = claimsJson;
            this.typed = typed;
            this.claims = claims;
            this.signature = signature;
            this.compact = compact;
            this.signatureDot = signatureDot;
        }

        public EctLevel format() { return format; }

        /** The JOSE header (empty for L1), read-only. */
        public Map<String, Object> header() { return header; }

        /** The claims object as parsed JSON (strings, numbers, lists, maps). */
        public Map<String, Object> claims() {
            Map<String, Object> m = claims;
            if (m == null) {
                m = Json.parseObject(claimsJson); // valid: the typed read accepted it
                claims = m;
            }
            return m;
        }

        /** The signature bytes; null for L1. */
        public byte[] signature() { return signature; }

        /** The token as given. */
        public String compact() { return compact; }

        /** The {@code jti} claim when it is a string, else null (unverified: for log lines). */
        public String jti() { return typed != null ? typed.jti : claims().get("jti") instanceof String s ? s : null; }

        /** The {@code iss} claim when it is a string, else null (unverified: for log lines). */
        public String iss() { return typed != null ? typed.iss : claims().get("iss") instanceof String s ? s : null; }

        /** C-12: the {@code nbf} claim as epoch seconds, or null when absent (checked by the claim rules). */
        public Long nbf() { return typed != null ? typed.nbf : ClaimRules.nbf(claims()); }

        /** A header member when it is a string, else null. */
        public String headerString(String name) { return header.get(name) instanceof String s ? s : null; }

        /** The JWS signing input (header '.' payload) as ASCII bytes; L2 only. */
        @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) copies the low bytes: exact for ASCII
        public byte[] signingInput() {
            if (ascii != null) {
                return java.util.Arrays.copyOf(ascii, signatureDot);
            }
            byte[] b = new byte[signatureDot];
            compact.getBytes(0, signatureDot, b, 0);
            return b;
        }

        /**
         * An array whose first {@link #signingInputLength()} bytes are the JWS signing input (L2
         * only): the token's own byte copy, not another one. Read only.
         */
        public byte[] signingInputBuffer() { return ascii != null ? ascii : signingInput(); }

        /** The length of the JWS signing input (header '.' payload); L2 only. */
        public int signingInputLength() { return signatureDot; }

        /** The ECT of these claims under the claim rules (V-09, V-10) and {@code s}, with the given header values. */
        Ect toEct(String typ, String alg, String kid, EctSettings s) {
            return typed != null ? ClaimRules.toEct(typed, typ, alg, kid, s) : ClaimRules.toEct(claims(), typ, alg, kid, s);
        }
    }

    /**
     * Splits and decodes {@code token} (V-02); no claim rule, no signature check.
     *
     * @param headers the caller's header cache (a verifier's), or null for none
     * @throws EctRejectedException {@code malformed_token} (V-02), saying which part is wrong
     */
    public static Parts parse(String token, HeaderCache headers) {
        if (token == null || token.isEmpty()) {
            throw malformed("empty token");
        }
        int d1 = token.indexOf('.');
        if (d1 < 0) {
            // L1: a base64url JSON claims object. Recognized always; whether it is accepted is the
            // verifier's V-03 (minLevel L1), so a signature-stripped token is a downgrade attempt
            byte[] raw = Json.b64decode(token, 0, token.length());
            ClaimValues typed = raw == null ? null : Json.claimValues(raw);
            Map<String, Object> map = raw == null || typed != null ? null : Json.parseObject(raw);
            if (typed == null && map == null) {
                throw malformed("not a compact JWS (expected three base64url parts)");
            }
            return new Parts(EctLevel.L1, Map.of(), raw, typed, map, null, token, -1, null);
        }
        int d2 = token.indexOf('.', d1 + 1);
        if (d2 < 0 || token.indexOf('.', d2 + 1) >= 0) {
            throw malformed("a compact JWS has exactly three parts");
        }
        // the characters as bytes, once (an arraycopy for a Latin-1 string): decoded from there, and
        // the first d2 of them are the signing input. A character beyond Latin-1 becomes '?', which
        // base64url refuses as it refuses the character; a non-BMP one (a surrogate pair) would
        // shift the positions, so that (malformed) token is decoded from its characters instead
        byte[] ascii = token.getBytes(StandardCharsets.ISO_8859_1);
        if (ascii.length != token.length()) {
            ascii = null;
        }
        Map<String, Object> header = headers != null ? headers.parse(token, ascii, 0, d1) : HeaderCache.parseUncached(token, 0, d1);
        if (header == null) {
            throw malformed("the JOSE header is not a base64url JSON object");
        }
        byte[] c = ascii != null ? Base64Url.decode(ascii, d1 + 1, d2) : Json.b64decode(token, d1 + 1, d2);
        if (c == null) {
            throw malformed("the payload is not a base64url JSON object");
        }
        ClaimValues typed = Json.claimValues(c); // the common form straight into typed values
        Map<String, Object> map = typed != null ? null : Json.parseObject(c);
        if (typed == null && map == null) {
            throw malformed("the payload is not a base64url JSON object");
        }
        // An empty signature part is still base64url (of zero bytes): an unsecured "alg":"none"
        // token thus reaches V-05 and is refused as unsupported_alg, and any other alg fails V-08.
        byte[] sig = ascii != null ? Base64Url.decode(ascii, d2 + 1, ascii.length) : Json.b64decode(token, d2 + 1, token.length());
        if (sig == null) {
            throw malformed("the signature is not base64url");
        }
        return new Parts(EctLevel.L2, header, c, typed, map, sig, token, d2, ascii);
    }

    /**
     * The token, its claims checked by the claim rules (V-09, V-10) under {@code settings}, with
     * the given header values. Only the verifier calls it, after the header and signature checks.
     */
    public static SignedEct signed(Parts p, String typ, String alg, String kid, EctSettings settings) {
        return EctFactory.signed(p.toEct(typ, alg, kid, settings), p.compact());
    }

    /**
     * The ECT of a token read back from a ledger (the ledger's own record: the signature is not
     * checked again, the claim rules are, leniently: see the class comment).
     *
     * @param headers a header cache for a run of decodes (opening a ledger file), or null
     * @throws IllegalArgumentException when the token cannot be decoded or breaks a claim rule
     */
    public static Ect decodeStored(String compact, HeaderCache headers) {
        Parts p;
        try {
            p = parse(compact, headers);
        } catch (EctRejectedException e) {
            throw new IllegalArgumentException("the compact token is malformed: " + e.error().detail(), e);
        }
        try {
            return p.toEct(p.headerString("typ"), p.headerString("alg"), p.headerString("kid"), STORED);
        } catch (EctRejectedException e) {
            throw new IllegalArgumentException("the compact token's claims are invalid: " + e.getMessage(), e);
        }
    }

    /**
     * A token read back from a ledger, with the ECT {@link #decodeStored} decodes from it: what a
     * ledger's index holds and its lookups return ({@code EctStore}), decoded once per entry.
     *
     * @param headers a header cache for a run of decodes (opening a ledger file), or null
     * @throws IllegalArgumentException when the token cannot be decoded or breaks a claim rule
     */
    public static SignedEct storedToken(String compact, HeaderCache headers) {
        return EctFactory.signed(decodeStored(compact, headers), compact);
    }

    /**
     * The JWT claims set of {@code e} as UTF-8 JSON, in the order and form of {@link Ect#claims()}
     * ({@code aud} a string when it has one element, C-02; absent optional claims left out), written
     * straight from the typed values. {@link Json#write} of {@code e.claims()} gives the same bytes.
     */
    public static byte[] claimsUtf8(Ect e) {
        Json.Writer w = new Json.Writer(512 + (e.ext() == null ? 0 : 512));
        writeClaims(w, e);
        return w.toByteArray();
    }

    /** Signs a JWS signing input, {@code buf[0, length)}; ECDSA signatures as R||S. */
    @FunctionalInterface
    public interface Signing {
        byte[] sign(byte[] buf, int length);
    }

    /** A scratch array grown beyond this (a token with a huge ect_ext) is not kept for the next mint. */
    private static final int MAX_KEPT_SCRATCH = 64 * 1024;

    /** Per thread: the claims JSON and the compact form being assembled, reused by every mint. */
    private static final ThreadLocal<MintScratch> MINT_SCRATCH = ThreadLocal.withInitial(MintScratch::new);

    private static final class MintScratch {
        Json.Writer json = new Json.Writer(1024);
        byte[] compact = new byte[2048];
        boolean inUse; // a Signing that mints again on this thread gets fresh arrays
    }

    /**
     * The compact JWS {@code header '.' base64url(claims of e) '.' base64url(signature)}: the claims
     * JSON written straight from {@code e} (as {@link #claimsUtf8}) and the signing input
     * base64url-encoded into one array, both the thread's scratch arrays (no array per token but the
     * result's own).
     *
     * @param encodedHeader the base64url JOSE header, ASCII
     * @param signatureLength the signature's length when fixed (ECDSA, EdDSA), else 0
     */
    public static String compactJws(byte[] encodedHeader, Ect e, int signatureLength, Signing signing) {
        return compactJws(encodedHeader, e, signatureLength, signing, false);
    }

    /**
     * As {@link #compactJws(byte[], Ect, int, Signing)}; with {@code checkExt}, C-10 is applied
     * ({@link ClaimRules#checkExt}) to the {@code ect_ext} as it is written, before anything is
     * signed: for a caller that ran {@link ClaimRules#check(Ect, EctSettings, boolean)} without it.
     *
     * @throws EctRejectedException {@code invalid_ext} (C-10)
     */
    public static String compactJws(byte[] encodedHeader, Ect e, int signatureLength, Signing signing, boolean checkExt) {
        MintScratch s = MINT_SCRATCH.get();
        if (s.inUse) {
            s = new MintScratch();
        }
        s.inUse = true;
        try {
            Json.Writer w = s.json;
            w.len = 0;
            int extBytes = writeClaims(w, e);
            if (checkExt && e.ext() != null) {
                ClaimRules.checkExt(w.maxDepth, extBytes);
            }
            int headerLength = encodedHeader.length;
            int inputLength = headerLength + 1 + Base64Url.encodedLength(w.len);
            int room = inputLength + 1 + Base64Url.encodedLength(signatureLength > 0 ? signatureLength : 512);
            byte[] all = s.compact.length >= room ? s.compact : new byte[room];
            System.arraycopy(encodedHeader, 0, all, 0, headerLength);
            all[headerLength] = '.';
            Base64Url.encode(w.buf, w.len, all, headerLength + 1);
            byte[] sig = signing.sign(all, inputLength);
            int total = inputLength + 1 + Base64Url.encodedLength(sig.length);
            if (all.length < total) { // RSA: the signature length depends on the key
                all = java.util.Arrays.copyOf(all, total);
            }
            all[inputLength] = '.';
            Base64Url.encode(sig, all, inputLength + 1);
            String compact = new String(all, 0, total, StandardCharsets.ISO_8859_1);
            if (all != s.compact && all.length <= MAX_KEPT_SCRATCH) {
                s.compact = all;
            }
            if (w.buf.length > MAX_KEPT_SCRATCH) {
                s.json = new Json.Writer(1024);
            }
            return compact;
        } finally {
            s.inUse = false;
        }
    }

    /** Writes the claims object; returns the length of the {@code ect_ext} JSON (0 without one), its depth left in {@code w.maxDepth}. */
    private static int writeClaims(Json.Writer w, Ect e) {
        w.depth = 0;
        w.maxDepth = 0;
        int extBytes = 0;
        w.raw('{');
        boolean more = member(w, false, "iss", e.iss());
        List<String> aud = e.aud();
        if (!aud.isEmpty()) {
            name(w, more, "aud");
            more = true;
            if (aud.size() == 1) {
                w.string(aud.get(0));
            } else {
                w.array(aud);
            }
        }
        if (e.iat() != null) {
            name(w, more, "iat");
            more = true;
            w.number(e.iat().getEpochSecond());
        }
        if (e.exp() != null) {
            name(w, more, "exp");
            more = true;
            w.number(e.exp().getEpochSecond());
        }
        more = member(w, more, "jti", e.jti());
        more = member(w, more, "wid", e.wid());
        more = member(w, more, "exec_act", e.execAct());
        name(w, more, "pred");
        w.array(e.pred());
        member(w, true, "inp_hash", e.inpHash());
        member(w, true, "out_hash", e.outHash());
        if (e.ext() != null) {
            name(w, true, "ect_ext");
            int before = w.len;
            w.object(e.ext());
            extBytes = w.len - before;
        }
        w.raw('}');
        return extBytes;
    }

    /** {@code ,"name":"value"} (no comma when first) unless value is null; true when something was written before or now. */
    private static boolean member(Json.Writer w, boolean more, String name, String value) {
        if (value == null) {
            return more;
        }
        name(w, more, name);
        w.string(value);
        return true;
    }

    private static void name(Json.Writer w, boolean more, String name) {
        if (more) {
            w.raw(',');
        }
        w.raw('"');
        w.ascii(name);
        w.raw('"');
        w.raw(':');
    }

    private static EctRejectedException malformed(String detail) {
        return new EctRejectedException(EctError.of(ReasonCode.MALFORMED_TOKEN, "V-02", detail));
    }
}

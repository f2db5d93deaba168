package dev.ect.core.ledger;

import dev.ect.core.Ect;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctSettings;
import dev.ect.core.internal.ClaimRules;
import dev.ect.core.internal.EctInternals;
import dev.ect.core.internal.Json;
import java.util.Map;

/**
 * Decodes a compact ECT stored in a ledger back into an {@link Ect}, without checking the
 * signature: the token was verified before it was appended. Limits that a deployment may have
 * changed since (maxPred) are lifted and the -00 names of C-11 are mapped, so a token that was
 * accepted then decodes now.
 */
final class Compacts {
    private static final EctSettings LENIENT = EctSettings.builder().maxPred(Integer.MAX_VALUE).legacyClaims(true).build();

    private Compacts() {}

    /** @throws IllegalArgumentException when the text is not a decodable ECT */
    static Ect decode(String compact) {
        Map<String, Object> header = Map.of();
        Map<String, Object> claims;
        int d1 = compact.indexOf('.');
        if (d1 < 0) { // L1: base64url JSON claims
            claims = object(compact, 0, compact.length(), "claims");
        } else {
            int d2 = compact.indexOf('.', d1 + 1);
            if (d2 < 0 || compact.indexOf('.', d2 + 1) >= 0) {
                throw new IllegalArgumentException("the compact token does not have three parts");
            }
            // the verifier's cached header decode: same decoder and parser, so the same map (an
            // issuer's header is identical on every token, so this saves a decode and a parse per append)
            header = Json.parseHeader(compact, 0, d1);
            if (header == null) {
                throw new IllegalArgumentException("the compact token's header part is not a base64url JSON object");
            }
            claims = object(compact, d1 + 1, d2, "claims");
        }
        try {
            return ClaimRules.toEct(claims, str(header.get("typ")), str(header.get("alg")), str(header.get("kid")), LENIENT, compact);
        } catch (EctRejectedException e) {
            throw new IllegalArgumentException("the compact token's claims are invalid: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code compact} carries the claims of {@code ect}, so the entry's fields, the
     * token and (after a reopen) the decoded ECT agree.
     *
     * @throws IllegalArgumentException when it does not, or the ECT has no jti
     */
    static void requireMatches(Ect ect, String compact) {
        if (ect.jti() == null) {
            throw new IllegalArgumentException("the ECT has no jti");
        }
        if (EctInternals.isDecodedFrom(ect, compact)) {
            return; // the verifier (or this class) decoded the ECT from this very token
        }
        if (!decode(compact).sameClaims(ect)) {
            throw new IllegalArgumentException("the compact token does not carry the claims of ECT " + ect.jti());
        }
    }

    private static Map<String, Object> object(String s, int from, int to, String what) {
        byte[] raw = Json.b64decode(s, from, to);
        Map<String, Object> m = raw == null ? null : Json.parseObject(raw);
        if (m == null) {
            throw new IllegalArgumentException("the compact token's " + what + " part is not a base64url JSON object");
        }
        return m;
    }

    private static String str(Object o) { return o instanceof String s ? s : null; }
}

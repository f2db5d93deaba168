package dev.ect.jdbc.internal;

import dev.ect.core.Ect;
import dev.ect.core.EctSettings;
import dev.ect.core.internal.ClaimRules;
import dev.ect.core.internal.Json;
import dev.ect.core.ledger.LedgerEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** TEMPORARY: entry hashing and compact parsing until the ledger branch's shared helpers are merged. */
public final class Codec {
    private static final EctSettings LENIENT = EctSettings.builder().maxPred(10_000).build();

    private Codec() {}

    public static LedgerEntry withHash(LedgerEntry e) {
        String canonical = e.seq() + "\n" + e.jti() + "\n" + (e.wid() == null ? "" : e.wid()) + "\n" + e.recordedAt() + "\n" + e.compact();
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(e.prevHash().getBytes(StandardCharsets.US_ASCII));
            String h = HexFormat.of().formatHex(md.digest(canonical.getBytes(StandardCharsets.UTF_8)));
            return new LedgerEntry(e.seq(), e.compact(), e.jti(), e.wid(), e.iss(), e.execAct(), e.pred(), e.recordedAt(), e.prevHash(), h);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static Ect toEct(String compact) {
        int d1 = compact.indexOf('.');
        int d2 = compact.indexOf('.', d1 + 1);
        Map<String, Object> header = Json.parseObject(Json.b64decode(compact, 0, d1));
        Map<String, Object> claims = Json.parseObject(Json.b64decode(compact, d1 + 1, d2));
        return ClaimRules.toEct(claims, (String) header.get("typ"), (String) header.get("alg"), (String) header.get("kid"), LENIENT);
    }
}

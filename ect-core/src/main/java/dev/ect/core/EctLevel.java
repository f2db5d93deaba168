package dev.ect.core;

import java.util.Locale;

/** Assurance levels of the draft (profile section 1). Ordered: L1 &lt; L2 &lt; L3. */
public enum EctLevel {
    /** Unsigned base64url JSON claims; accepted only when configured. */
    L1,
    /** A JWS signed with an asymmetric key. */
    L2,
    /** L2, and appended to an audit ledger before acceptance. */
    L3;

    public boolean atLeast(EctLevel other) { return compareTo(other) >= 0; }

    public static EctLevel parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("level must be L1, L2 or L3, not '" + s + "'", e);
        }
    }
}

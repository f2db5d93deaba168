package dev.ect.core.internal;

import java.util.List;
import java.util.Map;

/**
 * A claims object read straight into typed values by {@link Json#claimValues(byte[])}: only for the
 * common form, in which every claim the rules read has its JSON type, every required one is present
 * and non-empty, the dates are in range, and there is no other member. Anything else is left to the
 * generic parser and {@link ClaimRules#toEct(Map, String, String, String, dev.ect.core.EctSettings)},
 * so both paths give the same result. Not public API.
 */
final class ClaimValues {
    /** Largest NumericDate accepted (9999-12-31T23:59:59Z), for iat, exp and nbf. */
    static final long MAX_NUMERIC_DATE = 253402300799L;

    String iss;
    List<String> aud;
    long iat = -1;
    long exp = -1;
    Long nbf;
    String jti;
    String wid;
    String execAct;
    List<String> pred;
    String inpHash;
    String outHash;
    Map<String, Object> ext;
    /** {@link #ext} was made read-only in place (by the first ECT built from these values). */
    boolean extFrozen;
}

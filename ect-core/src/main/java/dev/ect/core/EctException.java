package dev.ect.core;

import java.util.Optional;

/**
 * Base of the two failure kinds: {@link EctRejectedException} (the token's fault, HTTP 403) and
 * {@link EctUnavailableException} (infrastructure failed, HTTP 503). Messages never contain the
 * token.
 *
 * <p>A rejection by the default verifier also carries the token's {@code jti} and {@code iss} as
 * read from the token, when they could be read ({@link #unverifiedJti()},
 * {@link #unverifiedIss()}), so a caller can log which token failed without a thread-local or a
 * listener (T-11: escape them before printing).
 */
public abstract sealed class EctException extends RuntimeException
        permits EctRejectedException, EctUnavailableException {
    private static final long serialVersionUID = 1L;
    private final transient EctError error;
    private String unverifiedJti;
    private String unverifiedIss;
    private boolean idsSet;

    protected EctException(EctError error, Throwable cause) {
        super(error.code() + ": " + error.detail(), cause);
        this.error = error;
    }

    public EctError error() { return error; }

    public ReasonCode reason() { return error.reason(); }

    /** HTTP status to answer with: 403 or 503. */
    public int httpStatus() { return error.reason().httpStatus(); }

    /**
     * The {@code jti} claim of the rejected token as the token states it. <b>UNVERIFIED</b>: it was
     * read before (or without) the signature check, so anyone could have written it. For log lines
     * and metrics only, never for a decision; escape it before printing (T-11). Empty when the
     * token could not be decoded far enough, or was not a string.
     */
    public Optional<String> unverifiedJti() { return Optional.ofNullable(unverifiedJti); }

    /**
     * The {@code iss} claim of the rejected token as the token states it. <b>UNVERIFIED</b>, like
     * {@link #unverifiedJti()}: for logs only, escape before printing (T-11).
     */
    public Optional<String> unverifiedIss() { return Optional.ofNullable(unverifiedIss); }

    /**
     * {@link #unverifiedJti()} escaped for one field of a log line ({@link LogSafe#escapeField},
     * T-11); {@code "-"} when unknown.
     */
    public String logSafeJti() { return LogSafe.escapeField(unverifiedJti); }

    /** {@link #unverifiedIss()} escaped for one field of a log line (T-11); {@code "-"} when unknown. */
    public String logSafeIss() { return LogSafe.escapeField(unverifiedIss); }

    /**
     * Attaches the {@code jti} and {@code iss} that {@code token} states, read without verifying
     * anything, unless ids were attached already (the library's verifier attaches them to every
     * rejection it throws). For callers of a verifier of their own, so that its rejections carry
     * them too. A token longer than {@value #MAX_DECODED_CHARS} characters, or one whose claims
     * cannot be decoded, attaches nothing (ids stay empty).
     *
     * @return this exception
     */
    public final EctException initUnverifiedIdsFrom(String token) {
        synchronized (this) {
            if (idsSet) {
                return this;
            }
        }
        String jti = null;
        String iss = null;
        if (token != null && token.length() <= MAX_DECODED_CHARS) {
            java.util.Map<String, Object> claims = claimsOf(token);
            if (claims != null) {
                jti = claims.get("jti") instanceof String j ? j : null;
                iss = claims.get("iss") instanceof String i ? i : null;
            }
        }
        return initUnverifiedIds(jti, iss);
    }

    /** The most characters of a token {@link #initUnverifiedIdsFrom(String)} decodes: 65,536. */
    public static final int MAX_DECODED_CHARS = 65_536;

    /** The claims object of a compact JWS or an L1 token (one base64url part), unverified; null when not decodable. */
    private static java.util.Map<String, Object> claimsOf(String token) {
        int d1 = token.indexOf('.');
        int from = d1 < 0 ? 0 : d1 + 1;
        int d2 = d1 < 0 ? token.length() : token.indexOf('.', from);
        if (d2 < 0) {
            return null;
        }
        try {
            byte[] raw = dev.ect.core.internal.Json.b64decode(token, from, d2);
            return raw == null ? null : dev.ect.core.internal.Json.parseObject(raw);
        } catch (RuntimeException e) {
            return null; // not decodable: no ids
        }
    }

    /**
     * Attaches the token's unverified {@code jti} and {@code iss} (either may be null). Called by
     * the verifier that read them; the first call wins, like {@link Throwable#initCause}, so a
     * rethrow through another verifier cannot overwrite what the first one read.
     *
     * @return this exception
     */
    public final EctException initUnverifiedIds(String jti, String iss) {
        synchronized (this) {
            if (!idsSet) {
                idsSet = true;
                unverifiedJti = jti;
                unverifiedIss = iss;
            }
        }
        return this;
    }
}

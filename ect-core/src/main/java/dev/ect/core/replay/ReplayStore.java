package dev.ect.core.replay;

import java.time.Instant;

/**
 * Replay protection SPI (profile section 6). One atomic operation: record the key
 * ({@code iss}, {@code wid}, {@code jti}) unless it is already present (P-01, P-02).
 *
 * <p>The key includes {@code iss} (G-01, P-01): with ({@code wid}, {@code jti}) alone, a trusted
 * issuer that saw another issuer's token first could record its id and make the genuine token a
 * "replay". The verifier passes {@code wid} and {@code jti} in canonical lower case (P-01), so a
 * store compares them as given; {@code iss} is compared exactly.
 *
 * <p>Implementations: {@link CaffeineReplayStore} (in-process, the default); the {@code ect-redis}
 * module shares one store between instances (P-04).
 */
public interface ReplayStore {
    /**
     * Atomically checks and records a replay key.
     *
     * @param iss the token's issuer
     * @param wid the workflow id, or null/empty when the token has none
     * @param jti the token id
     * @param keepUntil the entry must be kept at least until this instant: the last moment the
     *     token could still be accepted plus skew, or the configured floor if later (P-01; see
     *     {@link dev.ect.core.EctSettings#replayTtl()})
     * @return true when the key was new and is now recorded; false when it was already present
     *     (a replay)
     * @throws dev.ect.core.EctUnavailableException {@code replay_store_full} (P-03) or
     *     {@code replay_store_unavailable} (P-04): the token must not be accepted
     */
    boolean checkAndRecord(String iss, String wid, String jti, Instant keepUntil);

    /**
     * Removes a key recorded by {@link #checkAndRecord}, so the same token can be presented again.
     * The verifier calls it only when a later side effect failed for infrastructure reasons (the
     * ledger append of V-15), so a client may retry a token that was never accepted. A store that
     * cannot forget keeps the key: the retry is then refused as {@code replay} until the key expires.
     *
     * <p>Default: does nothing.
     *
     * @param iss the token's issuer
     * @param wid the workflow id, or null/empty when the token has none
     * @param jti the token id
     * @throws dev.ect.core.EctUnavailableException when the store cannot be reached (the verifier
     *     logs it and keeps the original failure)
     */
    default void forget(String iss, String wid, String jti) {
        // a store that cannot forget keeps the key until it expires
    }
}

package dev.ect.core;

import dev.ect.core.internal.JoseEctSigner;
import dev.ect.core.keys.EctKeyPair;
import java.security.Provider;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Mints ECTs: completes a draft {@link Ect} and signs it into a compact JWS (profile section 10).
 * Thread-safe.
 *
 * <ul>
 *   <li>M-01: a fresh random UUID {@code jti} when the draft has none;
 *   <li>M-02: {@code iat} = now from the injected clock, {@code exp} = {@code iat} + default expiry
 *       (10 min) unless given;
 *   <li>M-03: header {@code typ: exec+jwt}, the key's {@code alg} and {@code kid};
 *   <li>M-07: the claim rules C-01..C-11 are checked first; a draft that breaks one is refused with
 *       an {@link EctRejectedException} carrying the same reason code verification would give.
 * </ul>
 *
 * <pre>{@code
 * EctSigner signer = EctSigner.builder(EctKeys.generate("a-1")).build();
 * String token = signer.sign(Ect.builder().iss(me).aud(them).execAct("review_spec").build());
 * }</pre>
 */
public interface EctSigner {
    /** Completes, checks and signs the draft. */
    SignedEct mint(Ect draft);

    /** {@link #mint(Ect)}, returning only the compact token. */
    default String sign(Ect draft) { return mint(draft).compact(); }

    /** The algorithm this signer writes to {@code alg}. */
    EctAlgorithm algorithm();

    /** The {@code kid} this signer writes. */
    String kid();

    /**
     * The JCA provider that signs, when this signer signs itself (the default signer does;
     * see {@link Builder#crypto(CryptoProvider)}); empty for signers that delegate elsewhere.
     */
    default Optional<CryptoProvider> cryptoProvider() { return Optional.empty(); }

    static Builder builder(EctKeyPair key) { return new Builder(key); }

    /** Builder for the default (jose4j-backed) signer. */
    final class Builder {
        private final EctKeyPair key;
        private Clock clock = Clock.systemUTC();
        private EctSettings settings = EctSettings.defaults();
        private CryptoProvider crypto;

        private Builder(EctKeyPair key) { this.key = Objects.requireNonNull(key, "key cannot be null"); }

        /** Clock for {@code iat}; default system UTC. */
        public Builder clock(Clock c) { clock = Objects.requireNonNull(c, "clock cannot be null"); return this; }

        /** Default expiry, maxPred and maxTokenBytes come from here; default {@link EctSettings#defaults()}. */
        public Builder settings(EctSettings s) { settings = Objects.requireNonNull(s, "settings cannot be null"); return this; }

        /**
         * The JCA provider that signs; default {@link CryptoProvider#auto()} (ACCP when it is on
         * the class path and healthy, else the JDK's).
         */
        public Builder crypto(CryptoProvider c) {
            Objects.requireNonNull(c, "crypto cannot be null");
            crypto = dev.ect.core.internal.SetOnce.set(crypto, c, "crypto provider");
            return this;
        }

        /** Shorthand for {@code crypto(CryptoProvider.of(p))}: sign with exactly this provider object. */
        public Builder provider(Provider p) { return crypto(CryptoProvider.of(Objects.requireNonNull(p, "provider cannot be null"))); }

        public EctSigner build() {
            return new JoseEctSigner(key, clock, settings, crypto != null ? crypto : CryptoProvider.auto());
        }
    }
}

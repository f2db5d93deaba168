package dev.ect.core;

import dev.ect.core.internal.ClaimRules;
import dev.ect.core.internal.EctCodec;
import dev.ect.core.internal.Json;
import dev.ect.core.internal.JwsCrypto;
import dev.ect.core.keys.EctKeyPair;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The default signer. Built by {@link EctSigner#builder(EctKeyPair)}. */
final class DefaultEctSigner implements EctSigner {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultEctSigner.class);

    private final EctKeyPair key;
    private final Clock clock;
    private final EctSettings settings;
    private final JwsCrypto crypto;
    /** The base64url JOSE header, ASCII bytes. */
    private final byte[] encodedHeader;
    /** Signs a signing input with this signer's key. */
    private final EctCodec.Signing signing;

    public DefaultEctSigner(EctKeyPair key, Clock clock, EctSettings settings, CryptoProvider cryptoProvider) {
        if (!JwsCrypto.keyFits(key.algorithm(), key.privateKey())) {
            throw new IllegalArgumentException("the private key does not fit " + key.algorithm());
        }
        this.key = key;
        this.clock = clock;
        this.settings = settings;
        this.crypto = new JwsCrypto(cryptoProvider);
        this.signing = (buf, length) -> crypto.sign(key.algorithm(), key.privateKey(), buf, length);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("alg", key.algorithm().jwaName());
        h.put("kid", key.kid());
        h.put("typ", Ect.TYP);
        this.encodedHeader = Json.b64(Json.write(h)).getBytes(StandardCharsets.US_ASCII); // M-03: the header is the same for every token
    }

    @Override
    public EctAlgorithm algorithm() { return key.algorithm(); }

    @Override
    public String kid() { return key.kid(); }

    @Override
    public Optional<CryptoProvider> cryptoProvider() { return Optional.of(crypto.cryptoProvider()); }

    @Override
    public SignedEct mint(Ect draft) {
        // M-01, M-02: fill in jti, iat and exp; the header values are this signer's (M-03)
        Ect.Builder b = draft.toBuilder().typ(Ect.TYP).alg(key.algorithm().jwaName()).kid(key.kid());
        if (draft.jti() == null) {
            b.jti(UUID.randomUUID().toString());
        }
        Instant iat = draft.iat();
        if (iat == null) {
            iat = clock.instant();
            b.iat(iat);
        }
        if (draft.exp() == null) {
            b.exp(iat.plus(settings.defaultExpiry()));
        }
        Ect ect = b.build();
        // M-07: the same claim rules (and reason codes) as verification, on the typed values; C-10
        // (the last of them) on the ect_ext as it is written below, before anything is signed
        ClaimRules.check(ect, settings, false);
        // header '.' payload '.' signature: the claims JSON written straight from the ECT and
        // base64url-encoded into one array (the thread's scratch arrays), signed there
        String compact = EctCodec.compactJws(encodedHeader, ect, key.algorithm().signatureLength(), signing, true);
        if (compact.length() > settings.maxTokenBytes()) {
            LOG.warn("minted ECT jti={} is {} bytes, over maxTokenBytes {}: receivers will reject it (T-03)",
                    ect.jti(), compact.length(), settings.maxTokenBytes());
        }
        return new SignedEct(ect, compact);
    }
}

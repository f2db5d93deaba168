package dev.ect.otel.internal;

import dev.ect.core.CryptoProvider;
import dev.ect.core.Ect;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctSigner;
import dev.ect.core.SignedEct;
import java.util.Optional;

/** An {@link EctSigner} that writes each ECT its delegate minted to the current span. */
public final class TracingSigner implements EctSigner {
    private final EctSigner delegate;

    public TracingSigner(EctSigner delegate) { this.delegate = delegate; }

    @Override
    public SignedEct mint(Ect draft) {
        SignedEct s = delegate.mint(draft);
        SpanWriter.write(s.ect(), "minted");
        return s;
    }

    @Override
    public EctAlgorithm algorithm() { return delegate.algorithm(); }

    @Override
    public String kid() { return delegate.kid(); }

    @Override
    public Optional<CryptoProvider> cryptoProvider() { return delegate.cryptoProvider(); }

    @Override
    public String toString() { return "traced " + delegate; }
}

package dev.ect.otel.internal;

import dev.ect.core.CryptoProvider;
import dev.ect.core.EctException;
import dev.ect.core.EctSettings;
import dev.ect.core.EctVerifier;
import dev.ect.core.VerificationScope;
import dev.ect.core.VerifiedEct;
import java.util.Optional;
import java.util.function.Supplier;

/** An {@link EctVerifier} that writes what its delegate accepted (or refused) to the current span. */
public final class TracingVerifier implements EctVerifier {
    private final EctVerifier delegate;

    public TracingVerifier(EctVerifier delegate) { this.delegate = delegate; }

    @Override
    public VerifiedEct verify(String token) { return traced(() -> delegate.verify(token)); }

    /** Passes the scope on, so the delegate still checks the token once (a response ECT, T-08). */
    @Override
    public VerifiedEct verify(String token, VerificationScope scope) { return traced(() -> delegate.verify(token, scope)); }

    @Override
    public VerifiedEct verifyAgain(String token, VerifiedEct accepted) { return traced(() -> delegate.verifyAgain(token, accepted)); }

    /** Passes the scope on (a servlet filter's request scope on a request another filter accepted, T-09). */
    @Override
    public VerifiedEct verifyAgain(String token, VerifiedEct accepted, VerificationScope scope) {
        return traced(() -> delegate.verifyAgain(token, accepted, scope));
    }

    /** Runs one of the delegate's verifications and writes its outcome to the current span. */
    private static VerifiedEct traced(Supplier<VerifiedEct> verification) {
        try {
            VerifiedEct v = verification.get();
            SpanWriter.write(v.ect(), "verified");
            return v;
        } catch (EctException e) {
            SpanWriter.rejected(e);
            throw e;
        }
    }

    @Override
    public VerifiedEct check(String token) { return delegate.check(token); }

    @Override
    public String verifierId() { return delegate.verifierId(); }

    @Override
    public EctSettings settings() { return delegate.settings(); }

    @Override
    public Optional<CryptoProvider> cryptoProvider() { return delegate.cryptoProvider(); }

    @Override
    public String toString() { return "traced " + delegate; }
}

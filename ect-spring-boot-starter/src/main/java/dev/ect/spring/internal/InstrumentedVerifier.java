package dev.ect.spring.internal;

import dev.ect.core.CryptoProvider;
import dev.ect.core.EctSettings;
import dev.ect.core.EctVerifier;
import dev.ect.core.VerificationScope;
import dev.ect.core.VerifiedEct;
import dev.ect.spring.EctInstrumentation;
import java.util.Objects;
import java.util.Optional;

/** A verifier whose {@code verify} and {@code verifyAgain} (both forms each) run as {@value EctInstrumentation#VERIFY} observations. */
public final class InstrumentedVerifier implements EctVerifier {
    private final EctVerifier delegate;
    private final EctInstrumentation instrumentation;

    public InstrumentedVerifier(EctVerifier delegate, EctInstrumentation instrumentation) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.instrumentation = Objects.requireNonNull(instrumentation, "instrumentation");
    }

    /** The verifier this one times. */
    public EctVerifier delegate() { return delegate; }

    @Override
    public VerifiedEct verify(String token) {
        return instrumentation.observe(EctInstrumentation.VERIFY, () -> delegate.verify(token));
    }

    /** T-08/F-03: a response ECT's check, with the caller's own ECTs and validator (delegated, not the interface default). */
    @Override
    public VerifiedEct verify(String token, VerificationScope scope) {
        return instrumentation.observe(EctInstrumentation.VERIFY, () -> delegate.verify(token, scope));
    }

    @Override
    public VerifiedEct verifyAgain(String token, VerifiedEct accepted) {
        return instrumentation.observe(EctInstrumentation.VERIFY, () -> delegate.verifyAgain(token, accepted));
    }

    /** T-09 with the filter's request scope: delegated, so the delegate checks the token once. */
    @Override
    public VerifiedEct verifyAgain(String token, VerifiedEct accepted, VerificationScope scope) {
        return instrumentation.observe(EctInstrumentation.VERIFY, () -> delegate.verifyAgain(token, accepted, scope));
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
    public String toString() { return delegate.toString(); }
}

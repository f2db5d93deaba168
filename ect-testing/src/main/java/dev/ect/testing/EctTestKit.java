package dev.ect.testing;

import dev.ect.core.Ect;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.InMemoryLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * What a test of a service that verifies or mints ECTs needs: a trusted issuer with a key pair, real
 * ECTs minted with it (and deliberately broken ones, one per reason a receiver must refuse), the
 * trust to configure the service with, a clock moved by hand, and a recording replay store,
 * ledger and listener to hand to the service so the test can see what it recorded and decided.
 *
 * <p>As a JUnit 5 extension, registered on a field (a fresh kit, with fresh keys and stores, for each
 * test when the field is an instance field; one kit for the class when it is static):
 *
 * <pre>{@code
 * @RegisterExtension
 * static EctTestKit ect = EctTestKit.create();     // issuer spiffe://test.example/agent/caller
 *
 * // configure the service under test to trust ect.keySource() (or ect.writeJwks(dir), ect.jwks())
 * // and to use ect.audience() as its verifier id, then:
 * String token = ect.token();                      // a valid ECT for ect.audience()
 * send(request.header("Execution-Context", token)) -> 200
 * send(... ect.expiredToken()) -> 403 expired
 * }</pre>
 *
 * or with {@code @ExtendWith(EctTestKit.class)}, which injects a default kit (one per test class)
 * into test method parameters of type {@code EctTestKit}.
 *
 * <p>Every token is minted by the library's own signer (profile §10: M-01 fresh {@code jti}, M-02
 * {@code iat}/{@code exp} from {@link #clock()}, M-03 header), so a token this kit calls valid is
 * one the library's verifier accepts. Thread-safe.
 */
public final class EctTestKit implements ParameterResolver {
    /** The issuer of a kit built by {@link #create()}. */
    public static final String DEFAULT_ISSUER = "spiffe://test.example/agent/caller";
    /** The audience of a kit built by {@link #create()}: the service under test's verifier id. */
    public static final String DEFAULT_AUDIENCE = "spiffe://test.example/agent/service";
    /** The {@code exec_act} of {@link #draft()}. */
    public static final String DEFAULT_EXEC_ACT = "test_task";

    private final String issuer;
    private final String audience;
    private final EctKeyPair key;
    private final EctKeyPair untrusted;
    private final MutableClock clock;
    private final EctSigner signer;
    private final KeySource keySource;
    private final RecordingReplayStore replayStore;
    private final InMemoryLedger ledger;
    private final RecordingListener listener = new RecordingListener();

    /** A default kit (what {@code @ExtendWith(EctTestKit.class)} makes): see {@link #create()}. */
    public EctTestKit() { this(builder()); }

    private EctTestKit(Builder b) {
        this.issuer = b.issuer;
        this.audience = b.audience;
        this.key = EctKeys.generate(b.algorithm, "test-1");
        this.untrusted = EctKeys.generate(b.algorithm, "untrusted-1");
        this.clock = new MutableClock(b.start != null ? b.start : Instant.ofEpochSecond(Instant.now().getEpochSecond()));
        this.signer = EctSigner.builder(key).clock(clock).build();
        this.keySource = StaticKeySource.builder().key(issuer, key).build();
        this.replayStore = new RecordingReplayStore(clock);
        this.ledger = new InMemoryLedger(clock);
    }

    /**
     * A kit for issuer {@value #DEFAULT_ISSUER} calling {@value #DEFAULT_AUDIENCE}, with a fresh
     * ES256 key (kid {@code test-1}) and a clock standing at the current second.
     */
    public static EctTestKit create() { return new EctTestKit(builder()); }

    /** Builds a kit with another issuer, audience, algorithm or start time. */
    public static Builder builder() { return new Builder(); }

    /** Options of a kit; each has the default of {@link #create()}. */
    public static final class Builder {
        private String issuer = DEFAULT_ISSUER;
        private String audience = DEFAULT_AUDIENCE;
        private EctAlgorithm algorithm = EctAlgorithm.ES256;
        private Instant start;

        private Builder() {}

        /** The trusted issuer's workload id ({@code iss}); default {@value EctTestKit#DEFAULT_ISSUER}. */
        public Builder issuer(String id) { issuer = nonBlank(id, "issuer"); return this; }

        /** The service under test's id ({@code aud}, its verifier id); default {@value EctTestKit#DEFAULT_AUDIENCE}. */
        public Builder audience(String id) { audience = nonBlank(id, "audience"); return this; }

        /** The key's algorithm; default ES256 (the profile's default, H-03). */
        public Builder algorithm(EctAlgorithm alg) { algorithm = Objects.requireNonNull(alg, "algorithm"); return this; }

        /** Where {@link EctTestKit#clock()} starts; default the current second. */
        public Builder startingAt(Instant t) { start = Objects.requireNonNull(t, "start"); return this; }

        public EctTestKit build() { return new EctTestKit(this); }

        private static String nonBlank(String s, String what) {
            Objects.requireNonNull(s, what);
            if (s.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return s;
        }
    }

    /** The trusted issuer's workload id, the {@code iss} of every token this kit mints. */
    public String issuer() { return issuer; }

    /** The service under test's id: the {@code aud} of the tokens, its verifier id. */
    public String audience() { return audience; }

    /** The trusted key pair (kid {@code test-1}). */
    public EctKeyPair key() { return key; }

    /** Trust for the service under test: the issuer's public key, bound to the issuer (V-07). */
    public KeySource keySource() { return keySource; }

    /** The issuer's public key as a JWKS document, for a service configured with JWKS files or URLs. */
    public String jwks() { return key.publicJwks(); }

    /**
     * Writes {@link #jwks()} to {@code file} and returns it, for {@code ECT_TRUST} / {@code --trust}
     * style configuration ({@code ISSUER=PATH}).
     */
    public Path writeJwks(Path file) {
        try {
            Files.writeString(file, jwks(), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The clock of every token's {@code iat}; move it to test expiry without sleeping. */
    public MutableClock clock() { return clock; }

    /** The trusted issuer's signer, on {@link #clock()}. */
    public EctSigner signer() { return signer; }

    /** A replay store to give the service under test; it remembers every record it accepted. */
    public RecordingReplayStore replayStore() { return replayStore; }

    /** A ledger to give the service under test (in memory, hash-chained like the others). */
    public InMemoryLedger ledger() { return ledger; }

    /**
     * A listener to give the verifier under test: it records each verification's outcome and
     * reason code, and each security event. {@link #verifier()} reports to it.
     */
    public RecordingListener listener() { return listener; }

    /**
     * A verifier as the service under test would configure it: {@link #audience()} as its id,
     * {@link #keySource()}, the kit's algorithm as the only one allowed (H-03), {@link #clock()},
     * {@link #replayStore()}, {@link #ledger()}, the logging listener and {@link #listener()}, default
     * settings otherwise.
     * Useful to check what a client under test sent.
     */
    public EctVerifier verifier() {
        return EctVerifier.builder().verifierId(audience).keySource(keySource).clock(clock)
                .settings(EctSettings.builder().algorithms(key.algorithm()).build())
                .replayStore(replayStore).ledger(ledger).listener(dev.ect.core.VerificationListener.logging().andThen(listener)).build();
    }

    /**
     * The draft every minted token starts from: {@code iss} = {@link #issuer()}, {@code aud} =
     * {@link #audience()}, {@code exec_act} = {@value #DEFAULT_EXEC_ACT}, a fresh {@code wid}.
     */
    public Ect.Builder draft() {
        return Ect.builder().iss(issuer).aud(audience).execAct(DEFAULT_EXEC_ACT).wid(UUID.randomUUID().toString());
    }

    /** A valid ECT: {@link #draft()} signed with the trusted key. */
    public SignedEct mint() { return signer.mint(draft().build()); }

    /** A valid ECT from {@link #draft()} changed by {@code change} (e.g. {@code b -> b.pred(parent)}). */
    public SignedEct mint(UnaryOperator<Ect.Builder> change) { return signer.mint(change.apply(draft()).build()); }

    /** {@link #mint()}'s compact form: the {@code Execution-Context} header value. */
    public String token() { return mint().compact(); }

    /** A valid ECT that is the child of {@code parent} in its workflow ({@code pred} = its jti, same {@code wid}). */
    public SignedEct child(SignedEct parent) {
        return mint(b -> b.wid(parent.ect().wid()).pred(parent.ect().jti()));
    }

    /** Signed by a key the kit does not trust (kid {@code untrusted-1}): a receiver answers {@code unknown_key} (V-07). */
    public String untrustedToken() {
        return EctSigner.builder(untrusted).clock(clock).build().sign(draft().build());
    }

    /**
     * A valid token with one bit of its signature flipped: {@code invalid_signature} (V-08). More
     * forgeries of a valid token: {@link EctForgery}.
     */
    public String tamperedToken() { return EctForgery.flippedSignatureBit(token()); }

    /** Issued an hour before {@link #clock()}'s now, so it expired 50 minutes ago: {@code expired} (V-11). */
    public String expiredToken() {
        Clock past = Clock.fixed(clock.instant().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        return EctSigner.builder(key).clock(past).build().sign(draft().build());
    }

    /** A valid token addressed to someone else: {@code audience_mismatch} (V-12). */
    public String tokenForAnotherAudience() { return mint(b -> b.aud("spiffe://test.example/agent/someone-else")).compact(); }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == EctTestKit.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) { return this; }

    @Override
    public String toString() { return "EctTestKit{iss=" + issuer + ", aud=" + audience + ", alg=" + key.algorithm() + "}"; }
}

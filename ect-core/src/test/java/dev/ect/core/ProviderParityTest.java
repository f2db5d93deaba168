package dev.ect.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.interfaces.ECKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Minting and verification give the same answers whichever JCA provider does the signature
 * operation: the JDK's providers or the Amazon Corretto Crypto Provider (a test dependency here).
 * Every algorithm, every provider pairing (mint with one, verify with the other), and the
 * signature tamperings of V-08 (bit flips, r or s = 0, r or s &ge; n, DER instead of R||S, wrong
 * length, another key's signature).
 */
class ProviderParityTest {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC);
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    static final Base64.Decoder B64D = Base64.getUrlDecoder();
    static final Map<EctAlgorithm, EctKeyPair> KEYS = new EnumMap<>(EctAlgorithm.class);
    static final Map<EctAlgorithm, EctKeyPair> OTHER_KEYS = new EnumMap<>(EctAlgorithm.class);

    @BeforeAll
    static void keys() {
        for (EctAlgorithm a : EctAlgorithm.values()) {
            KEYS.put(a, EctKeys.generate(a, "k1"));
            OTHER_KEYS.put(a, EctKeys.generate(a, "k1"));
        }
    }

    static CryptoProvider accp() {
        return CryptoProvider.accp().orElseThrow(() -> new AssertionError("ACCP (a test dependency) must load on this machine"));
    }

    static List<CryptoProvider> providers() { return List.of(CryptoProvider.jdk(), accp()); }

    static Stream<Arguments> providerAndAlg() {
        List<Arguments> out = new ArrayList<>();
        for (CryptoProvider p : providers()) {
            for (EctAlgorithm a : EctAlgorithm.values()) {
                out.add(Arguments.of(p.name(), a));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> signerVerifierAlg() {
        List<Arguments> out = new ArrayList<>();
        for (CryptoProvider s : providers()) {
            for (CryptoProvider v : providers()) {
                for (EctAlgorithm a : EctAlgorithm.values()) {
                    out.add(Arguments.of(s.name(), v.name(), a));
                }
            }
        }
        return out.stream();
    }

    static CryptoProvider byName(String name) { return name.equals("jdk") ? CryptoProvider.jdk() : accp(); }

    static EctSigner signer(EctAlgorithm alg, EctKeyPair key, CryptoProvider p) {
        return EctSigner.builder(key).clock(CLOCK).crypto(p).build();
    }

    static EctVerifier verifier(EctAlgorithm alg, CryptoProvider p) {
        return EctVerifier.builder().verifierId(B).clock(CLOCK).settings(EctSettings.builder().algorithms(EnumSet.allOf(EctAlgorithm.class)).build())
                .keySource(StaticKeySource.builder().key(A, KEYS.get(alg)).build()).crypto(p).build();
    }

    static String mint(EctAlgorithm alg, CryptoProvider p) {
        return signer(alg, KEYS.get(alg), p).sign(Ect.builder().iss(A).aud(B).execAct("review_spec").build());
    }

    static String withSignature(String token, byte[] sig) {
        return token.substring(0, token.lastIndexOf('.') + 1) + B64.encodeToString(sig);
    }

    static byte[] signatureOf(String token) { return B64D.decode(token.substring(token.lastIndexOf('.') + 1)); }

    static void assertInvalidSignature(EctVerifier v, String token) {
        assertThatThrownBy(() -> v.verify(token)).isInstanceOfSatisfying(EctRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_SIGNATURE));
    }

    @Test
    void autoPicksAccpWhenItIsHealthyAndBuildersDefaultToAuto() {
        assertThat(CryptoProvider.auto()).isEqualTo(accp());
        assertThat(CryptoProvider.auto().name()).isEqualTo("AmazonCorrettoCryptoProvider");
        EctKeyPair k = KEYS.get(EctAlgorithm.ES256);
        assertThat(EctSigner.builder(k).build().cryptoProvider()).contains(CryptoProvider.auto());
        assertThat(EctVerifier.builder().verifierId(B).keySource(StaticKeySource.builder().key(A, k).build()).build()
                .cryptoProvider()).contains(CryptoProvider.auto());
        assertThat(CryptoProvider.jdk().isJdk()).isTrue();
        assertThat(CryptoProvider.jdk().provider()).isEmpty();
        assertThat(accp().isJdk()).isFalse();
        assertThat(accp().toString()).startsWith("CryptoProvider[AmazonCorrettoCryptoProvider");
    }

    @Test
    void providersAreNeverInstalledGlobally() {
        mint(EctAlgorithm.ES256, accp());
        verifier(EctAlgorithm.ES256, accp()).verify(mint(EctAlgorithm.ES256, accp()));
        assertThat(Security.getProvider("AmazonCorrettoCryptoProvider")).isNull();
    }

    @Test
    void builderRejectsNullAndTwiceSetProviders() {
        EctKeyPair k = KEYS.get(EctAlgorithm.ES256);
        assertThatThrownBy(() -> EctSigner.builder(k).crypto(null)).hasMessageContaining("crypto cannot be null");
        assertThatThrownBy(() -> EctSigner.builder(k).crypto(accp()).crypto(CryptoProvider.jdk()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> EctVerifier.builder().crypto(accp()).provider(accp().provider().orElseThrow()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> CryptoProvider.of(null)).hasMessageContaining("provider cannot be null");
        assertThat(EctSigner.builder(k).provider(accp().provider().orElseThrow()).build().cryptoProvider()).contains(accp());
    }

    @ParameterizedTest(name = "mint {0}, verify {1}, {2}")
    @MethodSource("signerVerifierAlg")
    void whatOneProviderMintsTheOtherVerifies(String signerProvider, String verifierProvider, EctAlgorithm alg) {
        String token = mint(alg, byName(signerProvider));
        VerifiedEct v = verifier(alg, byName(verifierProvider)).verify(token);
        assertThat(v.ect().alg()).isEqualTo(alg.jwaName());
        assertThat(v.level()).isEqualTo(EctLevel.L2);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providerAndAlg")
    void everySignatureBitFlipIsRejected(String provider, EctAlgorithm alg) { // V-08
        CryptoProvider p = byName(provider);
        String token = mint(alg, p);
        byte[] sig = signatureOf(token);
        EctVerifier v = verifier(alg, p);
        // first, middle and last byte; low and high bit
        for (int i : new int[] {0, sig.length / 2 - 1, sig.length / 2, sig.length - 1}) {
            for (int bit : new int[] {0, 7}) {
                byte[] t = sig.clone();
                t[i] ^= (byte) (1 << bit);
                assertInvalidSignature(v, withSignature(token, t));
            }
        }
        v.verify(token); // and the original still verifies
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providerAndAlg")
    void aChangedPayloadIsRejected(String provider, EctAlgorithm alg) { // V-08
        CryptoProvider p = byName(provider);
        String token = mint(alg, p);
        String[] parts = token.split("\\.");
        String claims = new String(B64D.decode(parts[1]), StandardCharsets.UTF_8).replace("review_spec", "review_spex");
        String forged = parts[0] + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertInvalidSignature(verifier(alg, p), forged);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providerAndAlg")
    void anotherKeysSignatureIsRejected(String provider, EctAlgorithm alg) { // V-08
        CryptoProvider p = byName(provider);
        String other = signer(alg, OTHER_KEYS.get(alg), p).sign(Ect.builder().iss(A).aud(B).execAct("review_spec").build());
        assertInvalidSignature(verifier(alg, p), other);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providerAndAlg")
    void wrongSignatureLengthsAreRejected(String provider, EctAlgorithm alg) { // V-08
        CryptoProvider p = byName(provider);
        String token = mint(alg, p);
        byte[] sig = signatureOf(token);
        EctVerifier v = verifier(alg, p);
        assertInvalidSignature(v, withSignature(token, Arrays.copyOf(sig, sig.length - 1)));
        assertInvalidSignature(v, withSignature(token, Arrays.copyOf(sig, sig.length + 1)));
        assertInvalidSignature(v, withSignature(token, Arrays.copyOf(sig, sig.length * 2)));
    }

    static Stream<Arguments> providerAndEcdsa() {
        return providerAndAlg().filter(a -> ((EctAlgorithm) a.get()[1]).isEcdsa());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providerAndEcdsa")
    void outOfRangeScalarsAreRejected(String provider, EctAlgorithm alg) { // V-08, CVE-2022-21449 class
        CryptoProvider p = byName(provider);
        String token = mint(alg, p);
        byte[] sig = signatureOf(token);
        int half = sig.length / 2;
        BigInteger n = ((ECKey) KEYS.get(alg).publicKey()).getParams().getOrder();
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig, 0, half));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, half, sig.length));
        EctVerifier v = verifier(alg, p);
        assertInvalidSignature(v, withSignature(token, new byte[sig.length])); // psychic signature: r = s = 0
        assertInvalidSignature(v, withSignature(token, concat(BigInteger.ZERO, s, half)));
        assertInvalidSignature(v, withSignature(token, concat(r, BigInteger.ZERO, half)));
        assertInvalidSignature(v, withSignature(token, concat(n, s, half)));
        assertInvalidSignature(v, withSignature(token, concat(r, n, half)));
        assertInvalidSignature(v, withSignature(token, concat(r.add(n), s, half))); // r + n (same value mod n)
        assertInvalidSignature(v, withSignature(token, concat(r, s.add(n), half)));
        byte[] ff = new byte[sig.length];
        Arrays.fill(ff, (byte) 0xFF);
        assertInvalidSignature(v, withSignature(token, ff));
        v.verify(token);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providerAndEcdsa")
    void aDerEncodedSignatureIsRejected(String provider, EctAlgorithm alg) throws Exception { // V-08: R||S only
        CryptoProvider p = byName(provider);
        String token = mint(alg, p);
        String jca = "SHA" + (alg == EctAlgorithm.ES256 ? 256 : alg == EctAlgorithm.ES384 ? 384 : 512) + "withECDSA";
        Signature der = Signature.getInstance(jca);
        der.initSign(KEYS.get(alg).privateKey());
        der.update(token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII));
        byte[] derSig = der.sign();
        // a valid signature over the right input, only in DER form
        Signature check = Signature.getInstance(jca);
        check.initVerify(KEYS.get(alg).publicKey());
        check.update(token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII));
        assertThat(check.verify(derSig)).isTrue();
        assertInvalidSignature(verifier(alg, p), withSignature(token, derSig));
    }

    @ParameterizedTest
    @EnumSource(names = {"ES256", "ES384", "ES512"})
    void accpAloneRejectsThePsychicSignature(EctAlgorithm alg) throws Exception {
        // without our pre-checks: the provider's own verify must refuse r = s = 0 too
        String jca = "SHA" + (alg == EctAlgorithm.ES256 ? 256 : alg == EctAlgorithm.ES384 ? 384 : 512) + "withECDSAinP1363Format";
        for (Provider prov : List.of(accp().provider().orElseThrow(), Signature.getInstance(jca).getProvider())) {
            Signature s = Signature.getInstance(jca, prov);
            s.initVerify(KEYS.get(alg).publicKey());
            s.update("anything".getBytes(StandardCharsets.US_ASCII));
            boolean accepted;
            try {
                accepted = s.verify(new byte[alg.signatureLength()]);
            } catch (SignatureException e) {
                accepted = false;
            }
            assertThat(accepted).as(prov.getName()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"ES256", "ES384", "ES512"})
    void preChecksRunBeforeAnyProvider(EctAlgorithm alg) {
        // a provider that counts the verifications it is asked for: out-of-range signatures never reach it
        CountingProvider counting = new CountingProvider(accp().provider().orElseThrow());
        CryptoProvider p = CryptoProvider.of(counting);
        String token = mint(alg, CryptoProvider.jdk());
        EctVerifier v = verifier(alg, p);
        int half = alg.signatureLength() / 2;
        BigInteger n = ((ECKey) KEYS.get(alg).publicKey()).getParams().getOrder();
        assertInvalidSignature(v, withSignature(token, new byte[alg.signatureLength()]));
        assertInvalidSignature(v, withSignature(token, concat(n, BigInteger.ONE, half)));
        assertInvalidSignature(v, withSignature(token, new byte[alg.signatureLength() + 2]));
        assertThat(counting.verifies.get()).isZero();
        v.verify(token);
        assertThat(counting.verifies.get()).isEqualTo(1);
        assertThat(v.cryptoProvider()).contains(p);
        assertThat(p.name()).isEqualTo("Counting");
    }

    @ParameterizedTest
    @EnumSource(EctAlgorithm.class)
    void aProviderWithoutP1363EcdsaIsUsedThroughDer(EctAlgorithm alg) {
        // only plain SHAxxxwithECDSA (DER) offered: signatures are converted both ways
        CountingProvider derOnly = new CountingProvider(accp().provider().orElseThrow(), false);
        CryptoProvider p = CryptoProvider.of(derOnly);
        String token = mint(alg, p);
        assertThat(signatureOf(token)).hasSize(alg.isEcdsa() ? alg.signatureLength() : signatureOf(token).length);
        verifier(alg, p).verify(token);
        verifier(alg, CryptoProvider.jdk()).verify(mint(alg, p));
        verifier(alg, p).verify(mint(alg, CryptoProvider.jdk()));
        if (alg.isEcdsa()) {
            byte[] sig = signatureOf(token);
            assertInvalidSignature(verifier(alg, p), withSignature(token, new byte[sig.length]));
            byte[] flipped = sig.clone();
            flipped[3] ^= 1;
            assertInvalidSignature(verifier(alg, p), withSignature(token, flipped));
        }
        assertThat(derOnly.verifies.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aFailingProviderFailsSigningClearlyAndVerificationClosed() {
        Provider broken = new Provider("Broken", "1", "always fails") {
            private static final long serialVersionUID = 1L;
            {
                for (String alg : List.of("SHA256withECDSAinP1363Format", "SHA256withECDSA")) {
                    putService(new Service(this, "Signature", alg, BrokenSpi.class.getName(), null, null) {
                        @Override
                        public Object newInstance(Object param) { return new BrokenSpi(); }
                    });
                }
            }
        };
        CryptoProvider p = CryptoProvider.of(broken);
        EctKeyPair k = KEYS.get(EctAlgorithm.ES256);
        assertThatThrownBy(() -> signer(EctAlgorithm.ES256, k, p).sign(Ect.builder().iss(A).aud(B).execAct("x").build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Broken");
        assertInvalidSignature(verifier(EctAlgorithm.ES256, p), mint(EctAlgorithm.ES256, CryptoProvider.jdk()));
    }

    static byte[] concat(BigInteger r, BigInteger s, int half) {
        byte[] out = new byte[2 * half];
        put(out, 0, half, r);
        put(out, half, half, s);
        return out;
    }

    private static void put(byte[] out, int off, int half, BigInteger v) {
        byte[] b = v.toByteArray();
        int start = 0;
        while (start < b.length - 1 && b[start] == 0) {
            start++;
        }
        int n = b.length - start;
        if (n > half) { // r + n may need one more byte than the curve: keep the low bytes (still >= n or wraps)
            Arrays.fill(out, off, off + half, (byte) 0xFF);
            return;
        }
        System.arraycopy(b, start, out, off + half - n, n);
    }

    /** Wraps another provider's signatures and counts verify calls; optionally hides the P1363 names. */
    static final class CountingProvider extends Provider {
        private static final long serialVersionUID = 1L;
        final transient AtomicInteger verifies = new AtomicInteger();

        CountingProvider(Provider delegate) { this(delegate, true); }

        CountingProvider(Provider delegate, boolean p1363) {
            super("Counting", "1", "counts verifications");
            for (String alg : List.of("SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA", "Ed25519", "RSASSA-PSS")) {
                offer(delegate, alg);
                if (p1363 && alg.endsWith("ECDSA")) {
                    offer(delegate, alg + "inP1363Format");
                }
            }
        }

        private void offer(Provider delegate, String alg) {
            putService(new Service(this, "Signature", alg, CountingSpi.class.getName(), null, null) {
                @Override
                public Object newInstance(Object param) {
                    try {
                        return new CountingSpi(Signature.getInstance(alg, delegate), verifies);
                    } catch (java.security.GeneralSecurityException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        }
    }

    static final class CountingSpi extends SignatureSpi {
        private final Signature d;
        private final AtomicInteger verifies;

        CountingSpi(Signature d, AtomicInteger verifies) {
            this.d = d;
            this.verifies = verifies;
        }

        @Override protected void engineInitVerify(PublicKey k) throws InvalidKeyException { d.initVerify(k); }
        @Override protected void engineInitSign(PrivateKey k) throws InvalidKeyException { d.initSign(k); }
        @Override protected void engineUpdate(byte b) throws SignatureException { d.update(b); }
        @Override protected void engineUpdate(byte[] b, int off, int len) throws SignatureException { d.update(b, off, len); }
        @Override protected byte[] engineSign() throws SignatureException { return d.sign(); }

        @Override
        protected boolean engineVerify(byte[] sig) throws SignatureException {
            verifies.incrementAndGet();
            return d.verify(sig);
        }

        @Override
        protected void engineSetParameter(java.security.spec.AlgorithmParameterSpec params)
                throws java.security.InvalidAlgorithmParameterException {
            d.setParameter(params);
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) { throw new UnsupportedOperationException(); }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) { throw new UnsupportedOperationException(); }
    }

    static final class BrokenSpi extends SignatureSpi {
        @Override protected void engineInitVerify(PublicKey k) throws InvalidKeyException { throw new InvalidKeyException("broken"); }
        @Override protected void engineInitSign(PrivateKey k) throws InvalidKeyException { throw new InvalidKeyException("broken"); }
        @Override protected void engineUpdate(byte b) {}
        @Override protected void engineUpdate(byte[] b, int off, int len) {}
        @Override protected byte[] engineSign() throws SignatureException { throw new SignatureException("broken"); }
        @Override protected boolean engineVerify(byte[] sig) throws SignatureException { throw new SignatureException("broken"); }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) { throw new UnsupportedOperationException(); }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) { throw new UnsupportedOperationException(); }
    }
}

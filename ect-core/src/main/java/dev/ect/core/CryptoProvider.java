package dev.ect.core;

import java.lang.reflect.InvocationTargetException;
import java.security.Provider;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which JCA provider performs the signature operations of {@link EctSigner} and
 * {@link EctVerifier}. Immutable.
 *
 * <ul>
 *   <li>{@link #auto()} (the default of both builders): the Amazon Corretto Crypto Provider
 *       (ACCP, native AWS-LC, roughly 10&times; faster ECDSA than the JDK) when it is on the class
 *       path and reports itself healthy, otherwise {@link #jdk()}. ACCP is an optional dependency:
 *       add {@code software.amazon.cryptools:AmazonCorrettoCryptoProvider} (classifier
 *       {@code linux-x86_64} or {@code linux-aarch_64}) to use it; this library has no compile
 *       dependency on it.
 *   <li>{@link #jdk()}: the JCA provider list of the running JVM ({@code SunEC}, {@code SunRsaSign}).
 *   <li>{@link #of(Provider)}: exactly this provider object.
 * </ul>
 *
 * <p>No provider is ever installed globally ({@code Security.addProvider} is never called): the
 * provider object is passed to each {@code Signature.getInstance} call. The checks made before
 * the signature operation (key fits {@code alg}, exact signature length, ECDSA {@code 0 < r, s < n})
 * are the same whichever provider is used.
 */
public final class CryptoProvider {
    private static final Logger LOG = LoggerFactory.getLogger(CryptoProvider.class);
    private static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
    private static final CryptoProvider JDK = new CryptoProvider(null);

    private final Provider provider;

    private CryptoProvider(Provider provider) { this.provider = provider; }

    /** The JVM's own providers (the {@code java.security} provider list). */
    public static CryptoProvider jdk() { return JDK; }

    /** Exactly this provider (not registered globally). */
    public static CryptoProvider of(Provider provider) {
        return new CryptoProvider(Objects.requireNonNull(provider, "provider cannot be null"));
    }

    /**
     * The Amazon Corretto Crypto Provider when it is on the class path, loaded its native library
     * ({@code getLoadingError() == null}) and passes {@code assertHealthy()}; empty otherwise.
     * Checked once per JVM.
     */
    public static Optional<CryptoProvider> accp() { return Optional.ofNullable(AccpHolder.ACCP); }

    /** ACCP when available and healthy (see {@link #accp()}), otherwise {@link #jdk()}. Resolved once. */
    public static CryptoProvider auto() { return AccpHolder.AUTO; }

    /** The provider object, or empty for {@link #jdk()} (the JVM's provider list). */
    public Optional<Provider> provider() { return Optional.ofNullable(provider); }

    /** {@code "jdk"}, or the provider's name, e.g. {@code "AmazonCorrettoCryptoProvider"}. */
    public String name() { return provider == null ? "jdk" : provider.getName(); }

    /** True for {@link #jdk()}. */
    public boolean isJdk() { return provider == null; }

    @Override
    public boolean equals(Object o) {
        return o instanceof CryptoProvider c && c.provider == provider;
    }

    @Override
    public int hashCode() { return System.identityHashCode(provider); }

    @Override
    public String toString() {
        return provider == null ? "CryptoProvider[jdk]" : "CryptoProvider[" + provider.getName() + " " + provider.getVersionStr() + "]";
    }

    /** Lazy, once per JVM: the reflective ACCP probe. */
    private static final class AccpHolder {
        static final CryptoProvider ACCP = probe();
        static final CryptoProvider AUTO = ACCP != null ? ACCP : JDK;

        static {
            LOG.debug("ECT crypto provider (auto): {}", AUTO);
        }

        private static CryptoProvider probe() {
            try {
                Class<?> c = Class.forName(ACCP_CLASS, true, CryptoProvider.class.getClassLoader());
                Provider p = (Provider) c.getField("INSTANCE").get(null);
                Object error = c.getMethod("getLoadingError").invoke(p);
                if (error != null) {
                    LOG.debug("ACCP is on the class path but did not load: {}", error);
                    return null;
                }
                c.getMethod("assertHealthy").invoke(p);
                return new CryptoProvider(p);
            } catch (ClassNotFoundException e) {
                return null;
            } catch (InvocationTargetException e) {
                LOG.warn("ACCP is on the class path but is not healthy; using the JDK provider: {}", e.getCause().toString());
                return null;
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                LOG.warn("ACCP could not be probed; using the JDK provider: {}", e.toString());
                return null;
            }
        }
    }
}

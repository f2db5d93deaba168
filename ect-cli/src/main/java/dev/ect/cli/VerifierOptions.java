package dev.ect.cli;

import dev.ect.core.VerificationListener;
import dev.ect.core.config.EctConfig;
import dev.ect.core.config.EctConfigException;
import dev.ect.core.config.EctConfigSource;
import dev.ect.core.config.EctOption;
import dev.ect.core.config.EctRuntime;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Everything {@code verify} and {@code serve} share to build a verifier: trust, stores, policy. The
 * options feed an {@link EctConfigSource} of their own ({@code option --x}) over the environment,
 * and {@link EctConfig} parses both in one place.
 */
final class VerifierOptions {
    @Mixin
    TrustOptions trust = new TrustOptions();

    @Mixin
    StoreOptions stores = new StoreOptions();

    @Option(names = "--allow-unresolved", description = "accept predecessors that are not in the store (G-02 ALLOW policy)")
    boolean allowUnresolved;

    @Option(names = "--min-level", paramLabel = "L1|L2|L3",
            description = "minimum assurance level (default L2, or ECT_MIN_LEVEL); L3 needs --ledger (or ECT_JDBC_URL)")
    String minLevel;

    @Option(names = "--crypto", paramLabel = "auto|jdk|accp",
            description = "signature provider: auto (default, or ECT_CRYPTO) = ACCP (native AWS-LC) where it loads "
                + "(linux x86_64), else the JDK; accp = ACCP or fail to start; jdk = the JDK's providers.")
    String crypto;

    /**
     * The configuration of these options over the environment.
     *
     * @param idOption the option naming the verifier id ({@code --aud}, {@code --id})
     * @param more further options of the command (e.g. {@code serve --response-key}) by their names
     */
    EctConfig config(String idOption, String verifierId, Map<String, String> env, Map<EctOption, Map.Entry<String, String>> more) {
        Map<EctOption, String> values = new EnumMap<>(EctOption.class);
        Map<EctOption, String> names = new EnumMap<>(EctOption.class);
        if (verifierId != null) {
            values.put(EctOption.VERIFIER_ID, verifierId);
        }
        names.put(EctOption.VERIFIER_ID, idOption);
        trust.addTo(values, names);
        stores.addTo(values, names);
        if (allowUnresolved) {
            values.put(EctOption.ALLOW_UNRESOLVED, "true");
        }
        names.put(EctOption.ALLOW_UNRESOLVED, "--allow-unresolved");
        if (minLevel != null) {
            values.put(EctOption.MIN_LEVEL, minLevel);
        }
        names.put(EctOption.MIN_LEVEL, "--min-level");
        if (crypto != null) {
            values.put(EctOption.CRYPTO, crypto);
        }
        names.put(EctOption.CRYPTO, "--crypto");
        more.forEach((o, nameAndValue) -> {
            names.put(o, nameAndValue.getKey());
            if (nameAndValue.getValue() != null) {
                values.put(o, nameAndValue.getValue());
            }
        });
        EctConfigSource options = EctConfigSource.of(values, o -> "option " + names.getOrDefault(o, "--" + o.property().substring(4)));
        return EctConfig.from(options.or(EctConfigSource.environment(env)));
    }

    /**
     * Opens the verifier (and stores, and the response signer when configured); close the result.
     *
     * @throws CliException naming the option or variable at fault
     */
    static EctRuntime open(EctConfig config, VerificationListener listener) {
        try {
            return config.open(Clock.systemUTC(), b -> b.listener(listener));
        } catch (EctConfigException e) {
            throw new CliException(e.getMessage(), e);
        }
    }
}

package dev.ect.cli;

import dev.ect.core.config.EctOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The trust options shared by {@code verify} and {@code serve}: which issuers' keys to accept and
 * which algorithms (H-03). Parsed by {@link dev.ect.core.config.EctConfig}, like the environment.
 */
final class TrustOptions {
    @Option(names = "--trust", paramLabel = "ISS=JWKS",
            description = "trust the keys of issuer ISS: a JWKS file (from ect keygen) or an https:// JWKS URL. "
                + "Repeat for several issuers (or list them in ECT_TRUST, separated by commas or spaces). "
                + "A key only ever verifies tokens of its own issuer (V-07).")
    List<String> trust = new ArrayList<>();

    @Option(names = "--jwks-max-stale-seconds", paramLabel = "SECONDS",
            description = "how long past its 5 min cache lifetime a JWKS URL's key set that cannot be refreshed is "
                + "still used; then key_source_unavailable (K-04). Default: ECT_JWKS_MAX_STALE_SEC, else 600.")
    Long jwksMaxStaleSeconds;

    @Option(names = "--jwks-allow-insecure-http",
            description = "allow http:// JWKS URLs, for development only: anyone on the path can replace the keys (K-03). "
                + "Default: ECT_JWKS_ALLOW_INSECURE_HTTP, else false.")
    boolean jwksAllowInsecureHttp;

    @Option(names = "--alg", paramLabel = "ALG",
            description = "allow this signature algorithm (repeat). Default: ECT_ALGORITHMS when set, else the "
                + "algs the trusted JWKS files declare, else ES256. none, HS* and RS* are never allowed (H-03).")
    List<String> algs = new ArrayList<>();

    /** Adds the options given on the command line to {@code values}, with their names for messages. */
    void addTo(Map<EctOption, String> values, Map<EctOption, String> names) {
        if (!trust.isEmpty()) {
            values.put(EctOption.TRUST, String.join(" ", trust));
            names.put(EctOption.TRUST, "--trust");
        }
        if (jwksMaxStaleSeconds != null) {
            values.put(EctOption.JWKS_MAX_STALE_SECONDS, jwksMaxStaleSeconds.toString());
            names.put(EctOption.JWKS_MAX_STALE_SECONDS, "--jwks-max-stale-seconds");
        }
        if (jwksAllowInsecureHttp) {
            values.put(EctOption.JWKS_ALLOW_INSECURE_HTTP, "true");
        }
        names.put(EctOption.JWKS_ALLOW_INSECURE_HTTP, "--jwks-allow-insecure-http");
        if (!algs.isEmpty()) {
            values.put(EctOption.ALGORITHMS, String.join(",", algs));
            names.put(EctOption.ALGORITHMS, "--alg");
        }
    }
}

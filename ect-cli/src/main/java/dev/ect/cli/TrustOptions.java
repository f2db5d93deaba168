package dev.ect.cli;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.keys.JwksUrlKeySource;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The trust options shared by {@code verify} and {@code serve}: which issuers' keys to accept and
 * which algorithms (H-03).
 */
final class TrustOptions {
    @Option(names = "--trust", required = true, paramLabel = "ISS=JWKS",
            description = "trust the keys of issuer ISS: a JWKS file (from ect keygen) or an https:// JWKS URL. "
                + "Repeat for several issuers. A key only ever verifies tokens of its own issuer (V-07).")
    List<String> trust = new ArrayList<>();

    /** Environment variable of {@link #jwksMaxStaleSeconds} (K-04). */
    static final String ENV_MAX_STALE = "ECT_JWKS_MAX_STALE_SEC";
    /** Environment variable of {@link #jwksAllowInsecureHttp} (K-03). */
    static final String ENV_ALLOW_HTTP = "ECT_JWKS_ALLOW_INSECURE_HTTP";

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

    /** The key source and the algorithm allowlist that follow from the options. */
    record Trust(KeySource keySource, Set<EctAlgorithm> algorithms) {}

    /**
     * @param envAlgorithms the allowlist of the environment (ECT_ALGORITHMS or the default), used
     *     when neither --alg nor the trusted files name an algorithm
     * @param envSetsAlgorithms whether ECT_ALGORITHMS was set explicitly (it then wins over the files)
     */
    Trust build(Set<EctAlgorithm> envAlgorithms, boolean envSetsAlgorithms, Map<String, String> env) {
        StaticKeySource.Builder files = StaticKeySource.builder();
        boolean allowHttp = jwksAllowInsecureHttp || envFlag(env, ENV_ALLOW_HTTP);
        JwksUrlKeySource.Builder urls = JwksUrlKeySource.builder().maxStale(maxStale(env)).allowInsecureHttp(allowHttp);
        boolean anyFile = false;
        boolean anyUrl = false;
        Set<EctAlgorithm> declared = new LinkedHashSet<>();
        for (String t : trust) {
            int eq = t.indexOf('=');
            if (eq <= 0 || eq == t.length() - 1) {
                throw new CliException("--trust expects ISS=JWKS (issuer, '=', JWKS file or URL), not '" + t + "'");
            }
            String iss = t.substring(0, eq);
            String where = t.substring(eq + 1);
            if (where.startsWith("https://") || where.startsWith("http://")) {
                if (where.startsWith("http://") && !allowHttp) {
                    throw new CliException("--trust " + iss + ": JWKS URL " + where + " is not https (K-03); plain http is for "
                            + "development only: allow it with --jwks-allow-insecure-http or " + ENV_ALLOW_HTTP + "=true");
                }
                try {
                    urls.issuer(iss, URI.create(where));
                } catch (IllegalArgumentException e) {
                    throw new CliException("--trust " + iss + ": bad URL " + where + ": " + e.getMessage(), e);
                }
                anyUrl = true;
                continue;
            }
            Path file = Path.of(where);
            String json = BaseCommand.readFile(file, "JWKS file");
            try {
                if (dev.ect.core.keys.EctKeys.parseJwks(json).isEmpty()) {
                    throw new IllegalArgumentException("no usable public key (expected a JWKS document {\"keys\":[...]} "
                            + "with a kid on each key, as written by ect keygen --public)");
                }
                files.jwks(iss, json);
                declared.addAll(declaredAlgorithms(json));
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new CliException("--trust " + iss + "=" + file + ": " + e.getMessage(), e);
            }
            anyFile = true;
        }
        KeySource ks;
        if (anyFile && anyUrl) {
            ks = KeySource.firstOf(files.build(), urls.build());
        } else if (anyUrl) {
            ks = urls.build();
        } else {
            ks = files.build();
        }
        Set<EctAlgorithm> allow;
        if (!algs.isEmpty()) {
            allow = EnumSet.noneOf(EctAlgorithm.class);
            for (String a : algs) {
                try {
                    allow.add(EctAlgorithm.parse(a));
                } catch (IllegalArgumentException e) {
                    throw new CliException("--alg: " + e.getMessage(), e);
                }
            }
        } else if (!envSetsAlgorithms && !declared.isEmpty()) {
            allow = declared;
        } else {
            allow = envAlgorithms;
        }
        return new Trust(ks, allow);
    }

    /** K-04: --jwks-max-stale-seconds, else ECT_JWKS_MAX_STALE_SEC, else the library default. */
    private Duration maxStale(Map<String, String> env) {
        if (jwksMaxStaleSeconds != null) {
            if (jwksMaxStaleSeconds < 0) {
                throw new CliException("--jwks-max-stale-seconds must be >= 0, not " + jwksMaxStaleSeconds);
            }
            return Duration.ofSeconds(jwksMaxStaleSeconds);
        }
        String v = env.get(ENV_MAX_STALE);
        if (v == null || v.isBlank()) {
            return JwksUrlKeySource.DEFAULT_MAX_STALE;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 0) {
                return Duration.ofSeconds(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CliException(ENV_MAX_STALE + "=" + v + " is invalid: expected whole seconds >= 0");
    }

    private static boolean envFlag(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return false;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new CliException(name + "=" + v + " is invalid: expected true or false");
        };
    }

    /** The algorithms named by the {@code alg} members of a JWKS document's keys. */
    private static Set<EctAlgorithm> declaredAlgorithms(String json) {
        Set<EctAlgorithm> out = new LinkedHashSet<>();
        Object keys = JsonText.parseObject(json).get("keys");
        if (keys instanceof List<?> list) {
            for (Object k : list) {
                if (k instanceof Map<?, ?> m && m.get("alg") instanceof String a) {
                    EctAlgorithm alg = EctAlgorithm.fromJwaName(a);
                    if (alg != null) {
                        out.add(alg);
                    }
                }
            }
        }
        return out;
    }
}

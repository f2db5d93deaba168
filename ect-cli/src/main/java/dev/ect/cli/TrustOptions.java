package dev.ect.cli;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.keys.JwksUrlKeySource;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
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
    Trust build(Set<EctAlgorithm> envAlgorithms, boolean envSetsAlgorithms) {
        StaticKeySource.Builder files = StaticKeySource.builder();
        JwksUrlKeySource.Builder urls = JwksUrlKeySource.builder();
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

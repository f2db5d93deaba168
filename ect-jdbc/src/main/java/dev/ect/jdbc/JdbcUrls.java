package dev.ect.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Checks and redacts PostgreSQL JDBC URLs. */
final class JdbcUrls {
    private static final String PREFIX = "jdbc:postgresql:";

    private JdbcUrls() {}

    static String check(String url) {
        if (!url.toLowerCase(Locale.ROOT).startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: it must start with jdbc:postgresql://");
        }
        String rest = url.substring(PREFIX.length());
        if (!rest.startsWith("//") || rest.length() <= 2) {
            throw new IllegalArgumentException("a PostgreSQL JDBC URL has the form jdbc:postgresql://host[:port]/database[?...]");
        }
        return url;
    }

    /** The URL without its query (which may carry a password). */
    static String redact(String url) {
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q);
        int at = base.indexOf('@');
        return at < 0 ? base : PREFIX + "//" + base.substring(at + 1);
    }

    /**
     * Splits the URL into the driver's URL (without {@code ect.*} options) and the
     * {@code ect.*} options (names without the prefix), in order.
     */
    static Map.Entry<String, Map<String, String>> splitOptions(String url) {
        int q = url.indexOf('?');
        Map<String, String> options = new LinkedHashMap<>();
        if (q < 0) {
            return Map.entry(url, options);
        }
        StringBuilder kept = new StringBuilder();
        for (String kv : url.substring(q + 1).split("&")) {
            if (kv.startsWith("ect.")) {
                int eq = kv.indexOf('=');
                String name = eq < 0 ? kv.substring(4) : kv.substring(4, eq);
                options.put(name, eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            } else if (!kv.isEmpty()) {
                kept.append(kept.length() == 0 ? "?" : "&").append(kv);
            }
        }
        return Map.entry(url.substring(0, q) + kept, options);
    }

    /** The {@code currentSchema} query parameter, when it names exactly one schema. */
    static Optional<String> currentSchema(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return Optional.empty();
        }
        for (String kv : url.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equals("currentSchema")) {
                String v = URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                return v.isEmpty() || v.contains(",") ? Optional.empty() : Optional.of(v);
            }
        }
        return Optional.empty();
    }
}

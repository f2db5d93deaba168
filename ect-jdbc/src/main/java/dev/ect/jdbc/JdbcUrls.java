package dev.ect.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
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

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

    /**
     * K-06: refuses driver settings that encrypt without verifying the server. {@code sslmode}
     * {@code allow}, {@code prefer}, {@code require} and {@code verify-ca} do not check the host
     * name (the first three not even the certificate), and the {@code NonValidatingFactory} turns
     * every check off: an impostor database would receive every ECT and answer the DAG checks. Use
     * {@code sslmode=verify-full} (with {@code sslrootcert}), or {@code sslmode=disable} on a
     * network trusted for plain text.
     *
     * @return true when the URL asks for a verified TLS connection ({@code sslmode=verify-full},
     *     or {@code ssl=true} without {@code sslmode}, which the driver treats as verify-full)
     * @throws IllegalArgumentException for a weaker TLS setting
     */
    static boolean checkTls(String url) {
        Map<String, String> q = driverParameters(url);
        String mode = q.get("sslmode");
        String factory = q.get("sslfactory");
        if (factory != null && factory.toLowerCase(Locale.ROOT).contains("nonvalidating")) {
            throw new IllegalArgumentException("sslfactory=" + factory + " turns off the server's certificate check (K-06);"
                    + " use sslmode=verify-full with sslrootcert=<CA file>");
        }
        if (mode == null) {
            String ssl = q.get("ssl");
            return ssl != null && (ssl.isEmpty() || ssl.equalsIgnoreCase("true"));
        }
        switch (mode.toLowerCase(Locale.ROOT)) {
            case "verify-full":
                return true;
            case "disable":
                return false;
            case "allow", "prefer", "require", "verify-ca":
                throw new IllegalArgumentException("sslmode=" + mode + " does not verify the database server's "
                        + (mode.equalsIgnoreCase("verify-ca") ? "host name" : "certificate and host name")
                        + " (K-06): use sslmode=verify-full (with sslrootcert=<CA file>), or sslmode=disable on a network trusted"
                        + " for plain text");
            default:
                throw new IllegalArgumentException("unknown sslmode=" + mode + " (disable or verify-full)");
        }
    }

    /** True when the URL's host is a loopback name or address (a plain-text connection then stays on the machine). */
    static boolean loopbackHost(String url) {
        String rest = url.substring(PREFIX.length() + 2);
        int end = rest.length();
        for (char c : new char[] {'/', '?'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String hostPort = rest.substring(0, end);
        int at = hostPort.lastIndexOf('@');
        hostPort = hostPort.substring(at + 1);
        if (hostPort.contains(",")) {
            return false; // several hosts
        }
        String host = hostPort.startsWith("[") ? hostPort.substring(1, Math.max(1, hostPort.indexOf(']')))
                : hostPort.contains(":") ? hostPort.substring(0, hostPort.indexOf(':')) : hostPort;
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    private static Map<String, String> driverParameters(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return out;
        }
        for (String kv : url.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            String name = eq < 0 ? kv : kv.substring(0, eq);
            out.put(name, eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
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

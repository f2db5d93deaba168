package dev.ect.servlet.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One path pattern of the filter's path lists, with servlet url-pattern semantics (a subset):
 *
 * <ul>
 *   <li>{@code /*} matches every path;
 *   <li>{@code /api/*} (prefix) matches {@code /api} and everything below it ({@code /api/x/y}),
 *       but not {@code /apix};
 *   <li>{@code *.css} (suffix) matches any path whose last segment ends in {@code .css}
 *       (case-sensitive);
 *   <li>anything else starting with {@code /} matches exactly that path.
 * </ul>
 *
 * Paths are matched against the path within the application (servlet path + path info), as
 * decoded and normalized by the container, so {@code /api/../health} and {@code ;jsessionid=}
 * parameters cannot sneak a request past a pattern.
 */
public record PathPattern(String pattern) {
    public PathPattern {
        validate(pattern);
    }

    /** Parses a list separated by commas and/or whitespace; empty input gives an empty list. */
    public static List<PathPattern> parseList(String value) {
        List<PathPattern> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        for (String part : value.split("[,\\s]+")) {
            if (!part.isEmpty()) {
                out.add(new PathPattern(part));
            }
        }
        return out;
    }

    private static void validate(String p) {
        if (p == null || p.isEmpty()) {
            throw new IllegalArgumentException("empty path pattern");
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException("path pattern '" + p + "' contains whitespace or a control character");
            }
        }
        if (p.startsWith("*.")) {
            if (p.length() == 2 || p.indexOf('/') >= 0 || p.indexOf('*', 1) >= 0) {
                throw new IllegalArgumentException("suffix pattern '" + p + "' must look like *.ext");
            }
            return;
        }
        if (!p.startsWith("/")) {
            throw new IllegalArgumentException("path pattern '" + p + "' must start with '/' or '*.'");
        }
        int star = p.indexOf('*');
        if (star >= 0 && !(star == p.length() - 1 && p.endsWith("/*"))) {
            throw new IllegalArgumentException("path pattern '" + p + "' may contain '*' only as a trailing '/*' or a leading '*.'");
        }
    }

    /** True when {@code path} (the path within the application, starting with '/') matches. */
    public boolean matches(String path) {
        if (pattern.equals("/*")) {
            return true;
        }
        if (pattern.startsWith("*.")) {
            // case-sensitive, like servlet mappings: a wider exclusion would let requests reach
            // servlets that are not meant to be excluded
            String last = path.substring(path.lastIndexOf('/') + 1);
            return last.endsWith(pattern.substring(1));
        }
        if (pattern.endsWith("/*")) {
            String prefix = pattern.substring(0, pattern.length() - 2);
            return path.equals(prefix) || path.startsWith(prefix + "/");
        }
        return path.equals(pattern);
    }

    /** True for a suffix pattern such as {@code *.css}. */
    public boolean isSuffix() { return pattern.startsWith("*."); }

    /** True when any of the patterns matches. */
    public static boolean anyMatches(List<PathPattern> patterns, String path) {
        for (PathPattern p : patterns) {
            if (p.matches(path)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() { return pattern; }
}

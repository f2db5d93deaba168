package dev.ect.core.internal;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed JOSE headers by their exact base64url text, held by one verifier (not by the JVM). An
 * issuer's header is the same on every token (M-03), so this saves a decode and a parse per
 * verification. Bounded: cleared when full. Thread-safe.
 */
public final class HeaderCache {
    /** Most headers kept. */
    static final int MAX_CACHED_HEADERS = 256;

    private final Map<String, Map<String, Object>> headers = new ConcurrentHashMap<>();
    /** The header returned last (any thread; a stale or racing value is just a cache miss). */
    private volatile Entry last;

    /** A cached header and its exact base64url text. */
    private record Entry(String text, byte[] ascii, Map<String, Object> header) {
        Entry(String text, Map<String, Object> header) {
            this(text, text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), header);
        }
    }

    /**
     * {@link Json#b64decode} then {@link Json#parseObject} of {@code token[from, to)}, remembering
     * the (unmodifiable) result for the same text.
     *
     * @return the header object, or null when the text is not base64url of a JSON object
     */
    public Map<String, Object> parse(String token, int from, int to) {
        Entry l = last; // the usual case: the same issuer's header as last time, no substring
        if (l != null && l.text.length() == to - from && token.regionMatches(from, l.text, 0, to - from)) {
            return l.header;
        }
        String text = token.substring(from, to);
        Map<String, Object> m = headers.get(text);
        if (m != null) {
            last = new Entry(text, m);
            return m;
        }
        m = parseUncached(token, from, to);
        if (m != null) {
            if (headers.size() >= MAX_CACHED_HEADERS) {
                headers.clear();
            }
            headers.put(text, m);
            last = new Entry(text, m);
        }
        return m;
    }

    /** The header of {@code token[from, to)} without a cache (unmodifiable), or null. */
    /**
     * As {@link #parse(String, int, int)}, with the token's characters also as bytes ({@code ascii},
     * one per character, or null): the usual case, the same header as last time, is one
     * vectorized byte comparison.
     */
    public Map<String, Object> parse(String token, byte[] ascii, int from, int to) {
        Entry l = last;
        if (ascii != null && l != null && java.util.Arrays.equals(ascii, from, to, l.ascii, 0, l.ascii.length)) {
            return l.header;
        }
        return parse(token, from, to);
    }

    static Map<String, Object> parseUncached(String token, int from, int to) {
        byte[] h = Json.b64decode(token, from, to);
        Map<String, Object> m = h == null ? null : Json.parseObject(h);
        return m == null ? null : Collections.unmodifiableMap(m);
    }

    /** The number of headers kept (tests). */
    int size() { return headers.size(); }
}

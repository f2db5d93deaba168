package dev.ect.core.tlog.internal;

import dev.ect.core.internal.Json;
import dev.ect.core.tlog.Merkle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The JSON of the proofs: strict parsing, standard base64 hashes. */
public final class ProofJson {
    /** Most hashes accepted in one proof (a proof for 2^63 leaves has fewer than 128). */
    static final int MAX_HASHES = 128;

    private ProofJson() {}

    public static String b64(byte[] b) { return Base64.getEncoder().encodeToString(b); }

    public static String array(List<byte[]> hashes) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < hashes.size(); i++) {
            sb.append(i == 0 ? "\"" : ",\"").append(b64(hashes.get(i))).append('"');
        }
        return sb.append(']').toString();
    }

    public static byte[] hash(byte[] h, String what) {
        Objects.requireNonNull(h, what);
        if (h.length != Merkle.HASH_LENGTH) {
            throw new IllegalArgumentException(what + " must have 32 bytes");
        }
        return h.clone();
    }

    public static List<byte[]> copy(List<byte[]> hashes) {
        Objects.requireNonNull(hashes, "hashes");
        if (hashes.size() > MAX_HASHES) {
            throw new IllegalArgumentException("more than " + MAX_HASHES + " hashes");
        }
        List<byte[]> out = new ArrayList<>(hashes.size());
        for (byte[] h : hashes) {
            out.add(hash(h, "each hash"));
        }
        return java.util.Collections.unmodifiableList(out);
    }

    public static Map<String, Object> object(String json, String... members) {
        Map<String, Object> m = Json.parseObject(json.strip().getBytes(StandardCharsets.UTF_8));
        if (m == null) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (!m.keySet().equals(Set.of(members))) {
            throw new IllegalArgumentException("expected exactly the members " + List.of(members) + ", got " + m.keySet());
        }
        return m;
    }

    public static long number(Map<String, Object> m, String name) {
        if (!(m.get(name) instanceof Long l) || l < 0) {
            throw new IllegalArgumentException(name + " is not a non-negative integer");
        }
        return l;
    }

    public static byte[] hash(Map<String, Object> m, String name) {
        if (!(m.get(name) instanceof String s)) {
            throw new IllegalArgumentException(name + " is not a string");
        }
        return decode(s, name);
    }

    public static List<byte[]> hashes(Map<String, Object> m, String name) {
        if (!(m.get(name) instanceof List<?> l)) {
            throw new IllegalArgumentException(name + " is not an array");
        }
        if (l.size() > MAX_HASHES) {
            throw new IllegalArgumentException(name + " holds more than " + MAX_HASHES + " hashes");
        }
        List<byte[]> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException(name + " holds a non-string");
            }
            out.add(decode(s, name));
        }
        return out;
    }

    private static byte[] decode(String s, String name) {
        byte[] b;
        try {
            b = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": not standard base64");
        }
        if (b.length != Merkle.HASH_LENGTH) {
            throw new IllegalArgumentException(name + ": a hash has 32 bytes");
        }
        return b;
    }
}

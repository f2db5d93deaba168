package dev.ect.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The hash form of C-09: base64url (no padding, no prefix) of a SHA-256 digest, 43 characters. */
public final class EctHashes {
    private EctHashes() {}

    /** The C-09 form of SHA-256 over {@code bytes}, for {@code inp_hash} / {@code out_hash}. */
    public static String sha256(byte[] bytes) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** The C-09 form of SHA-256 over the UTF-8 bytes of {@code text}. */
    public static String sha256(String text) { return sha256(text.getBytes(StandardCharsets.UTF_8)); }

    /** True when {@code h} has the C-09 form (43 base64url characters decoding to 32 bytes). */
    public static boolean isValid(String h) {
        if (h == null || h.length() != 43) {
            return false;
        }
        int v = 0;
        for (int i = 0; i < 43; i++) {
            v = value(h.charAt(i));
            if (v < 0) {
                return false;
            }
        }
        return (v & 0x03) == 0; // 43 chars = 258 bits: the last character's low 2 bits must be 0
    }

    /** The value of a base64url character, or -1 for any other char. */
    private static int value(char c) { return dev.ect.core.internal.Base64Url.value(c); }
}

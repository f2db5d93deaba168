package dev.ect.core.internal;

/** UUID text checks (C-05, C-06). */
public final class Uuids {
    private Uuids() {}

    /** True for the 36-character 8-4-4-4-12 hexadecimal form (either case). */
    public static boolean isCanonical(String s) {
        if (s == null || s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
            } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }
}

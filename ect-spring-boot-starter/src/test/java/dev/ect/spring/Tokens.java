package dev.ect.spring;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads claims from a compact token's payload (unverified; the tests verify signatures separately). */
final class Tokens {
    private Tokens() { }

    static String payload(String compact) {
        return new String(Base64.getUrlDecoder().decode(compact.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    static String claim(String compact, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\"[^\"]*\"|\\[[^\\]]*\\])").matcher(payload(compact));
        return m.find() ? m.group(1).replace("\"", "").replace("[", "").replace("]", "") : null;
    }
}

package dev.ect.cli;

import dev.ect.core.EctLevel;
import dev.ect.core.EctRejectedException;
import dev.ect.core.LogSafe;
import dev.ect.core.internal.EctCodec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ect inspect}: decode a token without verifying anything. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Decode an ECT's header and claims WITHOUT verifying anything.",
            "No signature, key, time, audience or DAG check: the output is marked \"verified\": false. "
                + "Use ect verify to check a token. Decodes as the verifier does (strict base64url and JSON) "
                + "but applies no claim rule; a value that cannot be decoded exits 1 with ect_error malformed_token."})
final class InspectCommand extends BaseCommand {
    @Option(names = "--compact", description = "print the JSON on one line instead of indented")
    boolean compact;

    @Option(names = "--claim", paramLabel = "NAME",
            description = "print only this claim (a string raw, anything else as JSON); exit 1 when absent")
    String claim;

    @Option(names = "--raw", description = "with --claim: print a string claim exactly as it is in the token, "
            + "control and format characters included (by default they are escaped as \\uXXXX, T-11)")
    boolean raw;

    @Parameters(index = "0", paramLabel = "TOKEN|-", description = "the compact token, or - to read it from stdin")
    String tokenArg;

    @Override
    public Integer call() {
        String token = readToken(tokenArg);
        Map<String, Object> header;
        Map<String, Object> claims;
        String format;
        try {
            EctCodec.Parts parts = EctCodec.parse(token, null); // the verifier's decoder (V-02), no other check
            header = parts.header();
            claims = parts.claims();
            format = parts.format() == EctLevel.L1 ? "unsigned claims (L1)" : "JWS (L2/L3): signature not checked";
        } catch (EctRejectedException e) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ect_error", "malformed_token");
            m.put("detail", e.error().detail());
            out().println(JsonText.compact(m));
            return EctCli.REJECTED;
        }
        if (claim != null) {
            Object v = claims.get(claim);
            if (v == null) {
                err().println("ect inspect: the token has no claim '" + claim + "'");
                return EctCli.REJECTED;
            }
            // T-11: an unverified claim never reaches the terminal raw (ESC, BEL, C1, U+2028, bidi
            // overrides) unless asked for; JSON output escapes the same set in JSON syntax
            out().println(v instanceof String s ? (raw ? s : LogSafe.escape(s, Integer.MAX_VALUE)) : JsonText.compact(v));
            return EctCli.OK;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verified", false);
        m.put("warning", "NOT VERIFIED: decoded only; do not trust these values");
        m.put("format", format);
        m.put("header", header);
        m.put("claims", claims);
        Map<String, Object> times = new LinkedHashMap<>();
        time(times, "iat", claims.get("iat"));
        time(times, "exp", claims.get("exp"));
        if (claims.get("exp") instanceof Number n) {
            times.put("expired_now", Instant.ofEpochSecond(n.longValue()).isBefore(Instant.now()));
        }
        if (!times.isEmpty()) {
            m.put("times_utc", times);
        }
        out().println(compact ? JsonText.compact(m) : JsonText.pretty(m));
        return EctCli.OK;
    }

    private static void time(Map<String, Object> out, String name, Object v) {
        if (v instanceof Number n) {
            out.put(name, Instant.ofEpochSecond(n.longValue()).toString());
        }
    }
}

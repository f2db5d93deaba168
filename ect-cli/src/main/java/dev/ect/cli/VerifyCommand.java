package dev.ect.cli;

import dev.ect.core.EctException;
import dev.ect.core.VerificationListener;
import dev.ect.core.VerifiedEct;
import dev.ect.core.config.EctConfig;
import dev.ect.core.config.EctRuntime;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ect verify}: the full verification procedure of profile section 4 on one token. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify one ECT (signature, claims, time, audience, DAG, replay).",
            "Runs the full procedure of profile section 4. Accepted: exit 0 and one JSON object "
                + "{\"level\":..,\"header\":{..},\"claims\":{..}} on stdout. Rejected: exit 1 and "
                + "{\"ect_error\":\"<reason code>\",\"detail\":..} on stdout.",
            "Without --ledger the ECT store is empty, so a token with pred is rejected as "
                + "dag_unknown_predecessor unless --allow-unresolved is given. With --ledger the DAG rules "
                + "run against that file ledger and an accepted ECT is appended to it (level L3).",
            "Options not given here come from the ECT_* environment variables (see docs/CONFIGURATION.md), "
                + "e.g. the limits and time windows of profile section 9."})
final class VerifyCommand extends BaseCommand {
    @Option(names = "--aud", required = true, paramLabel = "VERIFIER_ID", description = "this verifier's own id; aud must contain it (V-12)")
    String verifierId;

    @Mixin
    VerifierOptions options = new VerifierOptions();

    @Option(names = "--pretty", description = "indent the JSON output")
    boolean pretty;

    @Parameters(index = "0", paramLabel = "TOKEN|-", description = "the compact token, or - to read it from stdin")
    String tokenArg;

    @Override
    public Integer call() {
        String token = readToken(tokenArg);
        EctConfig config = options.config("--aud", verifierId, env(), Map.of());
        try (EctRuntime rt = VerifierOptions.open(config, VerificationListener.logging())) {
            VerifiedEct v;
            try {
                v = rt.verifier().verify(token);
            } catch (EctException e) {
                return print(rejectedJson(e), EctCli.REJECTED);
            }
            return print(acceptedJson(v), EctCli.OK);
        }
    }

    /** The accepted-ECT JSON of verify and serve: level, header, claims (and unresolved_pred). */
    static Map<String, Object> acceptedJson(VerifiedEct v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("level", v.level().name());
        m.put("header", v.ect().header());
        m.put("claims", v.ect().claims());
        if (!v.unresolvedPredecessors().isEmpty()) {
            m.put("unresolved_pred", v.unresolvedPredecessors());
        }
        return m;
    }

    private int print(Map<String, Object> m, int code) {
        out().println(pretty ? JsonText.pretty(m) : JsonText.compact(m));
        return code;
    }

    static Map<String, Object> rejectedJson(EctException e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ect_error", e.reason().code());
        m.put("detail", e.error().detail());
        m.put("rule", e.error().ruleId());
        m.put("status", e.httpStatus());
        return m;
    }
}

package dev.ect.cli;

import dev.ect.core.EctException;
import dev.ect.core.EctLevel;
import dev.ect.core.EctSettings;
import dev.ect.core.EctVerifier;
import dev.ect.core.VerifiedEct;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
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
            "Limits and time windows come from the ECT_* environment variables (profile section 9)."})
final class VerifyCommand extends BaseCommand {
    @Mixin
    TrustOptions trust = new TrustOptions();

    @Option(names = "--aud", required = true, paramLabel = "VERIFIER_ID", description = "this verifier's own id; aud must contain it (V-12)")
    String verifierId;

    @Mixin
    StoreOptions stores = new StoreOptions();

    @Option(names = "--allow-unresolved", description = "accept predecessors that are not in the store (G-02 ALLOW policy)")
    boolean allowUnresolved;

    @Option(names = "--min-level", paramLabel = "L1|L2|L3", description = "minimum assurance level (default L2, or ECT_MIN_LEVEL); L3 needs --ledger")
    String minLevel;

    @Option(names = "--pretty", description = "indent the JSON output")
    boolean pretty;

    @Parameters(index = "0", paramLabel = "TOKEN|-", description = "the compact token, or - to read it from stdin")
    String tokenArg;

    @Override
    public Integer call() {
        String token = readToken(tokenArg);
        EctSettings.Builder s = envSettings().toBuilder();
        if (allowUnresolved) {
            s.allowUnresolvedPredecessors(true);
        }
        if (minLevel != null) {
            try {
                s.minLevel(EctLevel.parse(minLevel));
            } catch (IllegalArgumentException e) {
                throw new CliException("--min-level: " + e.getMessage(), e);
            }
        }
        EctSettings base = s.build();
        String envAlgs = env().get("ECT_ALGORITHMS");
        TrustOptions.Trust t = trust.build(base.algorithms(), envAlgs != null && !envAlgs.isBlank());
        EctSettings settings = base.toBuilder().algorithms(t.algorithms()).build();
        if (settings.minLevel() == EctLevel.L3 && !stores.hasLedger(env())) {
            throw new CliException("--min-level L3 requires --ledger (or ECT_JDBC_URL)");
        }
        try (StoreOptions.Opened opened = stores.open(env(), settings)) {
            EctVerifier.Builder b = EctVerifier.builder().verifierId(verifierId).keySource(t.keySource()).settings(settings);
            opened.apply(b);
            VerifiedEct v;
            try {
                v = b.build().verify(token);
            } catch (EctException e) {
                return print(rejectedJson(e), EctCli.REJECTED);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("level", v.level().name());
            m.put("header", v.ect().header());
            m.put("claims", v.ect().claims());
            if (!v.unresolvedPredecessors().isEmpty()) {
                m.put("unresolved_pred", v.unresolvedPredecessors());
            }
            return print(m, EctCli.OK);
        }
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

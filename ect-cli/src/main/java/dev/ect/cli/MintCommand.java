package dev.ect.cli;

import dev.ect.core.Ect;
import dev.ect.core.EctException;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ect mint}: sign one ECT and print the compact token. */
@Command(name = "mint", mixinStandardHelpOptions = true,
        description = {"Mint (sign) one ECT and print the compact token.",
            "jti defaults to a fresh UUID, iat to now, exp to iat + --ttl (default ECT_DEFAULT_EXPIRY_MIN, 10 min). "
                + "The draft is checked against the claim rules (C-01..C-11) first: an invalid one is refused "
                + "with exit 2."})
final class MintCommand extends BaseCommand {
    @Option(names = "--key", required = true, paramLabel = "PRIVATE.jwk", description = "the signing key (from ect keygen)")
    Path keyFile;

    @Option(names = "--iss", required = true, paramLabel = "ISS", description = "issuer, e.g. spiffe://example.com/agent/a")
    String iss;

    @Option(names = "--aud", required = true, paramLabel = "AUD", description = "audience (repeat for several)")
    List<String> aud = new ArrayList<>();

    @Option(names = "--exec-act", required = true, paramLabel = "ACT", description = "the action of this task, e.g. review_spec")
    String execAct;

    @Option(names = "--pred", paramLabel = "JTI", description = "a predecessor task's jti (repeat; none = root task)")
    List<String> pred = new ArrayList<>();

    @Option(names = "--wid", paramLabel = "UUID", description = "workflow id (default: none)")
    String wid;

    @Option(names = "--jti", paramLabel = "UUID", description = "task id (default: a fresh random UUID)")
    String jti;

    @Option(names = "--ttl", paramLabel = "SECONDS", description = "lifetime: exp = iat + SECONDS")
    Long ttl;

    @Option(names = "--inp-hash", paramLabel = "H", description = "base64url SHA-256 of the input (43 characters)")
    String inpHash;

    @Option(names = "--out-hash", paramLabel = "H", description = "base64url SHA-256 of the output (43 characters)")
    String outHash;

    @Option(names = "--ext", paramLabel = "JSON", description = "the ect_ext object, e.g. '{\"pol\":\"policy_v1\"}'")
    String ext;

    @Override
    public Integer call() {
        EctKeyPair key;
        try {
            key = EctKeys.fromPrivateJwk(readFile(keyFile, "key file"));
        } catch (IllegalArgumentException e) {
            throw new CliException("--key " + keyFile + ": " + e.getMessage(), e);
        }
        EctSettings settings = envSettings();
        if (ttl != null) {
            if (ttl <= 0) {
                throw new CliException("--ttl must be a positive number of seconds");
            }
            settings = settings.toBuilder().defaultExpiry(Duration.ofSeconds(ttl)).build();
        }
        Ect.Builder draft = Ect.builder().iss(iss).aud(aud).execAct(execAct).pred(pred).wid(wid).jti(jti)
                .inpHash(inpHash).outHash(outHash);
        if (ext != null) {
            Map<String, Object> m;
            try {
                m = JsonText.parseObject(ext);
            } catch (IllegalArgumentException e) {
                throw new CliException("--ext: " + e.getMessage(), e);
            }
            draft.ext(m);
        }
        String token;
        try {
            token = EctSigner.builder(key).settings(settings).build().sign(draft.build());
        } catch (EctException e) {
            // M-07: the draft breaks a claim rule; that is the caller's input, so exit 2
            throw new CliException("cannot mint: " + e.reason().code() + " (" + e.error().ruleId() + "): "
                    + e.error().detail(), e);
        }
        out().println(token);
        return EctCli.OK;
    }
}

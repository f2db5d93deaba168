package dev.ect.mcp.internal;

import dev.ect.core.Ect;
import dev.ect.core.EctValidator;
import dev.ect.core.ReasonCode;
import dev.ect.core.ValidationResult;
import dev.ect.core.VerificationScope;
import dev.ect.core.dag.DagView;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;

/**
 * What the ECT of one MCP request must say about it: {@code exec_act} =
 * {@link dev.ect.mcp.EctMcp#execAct} of its method and tool, {@code inp_hash} = the SHA-256 of its
 * body. A validator of the ECT filter's request scope, so it runs on verified claims, inside the one
 * verification, after the DAG rules and before the replay record and the ledger append. Its
 * details name only what the request itself carries (T-12).
 *
 * @param execAct the {@code exec_act} the request's ECT must carry
 * @param inpHash the C-09 SHA-256 of the request body
 */
public record RequestBinding(String execAct, String inpHash) implements EctValidator {
    private static final VerificationScope NONE = VerificationScope.of(EctValidator.none());

    @Override
    public ValidationResult validate(Ect ect, DagView dag) {
        if (!execAct.equals(ect.execAct())) {
            return ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "C-07",
                    "the ECT's exec_act does not describe this MCP request (expected " + execAct + ")");
        }
        if (ect.inpHash() == null) {
            return ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "C-09",
                    "the ECT of an MCP request must carry inp_hash, the SHA-256 of the request body");
        }
        if (!inpHash.equals(ect.inpHash())) {
            return ValidationResult.invalid(ReasonCode.INVALID_CLAIM, "C-09",
                    "the ECT's inp_hash does not match the body of this MCP request");
        }
        return ValidationResult.valid();
    }

    /**
     * The ECT filter's request scope for the MCP endpoint: the binding the MCP filter attached to
     * the request it hands on ({@link CachedBodyRequest}), or nothing to add (a message that is not
     * bound: plumbing, a GET, a method outside the required ones).
     */
    public static VerificationScope scopeOf(HttpServletRequest request) {
        for (ServletRequest r = request; r != null; r = r instanceof ServletRequestWrapper w ? w.getRequest() : null) {
            if (r instanceof CachedBodyRequest c) {
                return c.binding() == null ? NONE : VerificationScope.of(c.binding());
            }
        }
        return NONE;
    }
}

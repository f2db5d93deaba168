package dev.ect.core.dag;

import dev.ect.core.Ect;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A deployment policy over an ECT's resolved predecessors (G-06). Returning a message rejects the
 * ECT with {@code dag_policy_violation}; returning empty lets it pass. Must be thread-safe and pure.
 */
@FunctionalInterface
public interface DagRule {
    /**
     * @param child the ECT being verified
     * @param predecessors its resolved predecessors (unresolved ones, under the ALLOW policy, are absent)
     * @return empty to pass, or the reason for refusing
     */
    Optional<String> check(Ect child, List<Ect> predecessors);

    /**
     * The example rule of G-06: refuse a child of any task whose {@code ect_ext.pol_decision} is
     * {@code "rejected"}.
     */
    static DagRule rejectChildrenOfRejectedPolicyDecisions() {
        return (child, preds) -> {
            for (Ect p : preds) {
                Map<String, Object> ext = p.ext();
                if (ext != null && "rejected".equals(ext.get("pol_decision"))) {
                    return Optional.of("predecessor " + p.jti() + " has pol_decision=rejected");
                }
            }
            return Optional.empty();
        };
    }
}

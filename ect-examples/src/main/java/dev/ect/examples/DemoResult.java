package dev.ect.examples;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one run of {@link WorkflowDemo} observed, for its exit code and for tests.
 *
 * @param hops the ledger entries of the workflow, in ledger order
 * @param report the final answer the user got
 * @param chainValid whether the ledger's hash chain verified
 * @param defences defence name → the {@code ect_error} the receiving agent answered with
 * @param ledgerGrewDuringDefences whether a rejected token reached the ledger (it must not)
 * @param dagText the workflow DAG as text
 * @param files the Mermaid, DOT (and SVG) files written
 * @param failures every expectation that did not hold; empty when the demo succeeded
 */
public record DemoResult(List<Hop> hops, String report, boolean chainValid, Map<String, String> defences,
        boolean ledgerGrewDuringDefences, String dagText, Files files, List<String> failures) {

    /** True when every expected outcome happened. */
    public boolean ok() { return failures.isEmpty(); }

    /** One ECT of the workflow as the ledger recorded it. */
    public record Hop(long seq, String agent, String audience, String execAct, String jti, List<String> pred, String wid) {}

    /** The files written under the output directory. */
    public record Files(Path ledger, Path mermaid, Path dot, Optional<Path> svg) {}
}

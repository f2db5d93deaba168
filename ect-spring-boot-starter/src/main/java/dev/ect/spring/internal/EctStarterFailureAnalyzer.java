package dev.ect.spring.internal;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Start-up report for the starter's own options ({@code ect.filter.*}, {@code ect.client.*}, {@code ect.datasource-ledger.*}). */
public final class EctStarterFailureAnalyzer extends AbstractFailureAnalyzer<InvalidEctPropertyException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidEctPropertyException cause) {
        return new FailureAnalysis("Invalid ECT configuration: " + cause.getMessage(),
                "Fix the property " + cause.property() + " (see the ect-spring-boot-starter README).", cause);
    }
}

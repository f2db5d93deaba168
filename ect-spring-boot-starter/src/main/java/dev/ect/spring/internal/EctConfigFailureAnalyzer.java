package dev.ect.spring.internal;

import dev.ect.core.config.EctConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an invalid ECT configuration into Spring Boot's start-up report: the assembler's message, which
 * names the property (or the {@code ECT_*} variable) the bad value came from, and what to do.
 */
public final class EctConfigFailureAnalyzer extends AbstractFailureAnalyzer<EctConfigException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EctConfigException cause) {
        return new FailureAnalysis("Invalid ECT configuration: " + cause.getMessage(),
                "Fix the value named above (see the ect-spring-boot-starter README for every ect.* property,"
                        + " its ECT_* variable and its default).", cause);
    }
}

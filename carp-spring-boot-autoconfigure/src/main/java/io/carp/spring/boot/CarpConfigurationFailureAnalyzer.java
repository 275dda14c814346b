package io.carp.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a refused {@code carp.*} property as Spring Boot's "APPLICATION FAILED TO START" report. */
final class CarpConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<CarpConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, CarpConfigurationException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Update " + cause.property() + " in the application's configuration.", cause);
    }
}

package dev.gatehouse.standalone;

import dev.gatehouse.catalog.file.CatalogFileException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A start stopped by an invalid catalog file says which line is wrong and why, without a stack trace to read. */
class CatalogFileFailureAnalyzer extends AbstractFailureAnalyzer<CatalogFileException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, CatalogFileException cause) {
        return new FailureAnalysis("The catalog file was not applied: " + cause.getMessage(),
                "Correct the catalog file (--gatehouse.catalog.file) at that line and start again; nothing of it was applied.", cause);
    }
}

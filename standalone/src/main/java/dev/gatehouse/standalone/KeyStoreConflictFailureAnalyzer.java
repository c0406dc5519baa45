package dev.gatehouse.standalone;

import dev.gatehouse.standalone.KeyStoreBinding.KeyStoreConflictException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A second process with a key store of its own on a shared database says why it may not start and what to do. */
class KeyStoreConflictFailureAnalyzer extends AbstractFailureAnalyzer<KeyStoreConflictException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, KeyStoreConflictException cause) {
        return new FailureAnalysis("Gatehouse did not start: " + cause.getMessage() + ". Tenant keys this process made would be"
                + " unknown to the others, and content they encrypted unreadable here: it would be discarded.",
                "Run several processes on one database with tenant keys in Vault Transit (gatehouse.crypto.vault.url), or run"
                        + " this one with the data directory that holds the bound key store.", cause);
    }
}

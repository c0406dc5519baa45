package dev.gatehouse.scanner;

/** The GDPR Art. 9 special categories of personal data the indicator detector recognises. */
public enum SpecialCategory {
    HEALTH,
    RELIGION,
    ETHNICITY,
    POLITICAL_OPINION,
    SEXUAL_ORIENTATION,
    BIOMETRIC,
    GENETIC,
    TRADE_UNION
}

package dev.gatehouse.scanner;

/** What an injection attempt is trying to achieve. */
public enum AttackCategory {
    INSTRUCTION_OVERRIDE,
    SYSTEM_PROMPT_EXTRACTION,
    ROLE_PLAY_JAILBREAK,
    DELIMITER_INJECTION,
    TOOL_HIJACKING,
    DATA_EXFILTRATION,
    OBFUSCATION,
    SEMANTIC
}

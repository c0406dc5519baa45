package dev.gatehouse.scanner;

/** A disguise the normaliser removed before scanning. */
public enum Obfuscation {
    INVISIBLE_CHARACTERS,
    UNICODE_TAG_SMUGGLING,
    HOMOGLYPHS,
    BASE64,
    BASE32,
    HEX,
    URL_ENCODING,
    ESCAPE_SEQUENCES,
    SEPARATED_LETTERS,
    ROT13,
    LEETSPEAK
}

package dev.gatehouse.scanner;

/** Kinds of personal data the detector recognises; {@link #label()} names the redaction placeholder. */
public enum PiiType {
    EMAIL("EMAIL"),
    PHONE("PHONE"),
    IBAN("IBAN"),
    PAYMENT_CARD("CARD"),
    IP_ADDRESS("IP"),
    DE_TAX_ID("DE_TAX_ID"),
    FR_NIR("FR_NIR"),
    NL_BSN("NL_BSN"),
    ES_DNI("ES_DNI"),
    ES_NIE("ES_NIE"),
    IT_FISCAL_CODE("IT_FISCAL_CODE"),
    PL_PESEL("PL_PESEL"),
    BE_NATIONAL_NUMBER("BE_NATIONAL_NUMBER");

    private final String label;

    PiiType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}

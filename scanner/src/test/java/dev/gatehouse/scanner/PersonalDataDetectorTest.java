package dev.gatehouse.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PersonalDataDetectorTest {

    private final PersonalDataDetector detector = new PersonalDataDetector();

    private List<PiiType> typesIn(String text) {
        return detector.find(text).stream().map(PiiMatch::type).toList();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            IBAN               | Please pay to DE89 3704 0044 0532 0130 00 by Friday.
            IBAN               | Compte FR14 2004 1010 0505 0001 3M02 606 merci
            IBAN               | NL91ABNA0417164300
            PAYMENT_CARD       | card 4111 1111 1111 1111 exp 12/27
            PAYMENT_CARD       | Amex 378282246310005
            EMAIL              | write to jane.doe+news@example.co.uk today
            PHONE              | call me on +49 30 1234567 tomorrow
            PHONE              | mon portable : 06 12 34 56 78
            PHONE              | US office (555) 123-4567
            IP_ADDRESS         | the server 192.168.10.254 is down
            IP_ADDRESS         | reach 2001:db8:85a3::8a2e:370:7334 via VPN
            DE_TAX_ID          | Steuer-ID: 86095742719
            FR_NIR             | NIR 2 55 08 14 168 025 38
            NL_BSN             | mijn BSN is 111222333
            ES_DNI             | DNI 12345678Z
            ES_NIE             | NIE X1234567L
            IT_FISCAL_CODE     | codice fiscale RSSMRA85T10A562S
            PL_PESEL           | PESEL 44051401359
            BE_NATIONAL_NUMBER | rijksregisternummer 85.07.30-033.28
            """)
    void detectsValidIdentifier(PiiType expected, String text) {
        assertThat(typesIn(text)).containsExactly(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            IBAN with a wrong check digit        | Please pay to DE89 3704 0044 0532 0130 01 by Friday.
            card failing Luhn                    | card 4111 1111 1111 1112 exp 12/27
            Steuer-ID with a wrong check digit   | Steuer-ID: 86095742718
            NIR with a wrong key                 | NIR 155081416802538
            BSN failing the eleven test          | mijn BSN is 111222334
            DNI with the wrong letter            | DNI 12345678A
            NIE with the wrong letter            | NIE X1234567M
            codice fiscale with a wrong check    | codice fiscale RSSMRA85T10A562T
            PESEL with a wrong check digit       | PESEL 44051401358
            Belgian number with a wrong check    | rijksregisternummer 85.07.30-033.29
            BSN-valid number without a keyword   | order number 111222333 shipped
            clock time is not an IPv6 address    | meet at 12:30:45 sharp
            a version is too short for a phone   | version 1.2.3 released
            """)
    void rejectsInvalidOrUnqualifiedCandidate(String description, String text) {
        assertThat(typesIn(text)).isEmpty();
    }

    @Test
    void reportsPositionsInTextOrder() {
        String text = "Mail bob@example.org or call +33 6 12 34 56 78.";
        List<PiiMatch> matches = detector.find(text);
        assertThat(matches).extracting(PiiMatch::type).containsExactly(PiiType.EMAIL, PiiType.PHONE);
        assertThat(matches.get(0).in(text)).isEqualTo("bob@example.org");
        assertThat(matches.get(1).in(text)).isEqualTo("+33 6 12 34 56 78");
    }

    @Test
    void checksumsAcceptTheBelgianRuleForBirthsFrom2000() {
        assertThat(Checksums.belgianNationalNumber("01020312345")).isTrue();
        assertThat(Checksums.belgianNationalNumber("01020312346")).isFalse();
    }
}

package dev.gatehouse.scanner;

import java.math.BigInteger;

/** Check-digit algorithms of the identifiers the detector validates. Input: digits/letters only. */
final class Checksums {

    private Checksums() {
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /** ISO 13616: move the country code and check digits to the end, letters to numbers, mod 97 = 1. */
    static boolean iban(String iban) {
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        StringBuilder numeric = new StringBuilder();
        for (char c : rearranged.toCharArray()) {
            numeric.append(Character.getNumericValue(c));
        }
        return new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }

    /** German Steueridentifikationsnummer: ISO 7064 MOD 11,10 over the first ten digits. */
    static boolean germanTaxId(String digits) {
        if (digits.length() != 11 || digits.charAt(0) == '0') {
            return false;
        }
        int product = 10;
        for (int i = 0; i < 10; i++) {
            int sum = (digits.charAt(i) - '0' + product) % 10;
            if (sum == 0) {
                sum = 10;
            }
            product = (sum * 2) % 11;
        }
        int check = 11 - product;
        if (check == 10) {
            check = 0;
        }
        return check == digits.charAt(10) - '0';
    }

    /** French NIR: key = 97 - (13-digit number mod 97); Corsica's 2A / 2B count as 19 / 18. */
    static boolean frenchNir(String nir) {
        if (nir.length() != 15) {
            return false;
        }
        String body = nir.substring(0, 13).replace("2A", "19").replace("2B", "18");
        long number = Long.parseLong(body);
        int key = Integer.parseInt(nir.substring(13));
        return key == 97 - (int) (number % 97);
    }

    /** Dutch BSN "elfproef": 9·d1 + 8·d2 + ... + 2·d8 − d9 is a positive multiple of 11. */
    static boolean dutchBsn(String digits) {
        if (digits.length() != 9) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 8; i++) {
            sum += (9 - i) * (digits.charAt(i) - '0');
        }
        sum -= digits.charAt(8) - '0';
        return sum > 0 && sum % 11 == 0;
    }

    private static final String DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

    /** Spanish DNI: eight digits and the letter of their value mod 23. */
    static boolean spanishDni(String dni) {
        return dni.length() == 9 && DNI_LETTERS.charAt(Integer.parseInt(dni.substring(0, 8)) % 23) == dni.charAt(8);
    }

    /** Spanish NIE: X/Y/Z stand for 0/1/2, then the DNI rule. */
    static boolean spanishNie(String nie) {
        if (nie.length() != 9) {
            return false;
        }
        int prefix = "XYZ".indexOf(nie.charAt(0));
        return prefix >= 0 && spanishDni(prefix + nie.substring(1));
    }

    private static final int[] CF_ODD = {1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};

    /** Italian codice fiscale: odd and even positions mapped through two tables, sum mod 26 is the last letter. */
    static boolean italianFiscalCode(String code) {
        if (code.length() != 16) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 15; i++) {
            char c = code.charAt(i);
            int index = Character.isDigit(c) ? c - '0' : c - 'A';
            sum += (i % 2 == 0) ? CF_ODD[index] : index;
        }
        return code.charAt(15) == (char) ('A' + sum % 26);
    }

    private static final int[] PESEL_WEIGHTS = {1, 3, 7, 9, 1, 3, 7, 9, 1, 3};

    /** Polish PESEL: weighted check digit and a real birth date (the month encodes the century). */
    static boolean polishPesel(String digits) {
        if (digits.length() != 11) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 10; i++) {
            sum += PESEL_WEIGHTS[i] * (digits.charAt(i) - '0');
        }
        if ((10 - sum % 10) % 10 != digits.charAt(10) - '0') {
            return false;
        }
        int month = Integer.parseInt(digits.substring(2, 4)) % 20;
        int day = Integer.parseInt(digits.substring(4, 6));
        return month >= 1 && month <= 12 && day >= 1 && day <= 31;
    }

    /** Belgian national number: 97 − (first nine digits mod 97), with a leading 2 for births from 2000. */
    static boolean belgianNationalNumber(String digits) {
        if (digits.length() != 11) {
            return false;
        }
        long body = Long.parseLong(digits.substring(0, 9));
        int check = Integer.parseInt(digits.substring(9));
        int month = Integer.parseInt(digits.substring(2, 4));
        return month <= 12 && (check == 97 - body % 97 || check == 97 - (2_000_000_000L + body) % 97);
    }
}

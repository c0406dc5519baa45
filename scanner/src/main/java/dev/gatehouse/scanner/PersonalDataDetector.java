package dev.gatehouse.scanner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data in text. Identifiers with a check digit are accepted only when the check
 * digit is right; bare 9- and 11-digit identifiers without internal structure (NL BSN, DE tax id)
 * also need a naming keyword shortly before them, since one random number in ten passes their
 * check. Where candidates overlap, the more specific type wins. Stateless and thread-safe.
 */
public final class PersonalDataDetector {

    private static final int KEYWORD_REACH = 40;

    /** How far around a digit (or an at sign) a candidate can reach; longer than any identifier. */
    private static final int DIGIT_REACH = 48;
    private static final int AT_SIGN_REACH = 256;

    private record Candidate(PiiType type, Pattern pattern, Predicate<String> valid, Pattern keyword) {
    }

    private static final List<Candidate> CANDIDATES = List.of(
            new Candidate(PiiType.IBAN,
                    Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\\b"),
                    Checksums::iban, null),
            new Candidate(PiiType.IT_FISCAL_CODE,
                    Pattern.compile("\\b[A-Z]{6}[\\dLMNPQRSTUV]{2}[A-EHLMPR-T][\\dLMNPQRSTUV]{2}[A-Z][\\dLMNPQRSTUV]{3}[A-Z]\\b",
                            Pattern.CASE_INSENSITIVE),
                    code -> Checksums.italianFiscalCode(code.toUpperCase(Locale.ROOT)), null),
            new Candidate(PiiType.FR_NIR,
                    Pattern.compile("\\b[12] ?\\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\\d) ?(?:\\d{2}|2[AB]) ?\\d{3} ?\\d{3} ?\\d{2}\\b"),
                    Checksums::frenchNir, null),
            new Candidate(PiiType.ES_NIE, Pattern.compile("\\b[XYZ]-?\\d{7}-?[A-Z]\\b"), Checksums::spanishNie, null),
            new Candidate(PiiType.ES_DNI, Pattern.compile("\\b\\d{8}-?[A-Z]\\b"), Checksums::spanishDni, null),
            new Candidate(PiiType.BE_NATIONAL_NUMBER,
                    Pattern.compile("\\b\\d{2}\\.?\\d{2}\\.?\\d{2}[- ]?\\d{3}\\.?\\d{2}\\b"),
                    Checksums::belgianNationalNumber, null),
            new Candidate(PiiType.PL_PESEL, Pattern.compile("\\b\\d{11}\\b"), Checksums::polishPesel,
                    Pattern.compile("(?i)pesel")),
            new Candidate(PiiType.DE_TAX_ID, Pattern.compile("\\b\\d{2} ?\\d{3} ?\\d{3} ?\\d{3}\\b"), Checksums::germanTaxId,
                    Pattern.compile("(?i)steuer|tax|identifikationsnummer|\\bidnr|\\bid-nr|\\btin\\b")),
            new Candidate(PiiType.NL_BSN, Pattern.compile("\\b\\d{4}\\.?\\d{2}\\.?\\d{3}\\b|\\b\\d{9}\\b"), Checksums::dutchBsn,
                    Pattern.compile("(?i)\\bbsn\\b|burgerservice|sofi")),
            new Candidate(PiiType.PAYMENT_CARD,
                    Pattern.compile("(?<!\\d[ -]|[\\w.])(?:4|5[1-5]|2[2-7]|3[47]|6[05])\\d(?:[ -]?\\d){11,17}(?![ -]?\\d|\\w)"),
                    digits -> digits.length() >= 13 && digits.length() <= 19 && Checksums.luhn(digits), null),
            new Candidate(PiiType.EMAIL,
                    Pattern.compile("\\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}\\b"),
                    s -> true, null),
            new Candidate(PiiType.IP_ADDRESS,
                    Pattern.compile("\\b(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\b"),
                    s -> true, null),
            new Candidate(PiiType.IP_ADDRESS,
                    Pattern.compile("(?<![\\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\\w:])"),
                    PersonalDataDetector::ipv6, null),
            new Candidate(PiiType.PHONE,
                    Pattern.compile("(?<![\\w+.-]|\\d )(?:\\+|00)\\d{1,3}[ .-]?(?:\\(0\\)[ .-]?)?\\d{1,4}(?:[ ./-]?\\d{2,4}){1,5}(?![\\w])"
                            + "|(?<![\\w.-]|\\d )\\(?0\\d{1,4}\\)?[ ./-]?\\d{2,4}(?:[ ./-]?\\d{2,4}){1,4}(?![\\w])"
                            + "|(?<![\\w])\\(\\d{3}\\) ?\\d{3}-\\d{4}(?![\\w])|(?<![\\w-])\\d{3}-\\d{3}-\\d{4}(?![\\w-])"),
                    digits -> digits.length() >= 8 && digits.length() <= 15, null));

    public List<PiiMatch> find(String text) {
        List<PiiMatch> accepted = new ArrayList<>();
        List<int[]> digitRegions = regionsAround(text, c -> c >= '0' && c <= '9', DIGIT_REACH);
        List<int[]> atRegions = regionsAround(text, c -> c == '@', AT_SIGN_REACH);
        for (Candidate candidate : CANDIDATES) {
            // Every candidate but e-mail contains a digit, e-mail an at sign: the rest of the text
            // cannot hold one, and skipping it keeps a long prose prompt cheap.
            for (int[] region : candidate.type() == PiiType.EMAIL ? atRegions : digitRegions) {
                Matcher m = candidate.pattern().matcher(text).region(region[0], region[1])
                        .useTransparentBounds(true).useAnchoringBounds(false);
                while (m.find()) {
                    String compact = compact(candidate.type(), m.group());
                    if (candidate.valid().test(compact)
                            && (candidate.keyword() == null || keywordBefore(text, m.start(), candidate.keyword()))
                            && accepted.stream().noneMatch(a -> a.start() < m.end() && m.start() < a.end())) {
                        accepted.add(new PiiMatch(candidate.type(), m.start(), m.end()));
                    }
                }
            }
        }
        accepted.sort(Comparator.comparingInt(PiiMatch::start));
        return accepted;
    }

    /** Merged [from, to) spans reaching {@code reach} characters either side of each marker character. */
    private static List<int[]> regionsAround(String text, java.util.function.IntPredicate marker, int reach) {
        List<int[]> regions = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            if (marker.test(text.charAt(i))) {
                int from = Math.max(0, i - reach);
                int to = Math.min(text.length(), i + reach + 1);
                int[] last = regions.isEmpty() ? null : regions.get(regions.size() - 1);
                if (last != null && from <= last[1]) {
                    last[1] = to;
                } else {
                    regions.add(new int[] {from, to});
                }
            }
        }
        return regions;
    }

    private static String compact(PiiType type, String raw) {
        return switch (type) {
            case EMAIL, IP_ADDRESS -> raw;
            case IBAN, IT_FISCAL_CODE, FR_NIR, ES_NIE, ES_DNI -> raw.replaceAll("[ .-]", "");
            default -> raw.replaceAll("\\D", "");
        };
    }

    private static boolean keywordBefore(String text, int start, Pattern keyword) {
        return keyword.matcher(text.substring(Math.max(0, start - KEYWORD_REACH), start)).find();
    }

    /** Eight groups, or fewer with exactly one "::"; rejects clock times and other colon runs. */
    static boolean ipv6(String candidate) {
        int compressions = candidate.split("::", -1).length - 1;
        if (compressions > 1 || candidate.replace(":", "").isEmpty()) {
            return false;
        }
        String[] groups = candidate.split(":", -1);
        int nonEmpty = 0;
        for (String g : groups) {
            if (g.length() > 4) {
                return false;
            }
            if (!g.isEmpty()) {
                nonEmpty++;
            }
        }
        if (compressions == 0) {
            return groups.length == 8 && nonEmpty == 8;
        }
        return nonEmpty < 8 && nonEmpty >= 1;
    }
}

package dev.gatehouse.scanner;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Indicators of GDPR special-category data in English, German and French: word stems that
 * signal the text is about a person's health, beliefs, origin and so on. Indicators, not proof:
 * "the church on the corner" also indicates RELIGION; the policy decides what follows. Stems are
 * lower case and matched against the lower-cased text.
 * Stateless and thread-safe.
 */
public final class SpecialCategoryDetector {

    /** Every stem starts with at least this many literal letters: the key that admits its regex. */
    private static final int KEY_LENGTH = 3;
    private static final String REGEX_SYNTAX = "([\\?*+{|.";

    /** A category's stems as one pattern, plus the first letters of every stem. */
    private record Indicator(Pattern pattern, Set<String> keys) {
    }

    private static final Map<SpecialCategory, Indicator> INDICATORS = indicators();

    public Set<SpecialCategory> find(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        Set<String> wordStarts = wordStarts(lower);
        Set<SpecialCategory> found = EnumSet.noneOf(SpecialCategory.class);
        INDICATORS.forEach((category, indicator) -> {
            // The regex is tried at every position of the text; a word-start lookup first keeps a
            // long prompt cheap when it mentions nothing of the kind.
            if (indicator.keys().stream().anyMatch(wordStarts::contains) && indicator.pattern().matcher(lower).find()) {
                found.add(category);
            }
        });
        return found;
    }

    private static Set<String> wordStarts(String lower) {
        Set<String> starts = new java.util.HashSet<>();
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            boolean inWord = i < lower.length() && Character.isLetterOrDigit(lower.charAt(i));
            if (inWord && start < 0) {
                start = i;
            } else if (!inWord && start >= 0) {
                if (i - start >= KEY_LENGTH) {
                    starts.add(lower.substring(start, start + KEY_LENGTH));
                }
                start = -1;
            }
        }
        return starts;
    }

    private static Map<SpecialCategory, Indicator> indicators() {
        Map<SpecialCategory, Indicator> m = new EnumMap<>(SpecialCategory.class);
        m.put(SpecialCategory.HEALTH, words(
                // English
                "diagnos(?:is|ed|e)", "cancer", "tumou?r", "diabet(?:es|ic)", "hiv", "aids", "depression", "depressed",
                "schizophreni\\w*", "bipolar", "pregnan(?:t|cy)", "chemotherapy", "medication", "prescription",
                "disabilit(?:y|ies)", "disabled", "asthma", "epilep(?:sy|tic)", "dementia", "alzheimer'?s?",
                "mental health", "medical (?:record|history|condition)", "hospitali[sz]ed", "therapy", "sick leave",
                // German
                "diagnose", "krebs", "krankheit", "erkrankt", "erkrankung", "schwanger\\w*", "behinderung",
                "krankschreibung", "krankgeschrieben", "medikament\\w*", "psychische erkrankung", "zuckerkrank",
                // French
                "diagnostic", "maladie", "enceinte", "grossesse", "handicap\\w*", "traitement médical",
                "arrêt maladie", "dépression", "diabète", "séropositi\\w*"));
        m.put(SpecialCategory.RELIGION, words(
                "muslim", "islam\\w*", "christian", "catholic", "protestant", "jewish", "judaism", "hindu\\w*",
                "buddhis\\w*", "sikh", "atheist", "religio(?:n|us)", "church", "mosque", "synagogue", "temple",
                "muslimisch\\w*", "christlich\\w*", "jüdisch\\w*", "katholisch\\w*", "evangelisch\\w*", "kirche",
                "moschee", "synagoge", "konfession", "glaube",
                "musulman\\w*", "chrétien\\w*", "juif", "juive", "catholique", "protestant\\w*", "église",
                "mosquée", "synagogue", "athée"));
        m.put(SpecialCategory.ETHNICITY, words(
                "ethnic(?:ity)?", "racial", "race", "african (?:descent|origin)", "asian (?:descent|origin)",
                "arab (?:descent|origin)", "hispanic (?:descent|origin)", "latino (?:descent|origin)",
                "roma", "indigenous", "ethnisch\\w*", "ethnie", "abstammung", "rassisch\\w*",
                "ethnique", "origine raciale", "origine ethnique"));
        m.put(SpecialCategory.POLITICAL_OPINION, words(
                "political (?:opinion|views?|party|affiliation)", "voted for", "party member",
                "member of the \\w+ party", "democrat", "republican", "socialist", "communist",
                "politische (?:meinung|einstellung|überzeugung)", "parteimitglied", "partei", "gewählt",
                "opinion politique", "parti politique", "voté pour", "militant"));
        m.put(SpecialCategory.SEXUAL_ORIENTATION, words(
                "gay", "lesbian", "bisexual", "homosexual", "heterosexual", "queer", "sexual orientation",
                "schwul", "lesbisch", "bisexuell", "homosexuell", "sexuelle orientierung",
                "homosexuel\\w*", "lesbienne", "bisexuel\\w*", "orientation sexuelle"));
        m.put(SpecialCategory.BIOMETRIC, words(
                "fingerprints?", "facial recognition", "face scan", "iris scan", "retina scan", "voiceprint",
                "biometric\\w*", "fingerabdr(?:uck|ücke)", "gesichtserkennung", "biometrisch\\w*",
                "empreintes? digitales?", "reconnaissance faciale", "biométri\\w*"));
        m.put(SpecialCategory.GENETIC, words(
                "dna", "genome", "genetic (?:test|data|disorder|marker)", "brca\\d?", "gentest", "genetisch\\w*",
                "erbgut", "adn", "test génétique", "génétique"));
        m.put(SpecialCategory.TRADE_UNION, words(
                "trade union", "labou?r union", "union member(?:ship)?", "shop steward", "gewerkschaft\\w*",
                "betriebsrat", "syndicat", "syndiqué\\w*", "délégué syndical"));
        return m;
    }

    private static Indicator words(String... stems) {
        Set<String> keys = new java.util.HashSet<>();
        for (String stem : stems) {
            int literal = 0;
            while (literal < stem.length() && REGEX_SYNTAX.indexOf(stem.charAt(literal)) < 0) {
                literal++;
            }
            if (literal < KEY_LENGTH || !stem.substring(0, KEY_LENGTH).chars().allMatch(Character::isLetterOrDigit)) {
                throw new IllegalStateException("indicator stem needs " + KEY_LENGTH + " leading letters: " + stem);
            }
            keys.add(stem.substring(0, KEY_LENGTH));
        }
        return new Indicator(Pattern.compile("(?<![\\p{L}\\d])(?:" + String.join("|", stems) + ")(?![\\p{L}\\d])"),
                Set.copyOf(keys));
    }
}

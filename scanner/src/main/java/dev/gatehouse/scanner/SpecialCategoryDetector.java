package dev.gatehouse.scanner;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Indicators of GDPR special-category data in English, German and French: word stems that
 * signal the text is about a person's health, beliefs, origin and so on. Indicators, not proof:
 * "the church on the corner" also indicates RELIGION; the policy decides what follows. Stems are
 * lower case and matched against the lower-cased text.
 * Stateless and thread-safe.
 */
public final class SpecialCategoryDetector {

    /** Every stem starts with at least this many literal letters: the key that selects the patterns tried at a word. */
    private static final int KEY_LENGTH = 3;
    private static final String REGEX_SYNTAX = "([\\?*+{|.";

    /** A category's stems as one pattern, anchored where it is tried (at the start of a word). */
    private record Indicator(SpecialCategory category, Pattern pattern) {
    }

    /** The indicators whose stems begin with a key, by key: only those are tried at a word with that start. */
    private static final Map<String, List<Indicator>> BY_KEY = indicatorsByKey(indicators());

    public Set<SpecialCategory> find(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        Set<SpecialCategory> found = EnumSet.noneOf(SpecialCategory.class);
        Map<SpecialCategory, Matcher> matchers = new EnumMap<>(SpecialCategory.class);
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            boolean inWord = i < lower.length() && Character.isLetterOrDigit(lower.charAt(i));
            if (inWord && start < 0) {
                start = i;
            } else if (!inWord && start >= 0) {
                if (i - start >= KEY_LENGTH) {
                    tryAt(lower, start, BY_KEY.get(lower.substring(start, start + KEY_LENGTH)), found, matchers);
                }
                start = -1;
            }
        }
        return found;
    }

    /**
     * Tries the indicators of a word's key anchored at the word's start: a stem only ever matches
     * there, so the text is not searched position by position.
     */
    private static void tryAt(String lower, int wordStart, List<Indicator> candidates, Set<SpecialCategory> found,
                              Map<SpecialCategory, Matcher> matchers) {
        if (candidates == null) {
            return;
        }
        for (Indicator indicator : candidates) {
            if (found.contains(indicator.category())) {
                continue;
            }
            Matcher matcher = matchers.computeIfAbsent(indicator.category(),
                    category -> indicator.pattern().matcher(lower).useTransparentBounds(true));
            if (matcher.region(wordStart, lower.length()).lookingAt()) {
                found.add(indicator.category());
            }
        }
    }

    private static Map<String, List<Indicator>> indicatorsByKey(Map<SpecialCategory, List<String>> stemsByCategory) {
        Map<String, List<Indicator>> byKey = new HashMap<>();
        stemsByCategory.forEach((category, stems) -> {
            Indicator indicator = new Indicator(category,
                    Pattern.compile("(?<![\\p{L}\\d])(?:" + String.join("|", stems) + ")(?![\\p{L}\\d])"));
            for (String stem : stems) {
                List<Indicator> withKey = byKey.computeIfAbsent(keyOf(stem), key -> new ArrayList<>());
                if (!withKey.contains(indicator)) {
                    withKey.add(indicator);
                }
            }
        });
        Map<String, List<Indicator>> frozen = new HashMap<>();
        byKey.forEach((key, indicators) -> frozen.put(key, List.copyOf(indicators)));
        return Map.copyOf(frozen);
    }

    private static String keyOf(String stem) {
        int literal = 0;
        while (literal < stem.length() && REGEX_SYNTAX.indexOf(stem.charAt(literal)) < 0) {
            literal++;
        }
        if (literal < KEY_LENGTH || !stem.substring(0, KEY_LENGTH).chars().allMatch(Character::isLetterOrDigit)) {
            throw new IllegalStateException("indicator stem needs " + KEY_LENGTH + " leading letters: " + stem);
        }
        return stem.substring(0, KEY_LENGTH);
    }

    private static Map<SpecialCategory, List<String>> indicators() {
        Map<SpecialCategory, List<String>> m = new EnumMap<>(SpecialCategory.class);
        m.put(SpecialCategory.HEALTH, List.of(
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
        m.put(SpecialCategory.RELIGION, List.of(
                "muslim", "islam\\w*", "christian", "catholic", "protestant", "jewish", "judaism", "hindu\\w*",
                "buddhis\\w*", "sikh", "atheist", "religio(?:n|us)", "church", "mosque", "synagogue", "temple",
                "muslimisch\\w*", "christlich\\w*", "jüdisch\\w*", "katholisch\\w*", "evangelisch\\w*", "kirche",
                "moschee", "synagoge", "konfession", "glaube",
                "musulman\\w*", "chrétien\\w*", "juif", "juive", "catholique", "protestant\\w*", "église",
                "mosquée", "synagogue", "athée"));
        m.put(SpecialCategory.ETHNICITY, List.of(
                "ethnic(?:ity)?", "racial", "race", "african (?:descent|origin)", "asian (?:descent|origin)",
                "arab (?:descent|origin)", "hispanic (?:descent|origin)", "latino (?:descent|origin)",
                "roma", "indigenous", "ethnisch\\w*", "ethnie", "abstammung", "rassisch\\w*",
                "ethnique", "origine raciale", "origine ethnique"));
        m.put(SpecialCategory.POLITICAL_OPINION, List.of(
                "political (?:opinion|views?|party|affiliation)", "voted for", "party member",
                "member of the \\w+ party", "democrat", "republican", "socialist", "communist",
                "politische (?:meinung|einstellung|überzeugung)", "parteimitglied", "partei", "gewählt",
                "opinion politique", "parti politique", "voté pour", "militant"));
        m.put(SpecialCategory.SEXUAL_ORIENTATION, List.of(
                "gay", "lesbian", "bisexual", "homosexual", "heterosexual", "queer", "sexual orientation",
                "schwul", "lesbisch", "bisexuell", "homosexuell", "sexuelle orientierung",
                "homosexuel\\w*", "lesbienne", "bisexuel\\w*", "orientation sexuelle"));
        m.put(SpecialCategory.BIOMETRIC, List.of(
                "fingerprints?", "facial recognition", "face scan", "iris scan", "retina scan", "voiceprint",
                "biometric\\w*", "fingerabdr(?:uck|ücke)", "gesichtserkennung", "biometrisch\\w*",
                "empreintes? digitales?", "reconnaissance faciale", "biométri\\w*"));
        m.put(SpecialCategory.GENETIC, List.of(
                "dna", "genome", "genetic (?:test|data|disorder|marker)", "brca\\d?", "gentest", "genetisch\\w*",
                "erbgut", "adn", "test génétique", "génétique"));
        m.put(SpecialCategory.TRADE_UNION, List.of(
                "trade union", "labou?r union", "union member(?:ship)?", "shop steward", "gewerkschaft\\w*",
                "betriebsrat", "syndicat", "syndiqué\\w*", "délégué syndical"));
        return m;
    }
}

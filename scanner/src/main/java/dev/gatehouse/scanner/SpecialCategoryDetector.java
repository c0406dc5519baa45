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

    private static final Map<SpecialCategory, Pattern> INDICATORS = indicators();

    public Set<SpecialCategory> find(String text) {
        Set<SpecialCategory> found = EnumSet.noneOf(SpecialCategory.class);
        String lower = text.toLowerCase(Locale.ROOT);
        INDICATORS.forEach((category, pattern) -> {
            if (pattern.matcher(lower).find()) {
                found.add(category);
            }
        });
        return found;
    }

    private static Map<SpecialCategory, Pattern> indicators() {
        Map<SpecialCategory, Pattern> m = new EnumMap<>(SpecialCategory.class);
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
                "ethnic(?:ity)?", "racial", "race", "of (?:african|asian|arab|hispanic|latino) (?:descent|origin)",
                "roma", "indigenous", "ethnisch\\w*", "ethnie", "abstammung", "rassisch\\w*",
                "ethnique", "origine raciale", "origine ethnique"));
        m.put(SpecialCategory.POLITICAL_OPINION, words(
                "political (?:opinion|views?|party|affiliation)", "voted for", "party member",
                "member of the \\w+ party", "democrat", "republican", "socialist", "communist",
                "politische (?:meinung|einstellung|überzeugung)", "parteimitglied", "partei", "gewählt",
                "opinion politique", "parti politique", "j'ai voté", "militant"));
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

    private static Pattern words(String... stems) {
        return Pattern.compile("(?<![\\p{L}\\d])(?:" + String.join("|", stems) + ")(?![\\p{L}\\d])");
    }
}

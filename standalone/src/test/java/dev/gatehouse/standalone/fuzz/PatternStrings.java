package dev.gatehouse.standalone.fuzz;

import java.util.Random;

/**
 * A string that matches an anchored regular expression of the kind OpenAPI documents use for
 * identifiers: literals and bracketed classes (ranges, escapes), each optionally quantified with
 * {@code ?}, {@code *}, {@code +}, {@code {n}} or {@code {m,n}}.
 */
final class PatternStrings {

    private static final int UNBOUNDED = 8;

    private PatternStrings() {
    }

    static String sample(String pattern, Random random) {
        String body = pattern.replaceAll("^\\^|\\$$", "");
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            String choices;
            if (body.charAt(i) == '[') {
                int end = body.indexOf(']', i + 2);
                choices = expand(body.substring(i + 1, end));
                i = end + 1;
            } else if (body.charAt(i) == '\\') {
                choices = String.valueOf(body.charAt(i + 1));
                i += 2;
            } else {
                choices = String.valueOf(body.charAt(i));
                i++;
            }
            int min = 1;
            int max = 1;
            if (i < body.length()) {
                char quantifier = body.charAt(i);
                if (quantifier == '?' || quantifier == '*' || quantifier == '+') {
                    min = quantifier == '+' ? 1 : 0;
                    max = quantifier == '?' ? 1 : UNBOUNDED;
                    i++;
                } else if (quantifier == '{') {
                    int end = body.indexOf('}', i);
                    String[] bounds = body.substring(i + 1, end).split(",", -1);
                    min = Integer.parseInt(bounds[0]);
                    max = bounds.length == 1 ? min : bounds[1].isEmpty() ? min + UNBOUNDED : Integer.parseInt(bounds[1]);
                    i = end + 1;
                }
            }
            int count = min + random.nextInt(Math.min(max, min + UNBOUNDED) - min + 1);
            for (int n = 0; n < count; n++) {
                out.append(choices.charAt(random.nextInt(choices.length())));
            }
        }
        return out.toString();
    }

    /** Every character a bracketed class admits, such as {@code a-z0-9._:-}. */
    private static String expand(String characterClass) {
        StringBuilder chars = new StringBuilder();
        for (int i = 0; i < characterClass.length(); i++) {
            char c = characterClass.charAt(i);
            if (c == '\\') {
                chars.append(characterClass.charAt(++i));
            } else if (i + 2 < characterClass.length() && characterClass.charAt(i + 1) == '-') {
                for (char range = c; range <= characterClass.charAt(i + 2); range++) {
                    chars.append(range);
                }
                i += 2;
            } else {
                chars.append(c);
            }
        }
        return chars.toString();
    }
}

package dev.gatehouse.standalone.portal;

import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Model cards are markdown written by publishers, that is by other tenants: rendered with every
 * raw HTML tag escaped and every link or image address outside http(s) and mailto dropped, so a
 * card can format text but never run script in a reader's session.
 */
final class ModelCards {

    private final Parser parser = Parser.builder().build();
    private final HtmlRenderer renderer = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();

    String toHtml(String markdown) {
        return markdown == null || markdown.isBlank() ? "" : renderer.render(parser.parse(markdown));
    }
}

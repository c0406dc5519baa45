package dev.gatehouse.standalone.portal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModelCardsTest {

    private final ModelCards cards = new ModelCards();

    @Test
    void formatsMarkdown() {
        assertThat(cards.toHtml("# Acme Llama\nTuned on **support** tickets."))
                .isEqualTo("<h1>Acme Llama</h1>\n<p>Tuned on <strong>support</strong> tickets.</p>\n");
    }

    @Test
    void escapesRawHtmlSoACardCannotRunScript() {
        String html = cards.toHtml("Hello <script>alert(document.cookie)</script> <img src=x onerror=alert(1)>");

        assertThat(html).doesNotContain("<script").doesNotContain("<img").contains("&lt;script&gt;");
    }

    @Test
    void dropsLinksThatAreNotWebAddresses() {
        String html = cards.toHtml("[docs](https://acme.example/docs) and [click](javascript:alert(1))");

        assertThat(html).contains("href=\"https://acme.example/docs\"").doesNotContain("javascript:");
    }

    @Test
    void anEmptyCardRendersNothing() {
        assertThat(cards.toHtml(null)).isEmpty();
        assertThat(cards.toHtml("  ")).isEmpty();
    }
}

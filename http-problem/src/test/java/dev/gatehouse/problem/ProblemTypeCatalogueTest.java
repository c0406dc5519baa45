package dev.gatehouse.problem;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemTypeCatalogueTest {

    @Test
    void everyProblemTypeIsDocumentedWithItsStatus() throws IOException {
        String catalogue = Files.readString(Path.of("..", "docs", "errors.md"));

        for (ProblemType type : ProblemType.values()) {
            assertThat(catalogue).as(type.name()).contains("| " + type.status() + " | `" + type.code() + "` |");
        }
    }

    @Test
    void codesAreUniqueAndTypeUrisStable() {
        assertThat(ProblemType.MODEL_NOT_FOUND.typeUri()).isEqualTo("https://gatehouse.dev/problems/model-not-found");
        assertThat(java.util.Arrays.stream(ProblemType.values()).map(ProblemType::code)).doesNotHaveDuplicates();
    }
}

package dev.gatehouse.scanner.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.scanner.ScannerException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads labelled JSONL: {@code {"text": ..., "label": 0|1, "category"?: ..., "source"?: ..., "role"?: ...}}. */
public final class LabelledExamples {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LabelledExamples() {
    }

    public static List<LabelledExample> read(Path file) {
        List<LabelledExample> examples = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    examples.add(parse(line, file, number));
                }
            }
        } catch (IOException e) {
            throw new ScannerException(ScannerException.Code.DATASET_INVALID, "cannot read " + file.getFileName(), e);
        }
        return examples;
    }

    private static LabelledExample parse(String line, Path file, int number) {
        try {
            JsonNode node = JSON.readTree(line);
            JsonNode text = node.get("text");
            JsonNode label = node.get("label");
            if (text == null || !text.isTextual() || label == null || !label.canConvertToInt()
                    || (label.asInt() != 0 && label.asInt() != 1)) {
                throw invalid(file, number, null);
            }
            return new LabelledExample(text.asText(), label.asInt(), node.path("category").asText(null),
                    node.path("source").asText(null), node.path("role").asText(null));
        } catch (IOException e) {
            throw invalid(file, number, e);
        }
    }

    private static ScannerException invalid(Path file, int number, Throwable cause) {
        return new ScannerException(ScannerException.Code.DATASET_INVALID,
                file.getFileName() + " line " + number + ": expected {\"text\": string, \"label\": 0|1}", cause);
    }
}

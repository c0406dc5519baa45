package dev.gatehouse.audit.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reads the bundle's records one at a time, from either format: index, stated leaf hash, and the leaf's exact text. */
interface RecordReader {

    record Line(long index, byte[] leafHash, String leaf) {
    }

    /** The next record, or null at the end. */
    Line next() throws IOException;

    /** {@code records.jsonl}: one JSON object a line, the leaf as a string, so its bytes survive exactly. */
    final class JsonLines implements RecordReader {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final BufferedReader lines;

        JsonLines(BufferedReader lines) {
            this.lines = lines;
        }

        @Override
        public Line next() throws IOException {
            String line = lines.readLine();
            if (line == null) {
                return null;
            }
            JsonNode record = JSON.readTree(line);
            JsonNode leaf = record.path("leaf");
            return new Line(record.path("index").asLong(-1), Base64.getDecoder().decode(record.path("leaf_hash").asText()),
                    leaf.isTextual() ? leaf.asText() : null);
        }
    }

    /**
     * {@code records.csv} (RFC 4180, header line first): index, leaf_hash, record_id, request_id,
     * action, recorded_at, leaf. Leaves are canonical JSON, which has no line breaks.
     */
    final class Csv implements RecordReader {
        private final BufferedReader lines;
        private boolean headerRead;

        Csv(BufferedReader lines) {
            this.lines = lines;
        }

        @Override
        public Line next() throws IOException {
            if (!headerRead) {
                lines.readLine();
                headerRead = true;
            }
            String line = lines.readLine();
            if (line == null) {
                return null;
            }
            List<String> fields = fields(line);
            if (fields.size() != 7) {
                throw new IllegalArgumentException("a CSV record has 7 fields, this one " + fields.size());
            }
            return new Line(Long.parseLong(fields.get(0)), Base64.getDecoder().decode(fields.get(1)),
                    fields.get(6).isEmpty() ? null : fields.get(6));
        }

        static List<String> fields(String line) {
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                } else {
                    field.append(c);
                }
            }
            fields.add(field.toString());
            return fields;
        }
    }
}

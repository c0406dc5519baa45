package dev.gatehouse.catalog.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML document read as a JSON tree (so that the catalog's JSON readers apply unchanged), with
 * the line each value starts on, addressed by its path ({@code models[2].pricing.currency}).
 * Anchors, aliases and custom tags are refused: a catalog file is plain data.
 */
final class YamlTree {

    private static final int MAX_DOCUMENT_CODE_POINTS = 10 * 1024 * 1024;
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private final JsonNode root;
    private final Map<String, Integer> lines = new HashMap<>();

    private YamlTree(Node root) {
        this.root = convert(root, "");
    }

    static YamlTree read(Reader reader, String fileName) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(0);
        options.setCodePointLimit(MAX_DOCUMENT_CODE_POINTS);
        Node document;
        try {
            document = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new CatalogFileException(fileName + ":" + line + ": not valid YAML: " + e.getProblem());
        } catch (RuntimeException e) {
            throw new CatalogFileException(fileName + ": not valid YAML: " + e.getMessage());
        }
        if (document == null) {
            throw new CatalogFileException(fileName + ":1: the catalog file is empty");
        }
        return new YamlTree(document);
    }

    JsonNode root() {
        return root;
    }

    /** The line (1-based) of the value at {@code path}, or of its nearest enclosing value. */
    int lineOf(String path) {
        String probe = path;
        while (!probe.isEmpty()) {
            Integer line = lines.get(probe);
            if (line != null) {
                return line;
            }
            int cut = Math.max(probe.lastIndexOf('.'), probe.lastIndexOf('['));
            probe = cut < 0 ? "" : probe.substring(0, cut);
        }
        return lines.getOrDefault("", 1);
    }

    private JsonNode convert(Node node, String path) {
        lines.put(path, node.getStartMark().getLine() + 1);
        if (node instanceof MappingNode mapping) {
            ObjectNode object = NODES.objectNode();
            for (NodeTuple entry : mapping.getValue()) {
                if (!(entry.getKeyNode() instanceof ScalarNode key)) {
                    throw new CatalogFileException("line " + (entry.getKeyNode().getStartMark().getLine() + 1) + ": keys must be plain names");
                }
                String childPath = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
                object.set(key.getValue(), convert(entry.getValueNode(), childPath));
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = NODES.arrayNode();
            for (int index = 0; index < sequence.getValue().size(); index++) {
                array.add(convert(sequence.getValue().get(index), path + "[" + index + "]"));
            }
            return array;
        }
        return scalar((ScalarNode) node);
    }

    private static JsonNode scalar(ScalarNode scalar) {
        Tag tag = scalar.getTag();
        String value = scalar.getValue();
        if (Tag.NULL.equals(tag)) {
            return NODES.nullNode();
        }
        if (Tag.BOOL.equals(tag)) {
            return NODES.booleanNode(value.equalsIgnoreCase("true") || value.equalsIgnoreCase("yes") || value.equalsIgnoreCase("on"));
        }
        try {
            if (Tag.INT.equals(tag)) {
                return NODES.numberNode(new BigInteger(value.replace("_", "")));
            }
            if (Tag.FLOAT.equals(tag)) {
                return NODES.numberNode(new BigDecimal(value.replace("_", "")));
            }
        } catch (NumberFormatException e) {
            return NODES.textNode(value);
        }
        if (!Tag.STR.equals(tag)) {
            throw new CatalogFileException("line " + (scalar.getStartMark().getLine() + 1) + ": the tag " + tag + " is not allowed");
        }
        return NODES.textNode(value);
    }
}

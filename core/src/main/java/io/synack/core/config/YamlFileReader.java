package io.synack.core.config;

import io.synack.api.InvalidConfigurationException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.stream.Collectors;
import org.apache.commons.configuration2.YAMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a YAML file with Commons Configuration's {@link YAMLConfiguration}. Keys may be nested
 * ({@code synack: {tcp: {msl: 10s}}}) or flat ({@code synack.tcp.msl: 10s}), or mixed.
 *
 * <p>The library's node tree carries no positions, so the file is also composed with SnakeYAML
 * (which the library parses with) to find the line each key is written on. Duplicate keys in one
 * mapping are an error, not "last one wins".
 */
final class YamlFileReader {

    private YamlFileReader() {}

    static List<RawValue> read(Path file, String content) {
        YAMLConfiguration configuration = new YAMLConfiguration();
        configuration.setInterpolator(null);
        Node document;
        Map<String, Queue<Integer>> lines = new HashMap<>();
        try {
            // Composed first: a document that is not a mapping gets a clear error, not the
            // library's ClassCastException.
            document = new Yaml(loaderOptions()).compose(new StringReader(content));
            if (document != null && !(document instanceof MappingNode)) {
                throw new InvalidConfigurationException("configuration file " + file + ":"
                        + (document.getStartMark().getLine() + 1)
                        + ": not a synack configuration: the document must map keys to values");
            }
            if (document != null) {
                indexLines(file, (MappingNode) document, "", lines);
            }
            configuration.read(new StringReader(content), loaderOptions());
        } catch (InvalidConfigurationException e) {
            throw e;
        } catch (ConfigurationException | RuntimeException e) {
            throw new InvalidConfigurationException(malformed(file, e));
        }
        List<RawValue> values = new ArrayList<>();
        collect(configuration.getNodeModel().getNodeHandler().getRootNode(), "", file, lines, values);
        return values;
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return options;
    }

    /** Walks the library's tree in document order; a leaf repeated under one name was a list. */
    private static void collect(ImmutableNode node, String prefix, Path file,
            Map<String, Queue<Integer>> lines, List<RawValue> values) {
        Map<String, List<ImmutableNode>> byName = new LinkedHashMap<>();
        for (ImmutableNode child : node.getChildren()) {
            byName.computeIfAbsent(child.getNodeName(), n -> new ArrayList<>()).add(child);
        }
        for (Map.Entry<String, List<ImmutableNode>> entry : byName.entrySet()) {
            String key = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
            List<ImmutableNode> nodes = entry.getValue();
            boolean allLeaves = nodes.stream().allMatch(n -> n.getChildren().isEmpty());
            if (allLeaves && nodes.size() > 1) {
                String list = nodes.stream().map(n -> String.valueOf(n.getValue()))
                        .collect(Collectors.joining(", ", "[", "]"));
                values.add(new RawValue(key, list, ValueSource.file(file, nextLine(lines, key))));
            } else if (allLeaves) {
                Object value = nodes.get(0).getValue();
                values.add(new RawValue(key, value == null ? null : String.valueOf(value),
                        ValueSource.file(file, nextLine(lines, key))));
            } else {
                for (ImmutableNode child : nodes) {
                    collect(child, key, file, lines, values);
                }
            }
        }
    }

    private static int nextLine(Map<String, Queue<Integer>> lines, String key) {
        Queue<Integer> queue = lines.get(key);
        Integer line = queue == null ? null : queue.poll();
        return line == null ? 0 : line;
    }

    /** Records each key's line; a key that is not text (a number, a list) is an error here. */
    private static void indexLines(Path file, MappingNode mapping, String prefix, Map<String, Queue<Integer>> lines) {
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalar) || !Tag.STR.equals(keyNode.getTag())) {
                throw new InvalidConfigurationException("configuration file " + file + ":"
                        + (keyNode.getStartMark().getLine() + 1) + ":" + (keyNode.getStartMark().getColumn() + 1)
                        + ": not a synack configuration: keys must be text"
                        + (keyNode instanceof ScalarNode s ? ", not " + s.getValue() : ""));
            }
            String key = prefix.isEmpty() ? scalar.getValue() : prefix + "." + scalar.getValue();
            if (tuple.getValueNode() instanceof MappingNode nested && !nested.getValue().isEmpty()) {
                indexLines(file, nested, key, lines);
            } else {
                lines.computeIfAbsent(key, k -> new ArrayDeque<>()).add(keyNode.getStartMark().getLine() + 1);
            }
        }
    }

    private static String malformed(Path file, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                return "configuration file " + file + ":" + (marked.getProblemMark().getLine() + 1) + ":"
                        + (marked.getProblemMark().getColumn() + 1) + ": not valid YAML: "
                        + (marked.getContext() != null ? marked.getContext() + ", " : "") + marked.getProblem();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "configuration file " + file + " is not valid YAML: " + root.getMessage();
    }
}

package io.trellis.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * No two Trellis packages depend on each other, directly or through others: the package graph of
 * every shipped module's classes (jdeps) has no cycle. The module graph is acyclic by Maven's rules;
 * this keeps the packages inside the modules the same.
 */
class PackageCyclesTest {
    private static final Pattern EDGE = Pattern.compile("^\\s+(io\\.trellis\\S*)\\s+->\\s+(io\\.trellis\\S*)\\s");

    @Test
    void trellisPackagesFormNoCycle() throws IOException {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElse(null);
        Assumptions.assumeTrue(jdeps != null, "needs jdeps (a JDK, not a JRE)");
        List<String> args = new ArrayList<>(List.of("-verbose:package", "-filter:none"));
        for (Path classes : classDirectories()) {
            args.add(classes.toString());
        }
        StringWriter out = new StringWriter();
        jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()), args.toArray(String[]::new));

        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString().lines().toList()) {
            Matcher m = EDGE.matcher(line);
            if (m.find() && !m.group(1).equals(m.group(2))) {
                graph.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
            }
        }
        assertThat(graph).as("jdeps found the packages").isNotEmpty();
        assertThat(cycles(graph)).as("package cycles").isEmpty();
    }

    /** Each module's main classes, test classes and perf excluded; from the repository root. */
    private static List<Path> classDirectories() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("trellis"))) {
            root = root.getParent();
        }
        assertThat(root).as("inside the Trellis repository").isNotNull();
        Path top = root;
        try (Stream<Path> all = Files.walk(top, 4)) {
            return all.filter(p -> p.endsWith(Path.of("target", "classes")) && Files.isDirectory(p))
                    .filter(p -> !top.relativize(p).startsWith("perf") && !top.relativize(p).startsWith("testing"))
                    .sorted().toList();
        }
    }

    /** Strongly connected components of more than one package (Tarjan), each as a sorted list. */
    private static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<List<String>> found = new ArrayList<>();
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, onStack, found);
            }
        }
        return found;
    }

    private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<List<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                found.add(component);
            }
        }
    }
}

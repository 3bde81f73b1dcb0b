package io.trellis.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every document the repository points at is in the repository: relative Markdown links resolve
 * to a file inside it, and every path under docs/, perf/ or a module's src/ named in code, scripts
 * or docs exists. A reader following a reference never lands on nothing.
 */
class DocumentationLinksTest {
    private static final Pattern MARKDOWN_LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    /** {@code docs/…}, {@code perf/…} and any {@code module/src/main|test/…} path. */
    private static final Pattern REPO_PATH = Pattern.compile(
            "(?<![\\w/.-])((?:docs|perf)/[\\w./-]*\\w|(?:agent/)?[\\w-]+/src/(?:main|test)/[\\w./-]*\\w)");
    private static final Path ROOT = repositoryRoot();

    @Test
    void markdownLinksResolveInsideTheRepository() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path md : files(".md")) {
            String text = Files.readString(md);
            Matcher m = MARKDOWN_LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*") || target.startsWith("#")) {
                    continue; // a URL, or an anchor in the same page
                }
                Path resolved = md.getParent().resolve(target.replaceFirst("#.*$", "")).normalize();
                if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
                    broken.add(ROOT.relativize(md) + " -> " + target);
                }
            }
        }
        assertThat(broken).as("links to missing files").isEmpty();
    }

    @Test
    void pathsNamedInCodeAndDocsExist() throws IOException {
        List<String> missing = new ArrayList<>();
        for (String ext : List.of(".md", ".java", ".sh", ".xml")) {
            for (Path f : files(ext)) {
                Matcher m = REPO_PATH.matcher(Files.readString(f));
                while (m.find()) {
                    String path = m.group(1).replaceAll("[.]+$", "");
                    if (!path.contains("...") && !Files.exists(ROOT.resolve(path)) && !generated(path)) {
                        missing.add(ROOT.relativize(f) + " names " + path);
                    }
                }
            }
        }
        assertThat(missing).as("paths that are not in the repository").isEmpty();
    }

    /** Build outputs named in docs and scripts ({@code perf/target/benchmarks.jar}) exist only after a build. */
    private static boolean generated(String path) {
        return path.matches("(.*/)?target(/.*)?") || path.startsWith("perf/results");
    }

    private static List<Path> files(String extension) throws IOException {
        try (Stream<Path> all = Files.walk(ROOT)) {
            return all.filter(p -> p.toString().endsWith(extension))
                    .filter(p -> {
                        String rel = ROOT.relativize(p).toString();
                        return !rel.startsWith(".git/") && !rel.contains("/target/") && !rel.startsWith("target/");
                    })
                    .toList();
        }
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("docs")) && Files.exists(dir.resolve("trellis")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside the Trellis repository: " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}

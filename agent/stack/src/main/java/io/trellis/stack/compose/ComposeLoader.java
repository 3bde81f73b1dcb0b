package io.trellis.stack.compose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compose files of one {@code stack config} or {@code stack deploy}: each read and parsed, the {@code .env}
 * beside the first one read for the variables (the environment wins over it), merged in order and checked as a
 * whole. Relative paths start at the first file's directory, as docker compose's project directory.
 */
public final class ComposeLoader {
    private ComposeLoader() {
    }

    /** The merged file and the warnings to print. */
    public record Loaded(ComposeFile file, List<String> warnings) {
    }

    /**
     * @param files       as the user named them (messages name them so)
     * @param environment the variables of the CLI's environment
     * @throws ComposeException one line naming the file, line and key
     */
    public static Loaded load(List<Path> files, Map<String, String> environment) {
        if (files.isEmpty()) {
            throw new ComposeException("give at least one compose file with -c");
        }
        Path directory = directory(files.get(0));
        Map<String, String> variables = new HashMap<>();
        Path dotEnv = directory.resolve(".env");
        if (Files.isRegularFile(dotEnv)) {
            variables.putAll(EnvFile.read(dotEnv, dotEnv.toString()));
        }
        variables.putAll(environment);
        ComposeFile merged = null;
        Map<String, String> origins = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        for (Path f : files) {
            ComposeParser.Parsed parsed = ComposeParser.parse(read(f), f.toString(), directory, variables);
            merged = merged == null ? parsed.file() : ComposeMerge.merge(merged, parsed.file());
            origins.putAll(parsed.origins());
            warnings.addAll(parsed.warnings());
        }
        ComposeChecks.check(merged, origins, files.get(0).toString());
        return new Loaded(merged, warnings);
    }

    private static Path directory(Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        return parent == null ? Path.of("/") : parent;
    }

    private static String read(Path f) {
        try {
            if (Files.size(f) > ComposeParser.MAX_CODE_POINTS) {
                throw new ComposeException(f + ": larger than " + ComposeParser.MAX_CODE_POINTS + " bytes");
            }
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ComposeException(f + ": cannot read: " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }
}

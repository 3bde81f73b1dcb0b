package io.trellis.stack.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Property-based fuzzing (jqwik, like the packet parsers' fuzz tests) of the compose parser: arbitrary text and
 * mutated valid files either parse, and then write back to a file that parses to the same model, or are refused
 * with a {@link ComposeException} of one line naming the file. Nothing else may escape.
 */
class ComposeParserFuzzTest {
    private static final String SEED = """
            version: "3.8"
            x-base: &base
              image: "app:${TAG:-1}"
            services:
              web:
                <<: *base
                command: sh -c 'echo "$$HOME"'
                environment: [A=1, B]
                ports: ["8080:80", {target: 53, protocol: udp}]
                networks: {front: {aliases: [w]}}
                volumes: [data:/data:ro, {type: tmpfs, target: /tmp}]
                secrets: [pw, {source: pw, target: alt, mode: 0440}]
                healthcheck: {test: [CMD, true], interval: 5s, retries: 2}
                deploy:
                  replicas: 2
                  placement: {constraints: [node.role==worker], preferences: [{spread: node.id}]}
                  resources: {limits: {cpus: "0.5", memory: 64M}}
                  update_config: {parallelism: 1, order: start-first}
                  restart_policy: {condition: any}
            networks:
              front: {driver: overlay, driver_opts: {encrypted: "true"}}
            volumes:
              data:
            secrets:
              pw: {file: ./pw}
            """;
    private static final String ALPHABET = " \n:-[]{}\"',&*<>|#$?!%@`\\abcxyz019_.\t";

    @Property(tries = 3_000, shrinking = ShrinkingMode.BOUNDED)
    void arbitraryTextIsParsedOrRefusedInOneLine(@ForAll("arbitraryText") String text) {
        exercise(text);
    }

    @Property(tries = 5_000, shrinking = ShrinkingMode.BOUNDED)
    void mutatedFilesAreParsedOrRefusedInOneLine(@ForAll("mutatedSeeds") String text) {
        exercise(text);
    }

    private static void exercise(String text) {
        ComposeFile file;
        try {
            file = ComposeParser.parse(text, "fuzz.yml", Path.of("/srv"), Map.of("TAG", "2")).file();
        } catch (ComposeException e) {
            assertThat(e.getMessage()).startsWith("fuzz.yml").doesNotContain("\n");
            return;
        }
        // What parses must survive the canonical writer and read back as itself.
        String canonical = CanonicalYaml.write(file);
        assertThat(ComposeParser.parse(canonical, "canonical.yml", Path.of("/srv"), Map.of()).file())
                .isEqualTo(file);
    }

    @Provide
    Arbitrary<String> arbitraryText() {
        return Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMaxLength(300);
    }

    @Provide
    Arbitrary<String> mutatedSeeds() {
        return Arbitraries.randomValue(ComposeParserFuzzTest::mutate);
    }

    static String mutate(Random random) {
        StringBuilder s = new StringBuilder(SEED);
        for (int rounds = 1 + random.nextInt(4); rounds > 0; rounds--) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(4)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 2 -> s.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                default -> {
                    List<String> lines = List.of(s.toString().split("\n", -1));
                    int line = random.nextInt(lines.size());
                    s.insert(at, lines.get(line) + "\n");
                }
            }
        }
        return s.toString();
    }
}

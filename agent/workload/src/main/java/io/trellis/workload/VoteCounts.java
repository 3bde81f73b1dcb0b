package io.trellis.workload;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The store role's state and its line protocol: {@code ADD a} → {@code OK a=N} once the new count is on
 * disk ({@link CountsFile}), {@code COUNTS} → {@code COUNTS a=N b=M}; anything else {@code ERR ...}. Called
 * from one thread ({@link LineServer}).
 */
final class VoteCounts {
    private final CountsFile file;
    private final Map<VoteOption, Long> counts;

    private VoteCounts(CountsFile file, Map<VoteOption, Long> counts) {
        this.file = file;
        this.counts = counts;
    }

    /** The counts the file holds, or zeros when there is none yet. */
    static VoteCounts open(CountsFile file) throws IOException {
        return new VoteCounts(file, file.read());
    }

    String answer(String line) {
        if (line.equals("COUNTS")) {
            return "COUNTS " + format(counts);
        }
        if (line.startsWith("ADD ")) {
            Optional<VoteOption> option = VoteOption.of(line.substring("ADD ".length()));
            if (option.isEmpty()) {
                return "ERR unknown option: use a or b";
            }
            Map<VoteOption, Long> next = CountsFile.zeros();
            next.putAll(counts);
            next.merge(option.get(), 1L, Long::sum);
            try {
                file.write(next);
            } catch (IOException e) {
                // Not counted: the worker keeps the vote and asks again.
                return "ERR cannot write " + file.path() + ": " + e.getClass().getSimpleName();
            }
            counts.putAll(next);
            return "OK " + option.get().code() + "=" + counts.get(option.get());
        }
        return "ERR unknown command: use ADD a|b or COUNTS";
    }

    /** {@code a=3 b=5}: the body of a {@code COUNTS} answer. */
    static String format(Map<VoteOption, Long> counts) {
        StringBuilder out = new StringBuilder();
        counts.forEach((option, count) -> out.append(out.length() == 0 ? "" : " ").append(option.code()).append('=')
                .append(count));
        return out.toString();
    }

    /** The counts of a {@code COUNTS} answer; options it does not name count 0. */
    static Map<VoteOption, Long> parse(String answer) throws IOException {
        if (!answer.startsWith("COUNTS")) {
            throw new IOException("the store answered \"" + answer + "\"");
        }
        Map<VoteOption, Long> counts = CountsFile.zeros();
        for (String field : answer.substring("COUNTS".length()).strip().split(" ")) {
            int eq = field.indexOf('=');
            if (eq > 0) {
                Optional<VoteOption> option = VoteOption.of(field.substring(0, eq));
                try {
                    option.ifPresent(o -> counts.put(o, Long.parseLong(field.substring(eq + 1))));
                } catch (NumberFormatException e) {
                    throw new IOException("the store answered \"" + answer + "\"");
                }
            }
        }
        return counts;
    }
}

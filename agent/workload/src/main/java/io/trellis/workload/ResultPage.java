package io.trellis.workload;

import java.util.Map;

/** What the result role shows: each option's count and share. */
final class ResultPage {
    /** The HTML page reloads itself: a vote cast elsewhere shows within this many seconds. */
    static final int REFRESH_SECONDS = 2;

    private ResultPage() {
    }

    static String text(Map<VoteOption, Long> counts) {
        StringBuilder out = new StringBuilder();
        counts.forEach((o, n) -> out.append(o.label()).append(": ").append(n).append('\n'));
        return out.append("total: ").append(total(counts)).append('\n').toString();
    }

    static String html(Map<VoteOption, Long> counts, String servedBy) {
        long total = total(counts);
        StringBuilder rows = new StringBuilder();
        counts.forEach((o, n) -> rows.append("<tr><td>").append(o.label()).append("</td><td>").append(n)
                .append("</td><td>").append(total == 0 ? 0 : Math.round(100.0 * n / total)).append("%</td></tr>\n"));
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\""
                + REFRESH_SECONDS + "\"><title>Results</title></head>\n<body><h1>Results</h1>\n<table>\n" + rows
                + "</table>\n<p>" + total + (total == 1 ? " vote" : " votes") + "</p>\n<p><small>Processed by "
                + servedBy + "</small></p>\n</body></html>\n";
    }

    private static long total(Map<VoteOption, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}

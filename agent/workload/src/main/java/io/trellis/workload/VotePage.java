package io.trellis.workload;

/** What the vote role shows: the ballot, and the thanks after a vote. Nothing the client sent is echoed. */
final class VotePage {
    private VotePage() {
    }

    static String html(VoteOption voted, String servedBy) {
        StringBuilder buttons = new StringBuilder();
        for (VoteOption o : VoteOption.values()) {
            buttons.append("<button name=\"option\" value=\"").append(o.code()).append("\">").append(o.label())
                    .append("</button>\n");
        }
        String thanks = voted == null ? "" : "<p>Thank you: one vote for " + voted.label() + ".</p>\n";
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + question() + "</title></head>\n"
                + "<body><h1>" + question() + "</h1>\n"
                + "<form method=\"post\" action=\"/vote\">\n" + buttons + "</form>\n" + thanks
                + "<p><small>Processed by " + servedBy + "</small></p>\n</body></html>\n";
    }

    static String text(String servedBy) {
        StringBuilder out = new StringBuilder(question()).append('\n');
        for (VoteOption o : VoteOption.values()) {
            out.append("  curl -d option=").append(o.code()).append(" http://HOST/vote   for ").append(o.label())
                    .append('\n');
        }
        return out.append("processed by ").append(servedBy).append('\n').toString();
    }

    static String thanksText(VoteOption voted) {
        return "voted " + voted.code() + " (" + voted.label() + ")\n";
    }

    private static String question() {
        return VoteOption.A.label() + " vs " + VoteOption.B.label() + "!";
    }
}

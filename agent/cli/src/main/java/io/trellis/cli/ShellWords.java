package io.trellis.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code --args "sh -c 'echo hi'"} into words the way a POSIX shell would without expanding anything
 * (Docker's {@code shlex}): blanks separate words, single quotes keep everything, double quotes keep everything
 * but a backslash before {@code "}, {@code \} or {@code $}, and a backslash outside quotes keeps the next character.
 */
final class ShellWords {
    private ShellWords() {
    }

    static List<String> split(String flag, String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i++);
            if (c == '\'') {
                int end = text.indexOf('\'', i);
                if (end < 0) {
                    throw unterminated(flag, text);
                }
                word.append(text, i, end);
                i = end + 1;
                inWord = true;
            } else if (c == '"') {
                i = doubleQuoted(flag, text, i, word);
                inWord = true;
            } else if (c == '\\') {
                if (i == text.length()) {
                    throw CliException.user("invalid " + flag + " \"" + text + "\": it ends with a backslash");
                }
                word.append(text.charAt(i++));
                inWord = true;
            } else if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** Appends a double-quoted part starting after its quote; returns the index after the closing quote. */
    private static int doubleQuoted(String flag, String text, int from, StringBuilder word) {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i++);
            if (c == '"') {
                return i;
            }
            if (c == '\\' && i < text.length() && "\"\\$`".indexOf(text.charAt(i)) >= 0) {
                c = text.charAt(i++);
            }
            word.append(c);
        }
        throw unterminated(flag, text);
    }

    private static CliException unterminated(String flag, String text) {
        return CliException.user("invalid " + flag + " \"" + text + "\": a quote is not closed");
    }
}

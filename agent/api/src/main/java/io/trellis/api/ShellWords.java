package io.trellis.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A command given as one string ({@code service update --args}, a compose {@code command:}) split into words as a
 * POSIX shell would, without expanding anything (Docker's {@code shlex}): blanks separate words, single quotes keep
 * everything, double quotes keep everything but a backslash before {@code "}, {@code \}, {@code $} or a backquote,
 * and a backslash outside quotes keeps the next character.
 */
public final class ShellWords {
    private ShellWords() {
    }

    /** @throws IllegalArgumentException an unterminated quote or a trailing backslash */
    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated single quote");
                }
                word.append(text, i + 1, end);
                inWord = true;
                i = end;
            } else if (c == '"') {
                i = doubleQuoted(text, i + 1, word);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= text.length()) {
                    throw new IllegalArgumentException("trailing backslash");
                }
                word.append(text.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
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

    /** Appends a double-quoted part starting after its quote; returns the index of the closing quote. */
    private static int doubleQuoted(String text, int from, StringBuilder word) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\' && i + 1 < text.length() && "\"\\$`".indexOf(text.charAt(i + 1)) >= 0) {
                word.append(text.charAt(++i));
            } else {
                word.append(c);
            }
        }
        throw new IllegalArgumentException("unterminated double quote");
    }
}

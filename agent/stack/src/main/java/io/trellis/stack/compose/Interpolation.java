package io.trellis.stack.compose;

import java.util.Map;
import java.util.function.Function;

/**
 * Compose's variable substitution in values: {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}} (unset or
 * empty), {@code ${VAR-default}} (unset), {@code ${VAR:?err}} / {@code ${VAR?err}} (refused when missing), and
 * {@code $$} for a literal {@code $}. Defaults are substituted too, as docker compose does.
 */
public final class Interpolation {
    /** Deeper nesting of defaults than anyone writes: bounds the recursion on hostile input. */
    private static final int MAX_DEPTH = 10;
    private final Map<String, String> variables;

    public Interpolation(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    /** The variable's value, or null when it is not set. */
    public String variable(String name) {
        return variables.get(name);
    }

    /**
     * @param error turns a problem into the caller's exception (it names file, line and key)
     * @return {@code text} with every variable replaced
     */
    public String apply(String text, Function<String, RuntimeException> error) {
        return apply(text, error, 0);
    }

    private String apply(String text, Function<String, RuntimeException> error, int depth) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        if (depth > MAX_DEPTH) {
            throw error.apply("variables nested more than " + MAX_DEPTH + " deep");
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 >= text.length()) {
                out.append('$'); // a lone $ at the end stays, as in docker compose
                i++;
            } else if (text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (text.charAt(i + 1) == '{') {
                int end = closingBrace(text, i + 2);
                if (end < 0) {
                    throw error.apply("invalid interpolation format in \"" + text + "\": no closing }");
                }
                out.append(braced(text.substring(i + 2, end), text, error, depth));
                i = end + 1;
            } else if (nameStart(text.charAt(i + 1))) {
                int end = i + 1;
                while (end < text.length() && namePart(text.charAt(end))) {
                    end++;
                }
                String value = variables.get(text.substring(i + 1, end));
                out.append(value == null ? "" : value);
                i = end;
            } else {
                throw error.apply("invalid interpolation format in \"" + text + "\": use $$ for a literal $");
            }
        }
        return out.toString();
    }

    private String braced(String inside, String whole, Function<String, RuntimeException> error, int depth) {
        int n = 0;
        while (n < inside.length() && (n == 0 ? nameStart(inside.charAt(n)) : namePart(inside.charAt(n)))) {
            n++;
        }
        if (n == 0) {
            throw error.apply("invalid interpolation format in \"" + whole + "\": expected a variable name after ${");
        }
        String name = inside.substring(0, n);
        String rest = inside.substring(n);
        String value = variables.get(name);
        if (rest.isEmpty()) {
            return value == null ? "" : value;
        }
        boolean colon = rest.startsWith(":");
        String op = colon ? rest.substring(0, Math.min(2, rest.length())) : rest.substring(0, 1);
        String arg = rest.substring(op.length());
        boolean missing = value == null || (colon && value.isEmpty());
        switch (op) {
            case ":-", "-" -> {
                return missing ? apply(arg, error, depth + 1) : value;
            }
            case ":?", "?" -> {
                if (missing) {
                    String why = apply(arg, error, depth + 1);
                    throw error.apply("required variable " + name + " is missing a value"
                            + (why.isEmpty() ? "" : ": " + why));
                }
                return value;
            }
            case ":+", "+" -> {
                return missing ? "" : apply(arg, error, depth + 1);
            }
            default -> throw error.apply("invalid interpolation format in \"" + whole + "\": unknown operator after "
                    + name);
        }
    }

    /** The index of the } closing a ${ opened before {@code from}, nested ${...} included; -1 if none. */
    private static int closingBrace(String text, int from) {
        int depth = 1;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                depth++;
                i++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean nameStart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean namePart(char c) {
        return nameStart(c) || (c >= '0' && c <= '9');
    }
}

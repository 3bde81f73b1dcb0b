package io.trellis.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.trellis.api.ServiceView;
import io.trellis.cli.CliException;
import java.util.Map;
import java.util.regex.Pattern;

/** How a stack's objects are named and marked, as {@code docker stack} does it. */
public final class StackLabels {
    /** Docker's label: what {@code stack ls/ps/services/rm} find a stack's objects by. */
    public static final String NAMESPACE = "com.docker.stack.namespace";
    /** Docker's stack names (lower case is not enforced: Trellis names are case-sensitive anyway). */
    private static final Pattern STACK_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]{0,49}");

    private StackLabels() {
    }

    /** @throws CliException one line when the name cannot prefix the stack's objects */
    public static void checkStackName(String stack) {
        if (stack == null || !STACK_NAME.matcher(stack).matches()) {
            throw CliException.user("invalid stack name \"" + stack + "\": use 1-50 characters"
                    + " [a-zA-Z0-9_-], starting with a letter or digit");
        }
    }

    /** {@code STACK_KEY}: the name of an object the stack creates. */
    public static String scoped(String stack, String key) {
        return stack + "_" + key;
    }

    /** The stack a network or secret with these labels belongs to, or null. */
    public static String stackOf(Map<String, String> labels) {
        return labels == null ? null : labels.get(NAMESPACE);
    }

    /** The stack a service belongs to, or null. */
    public static String stackOf(ServiceView s) {
        JsonNode labels = s.spec() == null ? null : s.spec().get("labels");
        JsonNode ns = labels == null ? null : labels.get(NAMESPACE);
        return ns == null || !ns.isTextual() ? null : ns.asText();
    }
}

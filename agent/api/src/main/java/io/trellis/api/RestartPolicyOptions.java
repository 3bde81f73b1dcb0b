package io.trellis.api;

/**
 * The {@code --restart-*} flags of {@code service create/update} as the user typed them (or a stack's
 * {@code deploy.restart_policy}); the manager parses and checks them. A null field was not given.
 *
 * @param condition   {@code --restart-condition none|on-failure|any}
 * @param delay       {@code --restart-delay 5s}
 * @param maxAttempts {@code --restart-max-attempts N}, 0 for no limit
 * @param window      {@code --restart-window 1m}
 */
public record RestartPolicyOptions(String condition, String delay, Integer maxAttempts, String window) {

    public static final RestartPolicyOptions NONE = new RestartPolicyOptions(null, null, null, null);

    public boolean given() {
        return condition != null || delay != null || maxAttempts != null || window != null;
    }
}

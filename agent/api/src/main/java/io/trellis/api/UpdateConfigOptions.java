package io.trellis.api;

/**
 * The {@code --update-*} (or {@code --rollback-*}) flags of {@code service create/update} as the user typed them;
 * the manager parses and checks them. A null field was not given.
 *
 * @param parallelism     {@code --update-parallelism N}: tasks replaced at once, 0 for all
 * @param delay           {@code --update-delay 10s}
 * @param failureAction   {@code --update-failure-action pause|continue|rollback}
 * @param monitor         {@code --update-monitor 5s}
 * @param maxFailureRatio {@code --update-max-failure-ratio 0.2}
 * @param order           {@code --update-order stop-first|start-first}
 */
public record UpdateConfigOptions(Integer parallelism, String delay, String failureAction, String monitor,
                                  String maxFailureRatio, String order) {

    public static final UpdateConfigOptions NONE = new UpdateConfigOptions(null, null, null, null, null, null);

    public boolean given() {
        return parallelism != null || delay != null || failureAction != null || monitor != null
                || maxFailureRatio != null || order != null;
    }
}

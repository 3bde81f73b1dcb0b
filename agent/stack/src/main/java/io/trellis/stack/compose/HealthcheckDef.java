package io.trellis.stack.compose;

import java.util.List;

/**
 * {@code healthcheck:}. {@code test} as a list: {@code [CMD-SHELL, "curl -f localhost"]}, {@code [CMD, prog,
 * arg]} or {@code [NONE]}; durations as written ({@code 30s}, {@code 1m30s}). A null field was not given.
 */
public record HealthcheckDef(List<String> test, String interval, String timeout, String startPeriod,
                             Integer retries, Boolean disable) {

    public HealthcheckDef {
        test = Maps.copyOrNull(test);
    }
}

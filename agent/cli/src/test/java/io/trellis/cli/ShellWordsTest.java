package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --args} split as a shell splits words, nothing expanded. */
class ShellWordsTest {

    @Test
    void splitsOnBlanksKeepingQuotedParts() {
        assertThat(ShellWords.split("--args", "  sleep   600 ")).containsExactly("sleep", "600");
        assertThat(ShellWords.split("--args", "sh -c 'echo $HOME; exit 1'"))
                .containsExactly("sh", "-c", "echo $HOME; exit 1");
        assertThat(ShellWords.split("--args", "echo \"a \\\"b\\\" \\n\" c\\ d ''"))
                .containsExactly("echo", "a \"b\" \\n", "c d", "");
        assertThat(ShellWords.split("--args", "")).isEqualTo(List.of());
    }

    @Test
    void anOpenQuoteIsOneLine() {
        assertThatThrownBy(() -> ShellWords.split("--args", "sh -c 'exit 1"))
                .hasMessage("invalid --args \"sh -c 'exit 1\": unterminated single quote");
        assertThatThrownBy(() -> ShellWords.split("--args", "echo \"hi"))
                .hasMessage("invalid --args \"echo \"hi\": unterminated double quote");
        assertThatThrownBy(() -> ShellWords.split("--args", "echo \\"))
                .hasMessage("invalid --args \"echo \\\": trailing backslash");
    }
}

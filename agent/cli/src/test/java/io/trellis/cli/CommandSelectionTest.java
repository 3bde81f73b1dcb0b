package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandSelectionTest {
    private static final List<Object> ALL = List.of(SwarmCommand.class, NodeCommand.class, new ServiceCommand(),
            NetworkCommand.class);

    @Test
    void aLineThatNamesACommandGetsOnlyThatOne() {
        assertThat(CommandSelection.needed(new String[] {"node", "ls"}, ALL)).containsExactly(NodeCommand.class);
        assertThat(CommandSelection.needed(new String[] {"network", "ls"}, ALL)).containsExactly(NetworkCommand.class);
        assertThat(CommandSelection.needed(new String[] {"service", "--help"}, ALL)).singleElement()
                .isInstanceOf(ServiceCommand.class);
    }

    @Test
    void helpNothingOrAnUnknownWordGetsEveryCommand() {
        assertThat(CommandSelection.needed(new String[] {}, ALL)).isEqualTo(ALL);
        assertThat(CommandSelection.needed(new String[] {"--help"}, ALL)).isEqualTo(ALL);
        assertThat(CommandSelection.needed(new String[] {"nodes", "ls"}, ALL)).isEqualTo(ALL);
        assertThat(CommandSelection.needed(new String[] {"--version", "node"}, ALL)).isEqualTo(ALL);
    }

    @Test
    void aClassThatIsNotACommandIsRefused() {
        assertThatThrownBy(() -> CommandSelection.needed(new String[] {"x"}, List.of(String.class)))
                .hasMessageContaining("java.lang.String is not a picocli @Command");
    }
}

package io.trellis.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to the agent's admin API and prints to picocli's streams. */
abstract class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentHostOption host;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    AgentConnection agent() {
        return AgentConnection.to(host.host, host.tls);
    }

    /** {@code --format}: "table" (default) or "json", like Docker's listings. */
    static boolean json(String format) {
        if (format == null || format.equalsIgnoreCase("table")) {
            return false;
        }
        if (format.toLowerCase(Locale.ROOT).equals("json")) {
            return true;
        }
        throw CliException.user("invalid --format \"" + format + "\": use table or json");
    }
}

package io.trellis.tunnel;

import io.trellis.cli.Cli;
import java.io.PrintWriter;

/** {@code trellis vxlan-tunnel} as the tests run it: the CLI with only the tunnel command added. */
final class TunnelMain {
    private TunnelMain() {
    }

    static int execute(PrintWriter out, PrintWriter err, String... args) {
        return Cli.execute(out, err, args, new VxlanTunnelCommand());
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }
}

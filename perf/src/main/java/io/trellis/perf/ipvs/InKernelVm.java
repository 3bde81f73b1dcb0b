package io.trellis.perf.ipvs;

import io.trellis.testing.vm.KernelVm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one command as root inside {@link KernelVm} (Debian's kernel under QEMU, this machine's root read-only under a
 * tmpfs overlay), from the current directory, and prints what it printed; exits with its status. For
 * {@code perf/bench-ipvs.sh} on a host whose kernel has no IPVS.
 *
 * <pre>
 * java -cp perf/target/benchmarks.jar io.trellis.perf.ipvs.InKernelVm [--timeout SECONDS] -- COMMAND [ARG...]
 * </pre>
 *
 * Exits 3 with one line when no VM can start here, 2 on bad options.
 */
public final class InKernelVm {

    private InKernelVm() {
    }

    public static void main(String[] args) throws IOException {
        int timeout = 300;
        int i = 0;
        if (i + 1 < args.length && args[i].equals("--timeout")) {
            timeout = Integer.parseInt(args[i + 1]);
            i += 2;
        }
        if (i >= args.length || !args[i].equals("--") || i + 1 >= args.length) {
            System.err.println("in-kernel-vm: usage: [--timeout SECONDS] -- COMMAND [ARG...]");
            System.exit(2);
        }
        List<String> command = List.of(args).subList(i + 1, args.length);
        String missing = KernelVm.missing().orElse(null);
        if (missing != null) {
            System.err.println("in-kernel-vm: no VM can start here: " + missing);
            System.exit(3);
        }
        KernelVm.Result r = KernelVm.run(script(Path.of("").toAbsolutePath(), command), Duration.ofSeconds(timeout));
        System.out.print(r.output());
        System.out.flush();
        System.exit(r.exitCode());
    }

    /** {@code cd DIR && exec COMMAND...}, every word single-quoted for {@code /bin/sh}. */
    static String script(Path dir, List<String> command) {
        List<String> words = new ArrayList<>();
        for (String w : command) {
            words.add(quote(w));
        }
        return "cd " + quote(dir.toString()) + " && exec " + String.join(" ", words) + "\n";
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}

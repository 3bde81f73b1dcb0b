package io.trellis.tunnel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Whether a kernel module can be had: loaded, built in, or installed for the kernel to load on first use. */
final class KernelModules {
    private static final Path LOADED = Path.of("/sys/module");
    private static final Path INSTALLED = Path.of("/lib/modules");

    private KernelModules() {
    }

    static boolean available(String name) {
        if (Files.isDirectory(LOADED.resolve(name))) {
            return true;
        }
        Path release = INSTALLED.resolve(System.getProperty("os.version"));
        // modules.builtin lists built-in ones, modules.dep loadable ones: ".../vxlan.ko" or ".../vxlan.ko.xz".
        Pattern entry = Pattern.compile("(^|/)" + Pattern.quote(name) + "\\.ko(\\.[a-z]+)?(:|$)", Pattern.MULTILINE);
        for (String index : new String[] {"modules.builtin", "modules.dep"}) {
            try {
                if (entry.matcher(Files.readString(release.resolve(index))).find()) {
                    return true;
                }
            } catch (IOException e) {
                // no such index: try the next
            }
        }
        return false;
    }
}

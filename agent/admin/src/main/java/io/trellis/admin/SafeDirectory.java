package io.trellis.admin;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;

/**
 * Checks that a directory the agent keeps secrets or its socket in is its own: owned by the
 * agent's user (or root) and not writable by everyone. Otherwise another local user could swap
 * the socket for their own or plant files the agent later trusts.
 */
public final class SafeDirectory {
    private SafeDirectory() {
    }

    /**
     * @param what what the directory is for, for the message ("data directory")
     * @throws IOException one line saying what is wrong and how to fix it
     */
    public static void check(Path dir, String what) throws IOException {
        PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isDirectory()) {
            throw new IOException("the " + what + " " + dir + " is not a directory (or is a symbolic link)");
        }
        UserPrincipal owner = attrs.owner();
        UserPrincipal self = FileSystems.getDefault().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        if (!owner.equals(self) && !owner.getName().equals("root")) {
            String allowed = self.getName().equals("root") ? "root" : self.getName() + " or root";
            throw new IOException("the " + what + " " + dir + " belongs to " + owner.getName() + ", not " + allowed
                    + "; chown it or choose another");
        }
        if (attrs.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException("the " + what + " " + dir + " is writable by everyone; chmod o-w it or choose another");
        }
    }
}

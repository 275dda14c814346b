package io.carp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a password file as ucarp's {@code --passfile} does: the bytes of the first line, without its newline. Nothing
 * else is trimmed (a carriage return before the newline stays part of the password, as with ucarp), and the password
 * stops at a NUL byte, as a C string would.
 */
final class PassFile {
    /** ucarp reads the first line into a 512-byte buffer; anything that long is far over the 19-byte limit anyway. */
    private static final int MAX_READ = 512;

    private PassFile() {
    }

    /**
     * Reads the password.
     *
     * @param file the path given to {@code --passfile}
     * @return the password bytes, possibly empty (an empty first line)
     * @throws CliUsageException if the file cannot be read or is empty
     */
    static byte[] read(String file) throws CliUsageException {
        byte[] head;
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            head = in.readNBytes(MAX_READ);
        } catch (NoSuchFileException e) {
            throw CliUsageException.invalid("--passfile", file, "no such file", "a readable file whose first line"
                    + " is the password");
        } catch (IOException | RuntimeException e) {
            throw CliUsageException.invalid("--passfile", file, "cannot read it (" + e.getMessage() + ")",
                    "a readable file whose first line is the password");
        }
        if (head.length == 0) {
            throw CliUsageException.invalid("--passfile", file, "empty file",
                    "a file whose first line is the password");
        }
        int end = 0;
        while (end < head.length && head[end] != '\n' && head[end] != 0) {
            end++;
        }
        return Arrays.copyOf(head, end);
    }

    /**
     * A warning if other users of the host may read the password file (its group or everybody), as {@code ssh} warns
     * about a private key: whoever reads the password can join the group, take the addresses or keep them away.
     *
     * @param file the path given to {@code --passfile}
     * @return the warning, or empty if only the owner may read it or the permissions cannot be read (not POSIX)
     */
    static Optional<String> permissionWarning(String file) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(Path.of(file));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
        Set<PosixFilePermission> readers = EnumSet.noneOf(PosixFilePermission.class);
        readers.addAll(permissions);
        readers.retainAll(EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ));
        if (readers.isEmpty()) {
            return Optional.empty();
        }
        String who = readers.size() == 2 ? "its group and every user" : readers.contains(PosixFilePermission.OTHERS_READ)
                ? "every user" : "its group";
        return Optional.of("--passfile " + file + " is readable by " + who + " of this host (mode "
                + mode(permissions) + "): whoever reads the password can join the CARP group and take or hold"
                + " the virtual addresses; restrict it with chmod 600 " + file);
    }

    private static String mode(Set<PosixFilePermission> p) {
        int m = 0;
        for (PosixFilePermission x : p) {
            m |= 1 << (8 - x.ordinal());
        }
        return String.format("%04o", m);
    }
}

package io.carp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

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
}

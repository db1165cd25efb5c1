package io.strait.core.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Stateless. What an access log path means: standard output or error, or a file whose directory must exist and be
 * writable. Used by the validator at load time and by the writer when it opens the file.
 */
public final class AccessLogPaths {

    private AccessLogPaths() {
    }

    /** True for the paths that mean standard output: {@code -} and {@code /dev/stdout}. */
    public static boolean isStdout(final String path) {
        return "-".equals(path) || "/dev/stdout".equals(path);
    }

    /** True for {@code /dev/stderr}. */
    public static boolean isStderr(final String path) {
        return "/dev/stderr".equals(path);
    }

    /** Why a file at {@code path} could not be written, or null when it can (or the path is a standard stream). */
    public static String problem(final String path) {
        if (isStdout(path) || isStderr(path)) {
            return null;
        }
        final Path p;
        try {
            p = Path.of(path).toAbsolutePath();
        } catch (final InvalidPathException e) {
            return "access log path '" + path + "' is not a valid path: " + e.getReason();
        }
        if (Files.isDirectory(p)) {
            return "access log path '" + path + "' is a directory (expected a file in it)";
        }
        final Path dir = p.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return "access log directory '" + dir + "' does not exist";
        }
        if (Files.exists(p) ? !Files.isWritable(p) : !Files.isWritable(dir)) {
            return "access log path '" + path + "' is not writable"
                + (Files.exists(p) ? "" : " (directory '" + dir + "' is not writable)");
        }
        return null;
    }
}

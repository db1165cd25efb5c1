package io.strait.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** Stateless. What the reloaders compare between two polls to tell that a certificate, key or CA file changed. */
final class FileStamps {

    private FileStamps() {
    }

    /** Each file's modification time, size and identity, or its read error: what changes when a file is replaced. */
    static List<String> of(final List<Path> files) {
        final List<String> out = new ArrayList<>(files.size());
        for (final Path f : files) {
            try {
                final BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                out.add(a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey());
            } catch (final IOException e) {
                out.add("error: " + e.getClass().getSimpleName());
            }
        }
        return out;
    }
}

package io.strait.server;


import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Strait's version, read once from the jar's {@code strait-version.properties}. Thread-safe. */
public final class Version {

    private static final String VERSION = load();

    private Version() {
    }

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/strait-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            final Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (final IOException e) {
            return "unknown";
        }
    }

    /**
     * The JDK's full version, as {@code Runtime.version()} prints it ({@code 17.0.15+6-LTS}): its system property,
     * as {@code Runtime.Version.toString()} joins the version's numbers with a stream (some 25 classes at start).
     */
    public static String jdk() {
        final String v = System.getProperty("java.runtime.version");
        return v != null ? v : Runtime.version().toString();
    }
}

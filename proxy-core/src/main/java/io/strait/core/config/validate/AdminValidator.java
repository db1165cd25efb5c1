package io.strait.core.config.validate;

import io.strait.core.config.AdminConfig;
import io.strait.core.config.HostPort;
import io.strait.core.config.yaml.Fields;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Confined to one thread (one per load). Binds and checks the {@code admin} section: its address, the bearer token
 * file, and the rule that an admin API reachable from other machines must ask for a token unless the operator says
 * otherwise in so many words ({@code allow_insecure_non_loopback: true}): the admin can quit, drain and reconfigure
 * the proxy.
 */
final class AdminValidator extends SectionValidator {

    /** Longest token file read: a token is a line, not a document. */
    static final long MAX_TOKEN_FILE_BYTES = 4096;

    AdminValidator(final SectionValidator shared) {
        super(shared);
    }

    /** The admin section, or null when absent or invalid (reported). */
    AdminConfig admin(final Fields root) {
        final Fields f = root.object("admin", "address", "auth_token_file", "allow_insecure_non_loopback");
        if (f == null) {
            return null;
        }
        final HostPort address = f.has("address") ? f.hostPort("address", true, 0) : AdminConfig.DEFAULT_ADDRESS;
        final Path tokenFile = tokenFile(f);
        final Boolean insecure = f.bool("allow_insecure_non_loopback", false);
        if (address != null && !isLoopback(address.host()) && !f.has("auth_token_file")
            && Boolean.FALSE.equals(insecure)) {
            f.errorAtValue("address", "'" + address + "' is not a loopback address and admin.auth_token_file is not "
                + "set: anyone who can reach it could quit, drain or reconfigure the proxy; set auth_token_file, or "
                + "allow_insecure_non_loopback: true to expose it without a token");
        }
        if (address == null || insecure == null) {
            return null;
        }
        return new AdminConfig(address, tokenFile, insecure);
    }

    /** Key {@code auth_token_file}: a readable file holding a non-blank token; null when absent or invalid. */
    private Path tokenFile(final Fields f) {
        final String text = f.string("auth_token_file", false);
        if (text == null) {
            return null;
        }
        final Path path;
        try {
            path = baseDir.resolve(text).normalize();
        } catch (final InvalidPathException e) {
            f.errorAtValue("auth_token_file", "invalid file path '" + text + "': " + e.getReason());
            return null;
        }
        final String problem = tokenProblem(path);
        if (problem != null) {
            f.errorAtValue("auth_token_file", "'" + text + "' " + problem);
            return null;
        }
        return path;
    }

    /** What is wrong with the token file, or null if it holds a usable token. */
    private static String tokenProblem(final Path path) {
        try {
            if (!Files.isRegularFile(path)) {
                return "is not a readable file";
            }
            if (Files.size(path) > MAX_TOKEN_FILE_BYTES) {
                return "is over " + MAX_TOKEN_FILE_BYTES + " bytes: it should hold only the token";
            }
            final String token = Files.readString(path, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                return "is empty: it should hold the token";
            }
            return null;
        } catch (final IOException | RuntimeException e) {
            return "cannot be read: " + e.getMessage();
        }
    }

    /** True for {@code localhost} and IPv4/IPv6 loopback literals; other names count as reachable from outside. */
    static boolean isLoopback(final String host) {
        final String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        if (!h.startsWith("127.")) {
            return false;
        }
        final String[] parts = h.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (final String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}

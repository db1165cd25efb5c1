package io.strait.load.harness;

import io.strait.core.config.ConfigError;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * mesh.sh through {@code --render-only}: the certificates it makes and every pair's configs, without starting
 * anything. Strait's two sidecar configs must pass Strait's own config loader (so the script keeps up with the config
 * keys); HAProxy's and nginx's go through {@code haproxy -c} / {@code nginx -t} where those are installed.
 */
class MeshScriptTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z0-9_]+@");
    private static final List<String> CONFIGS = List.of("strait-client.yaml", "strait-server.yaml",
        "haproxy-client.cfg", "haproxy-server.cfg", "nginx-client.conf", "nginx-server.conf");

    private static List<String> active(final Path dir, final String file) throws IOException {
        return Files.readAllLines(dir.resolve(file)).stream().map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @Test
    void everyPairIsRenderedWithWorkloadCertificatesAndStraitsConfigsLoad(@TempDir final Path tmp) throws Exception {
        final Path dir = tmp.resolve("mesh");
        final Bash.Result r = Bash.run("MESH_PORT_BASE=30000 ./mesh.sh --render-only \"$1\"", dir.toString());
        assertThat(r.exitCode()).as("mesh.sh: %s", r.err()).isZero();
        assertThat(r.out()).contains("configs in " + dir);
        for (final String f : CONFIGS) {
            assertThat(active(dir, f)).as(f).noneMatch(l -> PLACEHOLDER.matcher(l).find());
        }
        for (final String f : List.of("ca.pem", "frontend.pem", "frontend.key", "backend.pem", "backend.key")) {
            assertThat(dir.resolve("certs").resolve(f)).isNotEmptyFile();
        }
        for (final String f : List.of("strait-client.yaml", "strait-server.yaml")) {
            final ConfigResult c = ConfigLoader.load(dir.resolve(f));
            assertThat(c.errors()).as(f).extracting(ConfigError::format).isEmpty();
        }
        // The client sidecar verifies the server's SPIFFE ID and presents the frontend's; the server allows only it.
        assertThat(active(dir, "strait-client.yaml")).contains(
            "verify_subject_alt_name: [ { uri_exact: \"spiffe://example.org/ns/demo/sa/backend\" } ]",
            "session_reuse: false", "endpoints: [ { address: 127.0.0.1:30011 } ]");
        assertThat(active(dir, "strait-server.yaml")).contains(
            "rbac: { allow: [ { spiffe_id: \"spiffe://example.org/ns/demo/sa/frontend\" } ] }",
            "address: 127.0.0.1:30011");
        assertThat(active(dir, "haproxy-client.cfg")).anyMatch(l -> l.contains("127.0.0.1:30013 ssl crt ")
            && l.contains("verify required") && l.endsWith("no-ssl-reuse"));
        final String certs = dir.resolve("certs").toString();
        final String openssl = Bash.run("openssl x509 -in \"$1\" -noout -ext subjectAltName",
            certs + "/frontend.pem").out();
        assertThat(openssl).contains("URI:spiffe://example.org/ns/demo/sa/frontend");
        if (Bash.has("haproxy")) {
            for (final String f : List.of("haproxy-client.cfg", "haproxy-server.cfg")) {
                final Bash.Result check = Bash.run("haproxy -c -q -f \"$1\"", dir.resolve(f).toString());
                assertThat(check.exitCode()).as("haproxy -c %s: %s", f, check.err()).isZero();
            }
        }
    }
}

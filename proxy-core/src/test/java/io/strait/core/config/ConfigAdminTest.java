package io.strait.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.strait.core.config.ConfigFixtures.withTopLevel;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigAdminTest {

    @TempDir
    Path dir;

    private ConfigResult parse(final String admin) {
        return ConfigLoader.parse(withTopLevel(admin), ConfigFixtures.SOURCE, dir);
    }

    private List<String> errors(final String admin) {
        return parse(admin).errors().stream().map(ConfigError::format).toList();
    }

    @Test
    void loopbackAddressNeedsNoToken() {
        for (final String address : List.of("127.0.0.1:9901", "127.1.2.3:9901", "localhost:9901", "\"[::1]:9901\"")) {
            final ConfigResult r = parse("admin: { address: " + address + " }");
            assertThat(r.errors()).as(address).isEmpty();
            assertThat(r.config().admin().authTokenFile()).isNull();
            assertThat(r.config().admin().allowInsecureNonLoopback()).isFalse();
        }
    }

    @Test
    void nonLoopbackAddressWithoutTokenIsRefusedWithFieldAndLine() {
        assertThat(parse("admin: {}").config().admin().address()).as("the default address")
            .isEqualTo(new io.strait.core.config.HostPort("127.0.0.1", 9901));
        assertThat(errors("admin: { address: 0.0.0.0:9901 }")).containsExactly(
            "t.yaml:12:19: admin.address: '0.0.0.0:9901' is not a loopback address and admin.auth_token_file is not "
                + "set: anyone who can reach it could quit, drain or reconfigure the proxy; set auth_token_file, or "
                + "allow_insecure_non_loopback: true to expose it without a token");
        assertThat(errors("admin: { address: admin.example.com:9901 }")).hasSize(1);
        assertThat(errors("admin: { address: 127.0.0.256:9901 }")).hasSize(1);
    }

    @Test
    void nonLoopbackAddressIsAllowedWhenSaidSo() {
        final ConfigResult r = parse("admin: { address: 0.0.0.0:9901, allow_insecure_non_loopback: true }");
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().admin().allowInsecureNonLoopback()).isTrue();
    }

    @Test
    void nonLoopbackAddressWithTokenFile() throws IOException {
        Files.writeString(dir.resolve("token"), "s3cret\n");
        final ConfigResult r = parse("admin: { address: 0.0.0.0:9901, auth_token_file: token }");
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().admin().authTokenFile()).isEqualTo(dir.resolve("token"));
    }

    @Test
    void badTokenFilesAreNamedWithTheirLine() throws IOException {
        assertThat(errors("admin: { address: 127.0.0.1:9901, auth_token_file: missing }")).containsExactly(
            "t.yaml:12:52: admin.auth_token_file: 'missing' is not a readable file");
        Files.writeString(dir.resolve("blank"), " \n");
        assertThat(errors("admin: { address: 127.0.0.1:9901, auth_token_file: blank }")).containsExactly(
            "t.yaml:12:52: admin.auth_token_file: 'blank' is empty: it should hold the token");
        Files.writeString(dir.resolve("big"), "x".repeat(5000));
        assertThat(errors("admin: { address: 127.0.0.1:9901, auth_token_file: big }")).containsExactly(
            "t.yaml:12:52: admin.auth_token_file: 'big' is over 4096 bytes: it should hold only the token");
    }

    @Test
    void insecureFlagMustBeABoolean() {
        assertThat(errors("admin: { address: 127.0.0.1:9901, allow_insecure_non_loopback: maybe }")).hasSize(1);
    }
}

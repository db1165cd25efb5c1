package io.strait.admin;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigTreeTest {

    enum Mode { FAST_PATH }

    record Inner(String apiKey, Path privateKeyFile, Mode mode) {
    }

    record Outer(String name, int port, Duration timeout, List<Inner> items, Map<String, String> runtime) {
    }

    @Test
    void recordsBecomeSnakeCaseMapsAndSecretsAreRedacted() {
        final Object tree = ConfigTree.of(new Outer("x", 80, Duration.ofSeconds(3),
            List.of(new Inner("k-123", Path.of("/k.pem"), Mode.FAST_PATH)),
            new TreeMap<>(Map.of("db_password", "p", "a", "b"))));
        assertThat(Json.write(tree)).isEqualTo("{\"name\":\"x\",\"port\":80,\"timeout\":\"3s\",\"items\":[{\"api_key\":"
            + "\"[redacted]\",\"private_key_file\":\"/k.pem\",\"mode\":\"fast_path\"}],\"runtime\":"
            + "{\"a\":\"b\",\"db_password\":\"[redacted]\"}}");
    }

    @Test
    void secretNames() {
        assertThat(ConfigTree.isSecret("client_secret")).isTrue();
        assertThat(ConfigTree.isSecret("auth_token")).isTrue();
        assertThat(ConfigTree.isSecret("auth_token_file")).isFalse();
        assertThat(ConfigTree.isSecret("timeout")).isFalse();
        assertThat(ConfigTree.snake("allowInsecureNonLoopback")).isEqualTo("allow_insecure_non_loopback");
    }
}

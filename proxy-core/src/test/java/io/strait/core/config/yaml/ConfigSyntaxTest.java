package io.strait.core.config.yaml;

import io.strait.core.config.HostPort;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ConfigSyntaxTest {

    @Test
    void hostPorts() {
        assertThat(ConfigSyntax.hostPort("127.0.0.1:80", 1, false)).isEqualTo(new HostPort("127.0.0.1", 80));
        assertThat(ConfigSyntax.hostPort("0.0.0.0:0", 0, false)).isEqualTo(new HostPort("0.0.0.0", 0));
        assertThat(ConfigSyntax.hostPort("my-host.example:65535", 1, false))
            .isEqualTo(new HostPort("my-host.example", 65535));
        assertThat(ConfigSyntax.hostPort("[::1]:443", 1, false)).isEqualTo(new HostPort("::1", 443));
        assertThat(ConfigSyntax.hostPort("example.com", 1, true)).isEqualTo(new HostPort("example.com", -1));
        assertThat(ConfigSyntax.hostPort("[::1]", 1, true)).isEqualTo(new HostPort("::1", -1));
    }

    @Test
    void badHostPorts() {
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigSyntax.hostPort("127.0.0.1:0", 1, false))
            .withMessage("port 0 is out of range 1..65535");
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigSyntax.hostPort(":80", 1, false))
            .withMessage("':80' has no host (use 0.0.0.0 for every IPv4 address)");
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigSyntax.hostPort("[::1:80", 1, false))
            .withMessage("'[::1:80' has no closing ']' after the IPv6 address");
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigSyntax.hostPort("[::1]80", 1, false))
            .withMessage("'[::1]80' is not host:port (expected ':port' after ']')");
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigSyntax.hostPort("-a.b:80", 1, false))
            .withMessage("'-a.b' is not a valid host name");
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigSyntax.hostPort("a..b:80", 1, false))
            .withMessage("'a..b' is not a valid host name");
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigSyntax.hostPort("a:123456", 1, false))
            .withMessage("'a:123456' has an invalid port '123456'");
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigSyntax.hostPort("a:", 1, false))
            .withMessage("'a:' has an invalid port ''");
    }

    @Test
    void domains() {
        assertThat(ConfigSyntax.domain("*")).isEqualTo("*");
        assertThat(ConfigSyntax.domain("*.Example.COM")).isEqualTo("*.example.com");
        assertThat(ConfigSyntax.domain("Example.com:8080")).isEqualTo("example.com:8080");
        assertThat(ConfigSyntax.domain("10.0.0.1")).isEqualTo("10.0.0.1");
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigSyntax.domain("*.a.*"));
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigSyntax.domain("a.*"));
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigSyntax.domain("a b"));
    }

    @Test
    void tokensNamesAndHeaderValues() {
        assertThat(ConfigSyntax.isToken("X-Custom_1!")).isTrue();
        assertThat(ConfigSyntax.isToken("a:b")).isFalse();
        assertThat(ConfigSyntax.isToken("")).isFalse();
        assertThat(ConfigSyntax.isObjectName("api-v1.canary_2")).isTrue();
        assertThat(ConfigSyntax.isObjectName("a/b")).isFalse();
        assertThat(ConfigSyntax.forbiddenInHeaderValue("ok\tvalue")).isNull();
        // RFC 9110 field-value: no whitespace at either end (a receiver would strip it anyway)
        assertThat(ConfigSyntax.forbiddenInHeaderValue("ok value\t")).isEqualTo("trailing whitespace");
        assertThat(ConfigSyntax.forbiddenInHeaderValue("a\rb")).isEqualTo("CR");
        assertThat(ConfigSyntax.forbiddenInHeaderValue("a\0")).isEqualTo("NUL");
    }

    @Test
    void suggestions() {
        final List<String> keys = List.of("name", "address", "protocol");
        assertThat(ConfigSyntax.suggest("adress", keys)).isEqualTo("address");
        assertThat(ConfigSyntax.suggest("Address", keys)).isEqualTo("address");
        assertThat(ConfigSyntax.suggest("protcol", keys)).isEqualTo("protocol");
        assertThat(ConfigSyntax.suggest("zzz", keys)).isNull();
        assertThat(ConfigSyntax.suggest("nm", keys)).isNull();
        assertThat(ConfigSyntax.editDistance("kitten", "sitting")).isEqualTo(3);
    }
}

package io.strait.core.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withTopLevel;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigDocumentErrorsTest {

    @Test
    void emptyAndNonMapDocuments() {
        assertThat(errors("")).containsExactly("t.yaml:1:1: the configuration is empty");
        assertThat(errors("# nothing but a comment\n")).containsExactly("t.yaml:1:1: the configuration is empty");
        assertThat(errors("- a\n- b\n")).containsExactly("t.yaml:1:1: expected a map, got a list");
        assertThat(errors("clusters: []\n")).containsExactly("t.yaml:1:1: listeners: missing required field "
            + "'listeners'");
        assertThat(errors("listeners: []\n")).containsExactly("t.yaml:1:12: listeners: must not be empty");
        assertThat(errors("listeners: {}\n")).containsExactly("t.yaml:1:12: listeners: expected a list, got a map");
    }

    @Test
    void unknownTopLevelKeyWithSuggestion() {
        assertThat(errors(withTopLevel("cluster: []\nroutes: []\n"))).containsExactly(
            "t.yaml:12:1: cluster: unknown field 'cluster' (did you mean 'clusters'?)",
            "t.yaml:13:1: routes: unknown field 'routes' (expected one of: admin, runtime, listeners, clusters, "
                + "overload)");
    }

    @Test
    void duplicateKeysAreErrors() {
        assertThat(errors(withTopLevel("clusters: []\n")))
            .containsExactly("t.yaml:12:1: clusters: duplicate key 'clusters' (first defined at line 9)");
        assertThat(errors(ConfigFixtures.withRoute("match: { prefix: /, prefix: /a }", "cluster: c")))
            .containsExactly("t.yaml:7:33: listeners[0].virtual_hosts[0].routes[0].match.prefix: duplicate key "
                + "'prefix' (first defined at line 7)");
    }

    @Test
    void anchorsAndAliasesAreRejected() {
        final String yaml = """
            listeners:
              - name: l
                address: 127.0.0.1:0
                virtual_hosts:
                  - domains: [ "*" ]
                    routes:
                      - match: &m { prefix: / }
                        cluster: c
                      - match: *m
                        cluster: c
            clusters: [ { name: c, endpoints: [ { address: 127.0.0.1:1 } ] } ]
            """;
        assertThat(errors(yaml)).containsExactly(
            "t.yaml:7:20: listeners[0].virtual_hosts[0].routes[0].match: YAML anchors (&m) are not supported; write "
                + "the value out",
            "t.yaml:9:20: listeners[0].virtual_hosts[0].routes[1].match: YAML aliases (*m) are not supported; write "
                + "the value out");
    }

    @Test
    void onlyOneDocument() {
        assertThat(errors(withTopLevel("---\nlisteners: []\n")))
            .containsExactly("t.yaml:13:1: only one YAML document is allowed");
    }

    @Test
    void syntaxErrorsHaveAPosition() {
        final var errors = errors("listeners:\n  - name: l\n   address: x\n");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("t.yaml:3:").contains("invalid YAML: ").doesNotContain("\n");
        final var flow = errors("listeners: [ { name: l }\n");
        assertThat(flow).hasSize(1);
        assertThat(flow.get(0)).isEqualTo("t.yaml:2:1: invalid YAML: expected ',' or ']', but got <stream end> "
            + "(while parsing a flow sequence)");
    }

    @Test
    void deepNestingIsBounded() {
        final String deep = "listeners: " + "[".repeat(200) + "]".repeat(200) + "\n";
        // The root map is depth 0, "listeners" depth 1; the 65th '[' (column 76) is the first one too deep.
        assertThat(errors(deep)).containsExactly(
            "t.yaml:1:13: listeners[0]: expected a map, got a list",
            "t.yaml:1:76: listeners" + "[0]".repeat(64) + ": nested deeper than 64 levels");
    }

    @Test
    void severalErrorsAreReportedAtOnceInFileOrder() {
        final String yaml = """
            runtime: { transport: fast }
            listeners:
              - name: web
                adress: 127.0.0.1:80
                virtual_hosts:
                  - domains: [ "*" ]
                    routes:
                      - match: { prefix: api }
                        cluster: nope
                        timeout: 10
            clusters:
              - name: api
                lb: maglev
                endpoints: []
            """;
        assertThat(errors(yaml)).containsExactly(
            "t.yaml:1:23: runtime.transport: unknown transport 'fast' (expected one of auto, epoll, io_uring, nio)",
            "t.yaml:3:5: listeners[0].address: missing required field 'address'",
            "t.yaml:4:5: listeners[0].adress: unknown field 'adress' (did you mean 'address'?)",
            "t.yaml:8:30: listeners[0].virtual_hosts[0].routes[0].match.prefix: prefix must start with '/'",
            "t.yaml:9:22: listeners[0].virtual_hosts[0].routes[0].cluster: unknown cluster 'nope' (known: api)",
            "t.yaml:10:22: listeners[0].virtual_hosts[0].routes[0].timeout: duration '10' has no unit (use us, ms, s, "
                + "m or h, e.g. 10s)",
            "t.yaml:14:16: clusters[0].endpoints: must not be empty");
    }

    @Test
    void unreadableFileIsOneErrorWithoutPosition() {
        final ConfigResult r = ConfigLoader.load(Path.of("does-not-exist.yaml"));
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).extracting(ConfigError::format)
            .containsExactly("does-not-exist.yaml: cannot read the configuration: no such file");
    }

    @Test
    void errorFormatLeavesOutMissingPositionAndPath() {
        assertThat(new ConfigError("a.yaml", "", 0, 0, "boom").format()).isEqualTo("a.yaml: boom");
        assertThat(new ConfigError("a.yaml", "", 3, 4, "boom").format()).isEqualTo("a.yaml:3:4: boom");
        assertThat(new ConfigError("a.yaml", "x.y", 3, 4, "boom").format()).isEqualTo("a.yaml:3:4: x.y: boom");
    }
}

package io.strait.core.config.validate;

import io.strait.core.config.PathNormalizationConfig;
import io.strait.core.config.yaml.Fields;
import io.strait.core.config.yaml.YamlNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stateless. Binds a listener's path normalisation keys ({@code normalize_path}, {@code merge_slashes},
 * {@code path_with_escaped_slashes}) for {@link ListenerValidator}, reporting errors through the listener's
 * {@link Fields}.
 */
final class PathNormalizationValidator {

    private static final Map<String, PathNormalizationConfig.EscapedSlashes> ESCAPED_SLASHES = escapedSlashes();

    private PathNormalizationValidator() {
    }

    /** The listener's path normalisation; defaults for absent keys (and for invalid ones, which are reported). */
    static PathNormalizationConfig pathNormalization(final Fields listener) {
        final PathNormalizationConfig d = PathNormalizationConfig.DEFAULT;
        final Boolean normalize = listener.bool("normalize_path", d.normalizePath());
        final Boolean merge = listener.bool("merge_slashes", d.mergeSlashes());
        PathNormalizationConfig.EscapedSlashes escaped = d.escapedSlashes();
        if ("unescape_and_redirect".equals(scalar(listener))) {
            // Envoy's edge recommendation; it needs a 307 with a Location header, which local replies cannot send yet.
            listener.errorAtValue("path_with_escaped_slashes", "unescape_and_redirect is not implemented yet (use "
                + "reject or unescape_and_forward)");
        } else {
            escaped = listener.choice("path_with_escaped_slashes", "escaped slashes action", ESCAPED_SLASHES,
                d.escapedSlashes());
        }
        return new PathNormalizationConfig(normalize == null ? d.normalizePath() : normalize,
            merge == null ? d.mergeSlashes() : merge, escaped);
    }

    private static String scalar(final Fields listener) {
        final YamlNode v = listener.value("path_with_escaped_slashes");
        return v instanceof YamlNode.ScalarNode s ? s.text() : null;
    }

    private static Map<String, PathNormalizationConfig.EscapedSlashes> escapedSlashes() {
        final Map<String, PathNormalizationConfig.EscapedSlashes> m = new LinkedHashMap<>();
        m.put("keep", PathNormalizationConfig.EscapedSlashes.KEEP);
        m.put("reject", PathNormalizationConfig.EscapedSlashes.REJECT);
        m.put("unescape_and_forward", PathNormalizationConfig.EscapedSlashes.UNESCAPE_AND_FORWARD);
        return m;
    }
}

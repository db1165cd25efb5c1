package io.strait.core.config.validate;

import io.strait.core.config.RetryPolicyConfig;
import io.strait.core.config.yaml.ConfigSyntax;
import io.strait.core.config.yaml.Durations;
import io.strait.core.config.yaml.Fields;
import io.strait.core.config.yaml.YamlNode;
import io.strait.core.config.yaml.YamlNode.ListNode;
import io.strait.core.config.yaml.YamlNode.ScalarKind;
import io.strait.core.config.yaml.YamlNode.ScalarNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Confined to one thread (that of its {@link ConfigValidator}). Binds and validates the {@code retry} key of a route
 * or virtual host: attempts, retry_on names, retriable status codes, per-try timeout, backoff and buffer limit.
 */
final class RetryValidator extends SectionValidator {

    RetryValidator(final SectionValidator shared) {
        super(shared);
    }

    /** Key {@code retry} of a route or virtual host; null when absent or invalid (reported). */
    RetryPolicyConfig retryPolicy(final Fields owner) {
        final Fields f = owner.object("retry", "attempts", "on", "retriable_status_codes", "per_try_timeout",
            "backoff", "buffer_limit");
        if (f == null) {
            return null;
        }
        boolean ok = true;
        final Long attempts = f.integerOr("attempts", (long) RetryPolicyConfig.DEFAULT_ATTEMPTS, 0,
            Integer.MAX_VALUE);
        ok &= attempts != null;
        final List<String> on = retryOn(f);
        ok &= on != null;
        final List<Integer> codes = retriableStatusCodes(f);
        ok &= codes != null;
        if (on != null && codes != null) {
            final boolean wantsCodes = on.contains(RetryPolicyConfig.RETRIABLE_STATUS_CODES);
            if (wantsCodes && codes.isEmpty()) {
                error(f.childPath("on"), f.positionOf("on"), "'retriable-status-codes' needs a non-empty "
                    + "retriable_status_codes list");
                ok = false;
            } else if (!wantsCodes && !codes.isEmpty()) {
                f.errorAtKey("retriable_status_codes", "retriable_status_codes has no effect unless 'on' "
                    + "includes retriable-status-codes");
                ok = false;
            }
        }
        final Duration perTry = f.duration("per_try_timeout", null, true);
        ok &= perTry != null || !f.has("per_try_timeout");
        Duration base = RetryPolicyConfig.DEFAULT_BASE_INTERVAL;
        Duration max = RetryPolicyConfig.defaultMaxInterval(base);
        final Fields b = f.object("backoff", "base_interval", "max_interval");
        if (b != null) {
            base = b.duration("base_interval", RetryPolicyConfig.DEFAULT_BASE_INTERVAL, true);
            max = base == null ? null : b.duration("max_interval", RetryPolicyConfig.defaultMaxInterval(base), true);
            if (base != null && max != null && max.compareTo(base) < 0) {
                b.errorAtValue("max_interval", "max_interval (" + Durations.format(max) + ") must not be shorter "
                    + "than base_interval (" + Durations.format(base) + ")");
                max = null;
            }
            ok &= base != null && max != null;
        } else if (f.has("backoff")) {
            ok = false;   // not a map: reported
        }
        final Long bufferLimit = f.size("buffer_limit", RetryPolicyConfig.DEFAULT_BUFFER_LIMIT, false, 0,
            Integer.MAX_VALUE);
        ok &= bufferLimit != null;
        if (!ok) {
            return null;
        }
        return new RetryPolicyConfig(attempts.intValue(), on, codes, perTry, base, max, bufferLimit);
    }

    /** Key {@code on} of a retry policy: a list of names, or one comma-separated string as in Envoy's retry_on. */
    private List<String> retryOn(final Fields retry) {
        final YamlNode v = retry.value("on");
        if (v == null) {
            retry.missing("on");
            return null;
        }
        final List<YamlNode> items;
        final List<String> texts = new ArrayList<>();
        final String path = retry.childPath("on");
        if (v instanceof ListNode list) {
            items = list.items();
            if (items.isEmpty()) {
                error(path, v, "must not be empty");
                return null;
            }
            for (int i = 0; i < items.size(); i++) {
                final String t = scalarText(items.get(i), path + "[" + i + "]", "a retry_on name");
                texts.add(t);
            }
        } else if (v instanceof ScalarNode s && s.kind() == ScalarKind.STRING) {
            items = new ArrayList<>();
            for (final String part : s.text().split(",", -1)) {
                items.add(s);
                texts.add(part.trim());
            }
        } else {
            error(path, v, "expected a list of retry_on names, got " + v.kindName());
            return null;
        }
        final List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < texts.size(); i++) {
            final String t = texts.get(i);
            if (t == null) {
                ok = false;
                continue;
            }
            final String itemPath = v instanceof ListNode ? path + "[" + i + "]" : path;
            if (!RetryPolicyConfig.RETRY_ON.contains(t)) {
                final String suggestion = ConfigSyntax.suggest(t, RetryPolicyConfig.RETRY_ON);
                error(itemPath, items.get(i), "unknown retry_on '" + t + "' (expected one of "
                    + String.join(", ", RetryPolicyConfig.RETRY_ON)
                    + (suggestion == null ? ")" : "; did you mean '" + suggestion + "'?)"));
                ok = false;
            } else if (out.contains(t)) {
                error(itemPath, items.get(i), "'" + t + "' is listed twice");
                ok = false;
            } else {
                out.add(t);
            }
        }
        return ok ? List.copyOf(out) : null;
    }

    /** Key {@code retriable_status_codes}: statuses in 100..599; empty when absent, null when invalid. */
    private List<Integer> retriableStatusCodes(final Fields retry) {
        final ListNode list = retry.list("retriable_status_codes", false, false);
        if (list == null) {
            return retry.has("retriable_status_codes") ? null : List.of();
        }
        final List<Integer> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < list.items().size(); i++) {
            final String path = retry.childPath("retriable_status_codes") + "[" + i + "]";
            final YamlNode item = list.items().get(i);
            if (Fields.reported(item)) {
                ok = false;
                continue;
            }
            if (!(item instanceof ScalarNode s) || s.kind() != ScalarKind.INT) {
                error(path, item, "expected an HTTP status code, got " + (item instanceof ScalarNode s2
                    && s2.kind() != ScalarKind.NULL ? s2.kind().description() + " '" + s2.text() + "'"
                    : item.kindName()));
                ok = false;
                continue;
            }
            final long code;
            try {
                code = Long.parseLong(s.text());
            } catch (final NumberFormatException e) {
                error(path, item, "expected an HTTP status code, got '" + s.text() + "'");
                ok = false;
                continue;
            }
            if (code < 100 || code > 599) {
                error(path, item, "a status code must be between 100 and 599, got " + code);
                ok = false;
            } else if (!out.contains((int) code)) {
                out.add((int) code);
            }
        }
        return ok ? List.copyOf(out) : null;
    }
}

package io.strait.load.report;

import java.util.ArrayList;
import java.util.List;

/** Stateless. The little HTML the report needs: escaping and Markdown tables to HTML tables. */
final class Html {

    private Html() {
    }

    static String escape(final String s) {
        final StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Converts Markdown: runs of lines starting with {@code |} become tables (the second line, the
     * {@code |---|} separator, is dropped; {@code **bold**} cells are kept bold), headings ({@code #}) become headings,
     * other non-blank lines paragraphs. Enough for the harness's own result files, not a general Markdown renderer.
     */
    static String markdown(final String md) {
        final StringBuilder out = new StringBuilder(md.length() * 2);
        final List<String> table = new ArrayList<>();
        for (final String raw : md.split("\r?\n")) {
            final String line = raw.strip();
            if (line.startsWith("|")) {
                table.add(line);
                continue;
            }
            flushTable(table, out);
            if (line.isEmpty()) {
                continue;
            }
            int level = 0;
            while (level < line.length() && line.charAt(level) == '#') {
                level++;
            }
            if (level > 0 && level <= 6 && line.length() > level && line.charAt(level) == ' ') {
                final int h = Math.min(6, level + 1);   // the page's own title is the h1
                out.append("<h").append(h).append('>').append(inline(line.substring(level + 1))).append("</h")
                    .append(h).append(">\n");
            } else {
                out.append("<p>").append(inline(line)).append("</p>\n");
            }
        }
        flushTable(table, out);
        return out.toString();
    }

    private static void flushTable(final List<String> rows, final StringBuilder out) {
        if (rows.isEmpty()) {
            return;
        }
        out.append("<table>\n");
        for (int r = 0; r < rows.size(); r++) {
            final List<String> cells = cells(rows.get(r));
            if (r == 1 && cells.stream().allMatch(c -> c.matches(":?-+:?"))) {
                continue;
            }
            final String tag = r == 0 ? "th" : "td";
            out.append("<tr>");
            for (final String c : cells) {
                out.append('<').append(tag).append('>').append(inline(c)).append("</").append(tag).append('>');
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n");
        rows.clear();
    }

    private static List<String> cells(final String row) {
        String s = row.strip();
        if (s.startsWith("|")) {
            s = s.substring(1);
        }
        if (s.endsWith("|")) {
            s = s.substring(0, s.length() - 1);
        }
        final List<String> cells = new ArrayList<>();
        for (final String c : s.split("\\|", -1)) {
            cells.add(c.strip());
        }
        return cells;
    }

    /** Escapes, then renders {@code **bold**} and {@code `code`}. */
    private static String inline(final String s) {
        return escape(s).replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>").replaceAll("`(.+?)`", "<code>$1</code>");
    }
}

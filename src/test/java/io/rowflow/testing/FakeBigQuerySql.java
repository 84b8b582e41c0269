package io.rowflow.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * GoogleSQL text turned into DuckDB text, for {@link FakeBigQuery}. Not a parser: a scanner that knows GoogleSQL's
 * lexical rules (strings in ' or " with backslash escapes, r/b prefixes and triple quotes; `backquoted` names; -- # and
 * block comments) and rewrites what differs in DuckDB: table paths (`project.dataset.table`, dataset.table) become the
 * DuckDB table holding that table; "text" becomes 'text'; NUMERIC, BIGNUMERIC, FLOAT64, BYTES and TIMESTAMP as types
 * become DuckDB's; SAFE_CAST becomes TRY_CAST; the optional INTO of MERGE and INSERT and FROM of DELETE are added.
 */
final class FakeBigQuerySql {
    /** Resolves a dotted name: the DuckDB table (already quoted), or null when the name is no table (alias.column). */
    interface Tables {
        String resolve(List<String> parts, boolean backquoted);
    }

    private FakeBigQuerySql() {
    }

    /** The statements of a script, split at the semicolons outside strings, names and comments; blank ones dropped. */
    static List<String> split(String sql) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipString(sql, i, c, false);
            } else if (c == '`') {
                int e = sql.indexOf('`', i + 1);
                i = e < 0 ? n : e + 1;
            } else if (c == '#' || (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-')) {
                int e = sql.indexOf('\n', i);
                i = e < 0 ? n : e + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int e = sql.indexOf("*/", i + 2);
                i = e < 0 ? n : e + 2;
            } else if (c == ';') {
                add(out, sql.substring(start, i));
                start = ++i;
            } else {
                i++;
            }
        }
        add(out, sql.substring(start));
        return out;
    }

    private static void add(List<String> out, String statement) {
        if (!translate(statement, (p, b) -> null).isBlank()) {
            out.add(statement.trim());
        }
    }

    /** Index after the string literal opening at {@code i} (quote {@code q}). */
    private static int skipString(String sql, int i, char q, boolean raw) {
        int n = sql.length();
        boolean triple = i + 2 < n && sql.charAt(i + 1) == q && sql.charAt(i + 2) == q;
        int j = i + (triple ? 3 : 1);
        while (j < n) {
            char c = sql.charAt(j);
            if (c == '\\' && !raw) {
                j += 2;
            } else if (c == q && (!triple || (j + 2 < n && sql.charAt(j + 1) == q && sql.charAt(j + 2) == q))) {
                return j + (triple ? 3 : 1);
            } else {
                j++;
            }
        }
        return n;
    }

    static String translate(String sql, Tables tables) {
        StringBuilder out = new StringBuilder();
        int n = sql.length();
        int i = 0;
        String previous = "";
        boolean first = true;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                out.append(c);
                i++;
                continue;
            }
            if (c == '#' || (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-')) {
                int e = sql.indexOf('\n', i);
                i = e < 0 ? n : e;
                continue;
            }
            if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int e = sql.indexOf("*/", i + 2);
                i = e < 0 ? n : e + 2;
                out.append(' ');
                continue;
            }
            int quoteAt = stringStart(sql, i);
            if (quoteAt >= 0) {
                String prefix = sql.substring(i, quoteAt).toLowerCase(Locale.ROOT);
                boolean raw = prefix.contains("r");
                int end = skipString(sql, quoteAt, sql.charAt(quoteAt), raw);
                out.append(literal(sql, quoteAt, end, raw));
                if (prefix.contains("b")) {
                    out.append("::BLOB");
                }
                previous = "'";
                first = false;
                i = end;
                continue;
            }
            if (c == '`' || Character.isLetter(c) || c == '_') {
                List<String> parts = new ArrayList<>();
                List<Boolean> quoted = new ArrayList<>();
                i = part(sql, i, parts, quoted);
                while (i + 1 < n && sql.charAt(i) == '.'
                        && (sql.charAt(i + 1) == '`' || Character.isLetter(sql.charAt(i + 1)) || sql.charAt(i + 1) == '_')) {
                    i = part(sql, i + 1, parts, quoted);
                }
                boolean anyQuoted = quoted.contains(true);
                if (parts.size() > 1 || anyQuoted) {
                    String table = tables.resolve(parts, anyQuoted);
                    if (table != null) {
                        out.append(table);
                    } else {
                        for (int k = 0; k < parts.size(); k++) {
                            out.append(k == 0 ? "" : ".").append(quoted.get(k) ? quote(parts.get(k)) : parts.get(k));
                        }
                    }
                    previous = parts.get(parts.size() - 1);
                    first = false;
                    continue;
                }
                String word = parts.get(0);
                String upper = word.toUpperCase(Locale.ROOT);
                String next = nextWord(sql, i);
                boolean parameterized = i < n && nextChar(sql, i) == '(';
                switch (upper) {
                    case "NUMERIC", "DECIMAL" -> out.append(parameterized ? "DECIMAL" : "DECIMAL(38,9)");
                    case "BIGNUMERIC", "BIGDECIMAL" -> out.append(parameterized ? "DECIMAL" : "DECIMAL(38,18)");
                    case "FLOAT64" -> out.append("DOUBLE");
                    case "BYTES" -> out.append("BLOB");
                    case "SAFE_CAST" -> out.append("TRY_CAST");
                    case "TIMESTAMP" -> out.append(previous.equalsIgnoreCase("AS") || nextChar(sql, i) == '\''
                            || nextChar(sql, i) == '"' ? "TIMESTAMPTZ" : word);
                    case "MERGE", "INSERT" -> out.append(first && !next.equalsIgnoreCase("INTO") ? word + " INTO" : word);
                    case "DELETE" -> out.append(first && !next.equalsIgnoreCase("FROM") ? word + " FROM" : word);
                    default -> out.append(word);
                }
                previous = word;
                first = false;
                continue;
            }
            if (Character.isDigit(c)) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '.'
                        || ((sql.charAt(j) == '+' || sql.charAt(j) == '-') && (sql.charAt(j - 1) == 'e' || sql.charAt(j - 1) == 'E')))) {
                    j++;
                }
                out.append(sql, i, j);
                i = j;
                previous = "0";
                first = false;
                continue;
            }
            out.append(c);
            previous = String.valueOf(c);
            first = false;
            i++;
        }
        return out.toString().trim();
    }

    /** Where the quote of a string literal starting at {@code i} is (after an r/b prefix), or -1. */
    private static int stringStart(String sql, int i) {
        int j = i;
        while (j < sql.length() && j - i < 2 && "rRbB".indexOf(sql.charAt(j)) >= 0) {
            j++;
        }
        if (j < sql.length() && (sql.charAt(j) == '\'' || sql.charAt(j) == '"')) {
            return j;
        }
        return -1;
    }

    private static int part(String sql, int i, List<String> parts, List<Boolean> quoted) {
        if (sql.charAt(i) == '`') {
            int e = sql.indexOf('`', i + 1);
            if (e < 0) {
                e = sql.length();
            }
            for (String p : sql.substring(i + 1, e).split("\\.", -1)) {
                parts.add(p);
                quoted.add(true);
            }
            return Math.min(e + 1, sql.length());
        }
        int j = i;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        parts.add(sql.substring(i, j));
        quoted.add(false);
        return j;
    }

    private static String nextWord(String sql, int i) {
        int j = i;
        while (j < sql.length() && Character.isWhitespace(sql.charAt(j))) {
            j++;
        }
        int k = j;
        while (k < sql.length() && (Character.isLetterOrDigit(sql.charAt(k)) || sql.charAt(k) == '_')) {
            k++;
        }
        return sql.substring(j, k);
    }

    private static char nextChar(String sql, int i) {
        int j = i;
        while (j < sql.length() && Character.isWhitespace(sql.charAt(j))) {
            j++;
        }
        return j < sql.length() ? sql.charAt(j) : 0;
    }

    /** A GoogleSQL string literal (quotes included, from {@code start} to {@code end}) as a DuckDB one. */
    private static String literal(String sql, int start, int end, boolean raw) {
        char q = sql.charAt(start);
        boolean triple = end - start >= 6 && sql.startsWith(String.valueOf(q).repeat(3), start);
        String body = sql.substring(start + (triple ? 3 : 1), Math.max(start + (triple ? 3 : 1), end - (triple ? 3 : 1)));
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < body.length(); k++) {
            char c = body.charAt(k);
            if (c == '\\' && !raw && k + 1 < body.length()) {
                char e = body.charAt(++k);
                text.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case '0' -> '\0';
                    default -> e;
                });
            } else {
                text.append(c);
            }
        }
        return "'" + text.toString().replace("'", "''") + "'";
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}

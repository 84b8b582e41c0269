package io.rowflow.transform;

import io.rowflow.pipeline.StagedTable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The small language of calculated columns, translated to DuckDB SQL. Only what is listed here can be written: column
 * references ({@code [Order total]} or {@code amount}), literals ("text", 'text', 12, 1.5, TRUE, FALSE, NULL), the
 * operators {@code + - * / % &} (text concatenation), comparisons, {@code AND OR NOT}, parentheses, and the functions of
 * {@link #FUNCTIONS}. Anything else — another function, a subquery, a statement — cannot even be expressed, so an
 * expression can never reach a file, the network or a setting. Errors name their 1-based position.
 */
public final class Expressions {
    private Expressions() {
    }

    /** A function: its accepted argument counts and how its SQL is built from the arguments' SQL. */
    private record Fn(int min, int max, Function<List<String>, String> sql) {
    }

    private static Fn fixed(int arity, Function<List<String>, String> sql) {
        return new Fn(arity, arity, sql);
    }

    private static Fn call(String sqlName, int min, int max) {
        return new Fn(min, max, args -> sqlName + "(" + String.join(", ", args) + ")");
    }

    private static final Map<String, Fn> FUNCTIONS = Map.ofEntries(
            // text
            Map.entry("UPPER", call("upper", 1, 1)), Map.entry("LOWER", call("lower", 1, 1)),
            Map.entry("TRIM", call("trim", 1, 1)),
            Map.entry("LEN", fixed(1, a -> "length(CAST(" + a.get(0) + " AS VARCHAR))")),
            Map.entry("LEFT", fixed(2, a -> "left(CAST(" + a.get(0) + " AS VARCHAR), CAST(" + a.get(1) + " AS BIGINT))")),
            Map.entry("RIGHT", fixed(2, a -> "right(CAST(" + a.get(0) + " AS VARCHAR), CAST(" + a.get(1) + " AS BIGINT))")),
            Map.entry("MID", fixed(3, a -> "substr(CAST(" + a.get(0) + " AS VARCHAR), CAST(" + a.get(1) + " AS BIGINT), CAST("
                    + a.get(2) + " AS BIGINT))")),
            Map.entry("REPLACE", fixed(3, a -> "replace(CAST(" + a.get(0) + " AS VARCHAR), " + a.get(1) + ", " + a.get(2) + ")")),
            Map.entry("CONCAT", call("concat", 1, 50)),
            Map.entry("CONTAINS", fixed(2, a -> "contains(CAST(" + a.get(0) + " AS VARCHAR), " + a.get(1) + ")")),
            Map.entry("STARTS_WITH", fixed(2, a -> "starts_with(CAST(" + a.get(0) + " AS VARCHAR), " + a.get(1) + ")")),
            Map.entry("ENDS_WITH", fixed(2, a -> "ends_with(CAST(" + a.get(0) + " AS VARCHAR), " + a.get(1) + ")")),
            Map.entry("SPLIT_PART", fixed(3, a -> "split_part(CAST(" + a.get(0) + " AS VARCHAR), " + a.get(1) + ", CAST("
                    + a.get(2) + " AS BIGINT))")),
            Map.entry("TEXT", fixed(1, a -> "CAST(" + a.get(0) + " AS VARCHAR)")),
            // numbers
            Map.entry("NUMBER", fixed(1, a -> "TRY_CAST(" + a.get(0) + " AS DOUBLE)")),
            Map.entry("INTEGER", fixed(1, a -> "TRY_CAST(" + a.get(0) + " AS BIGINT)")),
            // Rounded in decimal: 120.50 * 1.19 is 143.395 to a person, 143.39499… to a double.
            // Rounds the exact decimal, and stays one: ROUND([total], 2) is 7428.43, not a double near it.
            Map.entry("ROUND", new Fn(1, 2, a -> "round(CAST(" + a.get(0) + " AS DECIMAL(38, 12))"
                    + (a.size() > 1 ? ", CAST(" + a.get(1) + " AS INTEGER)" : "") + ")")),
            Map.entry("FLOOR", call("floor", 1, 1)), Map.entry("CEILING", call("ceil", 1, 1)),
            Map.entry("ABS", call("abs", 1, 1)), Map.entry("POWER", call("pow", 2, 2)),
            Map.entry("SQRT", call("sqrt", 1, 1)), Map.entry("MIN", call("least", 2, 50)),
            Map.entry("MAX", call("greatest", 2, 50)),
            // dates
            Map.entry("YEAR", call("year", 1, 1)), Map.entry("MONTH", call("month", 1, 1)),
            Map.entry("DAY", call("day", 1, 1)), Map.entry("WEEKDAY", call("isodow", 1, 1)),
            Map.entry("DATE", new Fn(1, 3, a -> a.size() == 1 ? "TRY_CAST(" + a.get(0) + " AS DATE)"
                    : "make_date(CAST(" + String.join(" AS BIGINT), CAST(", a) + " AS BIGINT))")),
            Map.entry("DATETIME", fixed(1, a -> "TRY_CAST(" + a.get(0) + " AS TIMESTAMP)")),
            Map.entry("ADD_DAYS", fixed(2, a -> "(" + a.get(0) + " + to_days(CAST(" + a.get(1) + " AS INTEGER)))")),
            Map.entry("ADD_MONTHS", fixed(2, a -> "(" + a.get(0) + " + to_months(CAST(" + a.get(1) + " AS INTEGER)))")),
            Map.entry("DAYS_BETWEEN", fixed(2, a -> "date_diff('day', CAST(" + a.get(0) + " AS DATE), CAST(" + a.get(1)
                    + " AS DATE))")),
            Map.entry("START_OF", fixed(2, a -> "date_trunc(" + a.get(1) + ", " + a.get(0) + ")")),
            Map.entry("FORMAT_DATE", fixed(2, a -> "strftime(" + a.get(0) + ", " + a.get(1) + ")")),
            // conditions
            Map.entry("IF", fixed(3, a -> "(CASE WHEN " + a.get(0) + " THEN " + a.get(1) + " ELSE " + a.get(2) + " END)")),
            Map.entry("COALESCE", call("coalesce", 2, 50)),
            Map.entry("ISBLANK", fixed(1, a -> "(" + a.get(0) + " IS NULL OR CAST(" + a.get(0) + " AS VARCHAR) = '')")));

    /** A function as the builder offers it: what it does and an example (argument counts: {@link #FUNCTIONS}). */
    private record Doc(String name, String description, String example) {
    }

    /** Every function, in the order the builder lists them (by kind): TODAY and NOW are read by the parser itself. */
    private static final List<Doc> DOCS = List.of(
            new Doc("UPPER", "Text in capitals", "UPPER([city])"),
            new Doc("LOWER", "Text in small letters", "LOWER([email])"),
            new Doc("TRIM", "Text without spaces at either end", "TRIM([name])"),
            new Doc("LEN", "How many characters a value has", "LEN([name])"),
            new Doc("LEFT", "The first n characters", "LEFT([zip], 2)"),
            new Doc("RIGHT", "The last n characters", "RIGHT([iban], 4)"),
            new Doc("MID", "n characters from a position (1 is the first)", "MID([code], 3, 2)"),
            new Doc("REPLACE", "Text with every occurrence of one piece replaced by another", "REPLACE([phone], \"-\", \"\")"),
            new Doc("CONCAT", "Values joined into one text (the & operator does the same)", "CONCAT([first], \" \", [last])"),
            new Doc("CONTAINS", "Whether a text contains another", "CONTAINS([email], \"@example.com\")"),
            new Doc("STARTS_WITH", "Whether a text starts with another", "STARTS_WITH([sku], \"A-\")"),
            new Doc("ENDS_WITH", "Whether a text ends with another", "ENDS_WITH([file], \".pdf\")"),
            new Doc("SPLIT_PART", "The n-th piece of a text split at a separator", "SPLIT_PART([email], \"@\", 2)"),
            new Doc("TEXT", "A value as text", "TEXT([id])"),
            new Doc("NUMBER", "A value as a number; empty when it is not one", "NUMBER([amount])"),
            new Doc("INTEGER", "A value as a whole number; empty when it is not one", "INTEGER([quantity])"),
            new Doc("ROUND", "A number rounded to n places (0 when left out)", "ROUND([total] * 1.19, 2)"),
            new Doc("FLOOR", "A number rounded down", "FLOOR([hours])"),
            new Doc("CEILING", "A number rounded up", "CEILING([hours])"),
            new Doc("ABS", "A number without its sign", "ABS([balance])"),
            new Doc("POWER", "A number raised to a power", "POWER([growth], 2)"),
            new Doc("SQRT", "The square root of a number", "SQRT([area])"),
            new Doc("MIN", "The smallest of two values or more", "MIN([price], [cap])"),
            new Doc("MAX", "The largest of two values or more", "MAX([price], 0)"),
            new Doc("TODAY", "Today's date in the flow's time zone", "DAYS_BETWEEN([due], TODAY())"),
            new Doc("NOW", "The date and time the run started", "NOW()"),
            new Doc("YEAR", "The year of a date", "YEAR([closed])"),
            new Doc("MONTH", "The month of a date (1 to 12)", "MONTH([closed])"),
            new Doc("DAY", "The day of the month of a date", "DAY([closed])"),
            new Doc("WEEKDAY", "The day of the week of a date (1 is Monday, 7 Sunday)", "WEEKDAY([closed])"),
            new Doc("DATE", "A value as a date, or the date of a year, month and day", "DATE(2026, 3, 31)"),
            new Doc("DATETIME", "A value as a date and time", "DATETIME([created])"),
            new Doc("ADD_DAYS", "A date n days later (earlier when n is negative)", "ADD_DAYS([closed], 30)"),
            new Doc("ADD_MONTHS", "A date n months later (earlier when n is negative)", "ADD_MONTHS([start], 12)"),
            new Doc("DAYS_BETWEEN", "How many days from one date to another", "DAYS_BETWEEN([created], [closed])"),
            new Doc("START_OF", "The first day of a date's day, week, month, quarter or year", "START_OF([closed], \"month\")"),
            new Doc("FORMAT_DATE", "A date as text in a strftime format", "FORMAT_DATE([closed], \"%Y-%m\")"),
            new Doc("IF", "One value when a condition holds, another when not", "IF([amount] > 1000, \"big\", \"small\")"),
            new Doc("COALESCE", "The first value that is not empty", "COALESCE([mobile], [phone], \"none\")"),
            new Doc("ISBLANK", "Whether a value is empty", "ISBLANK([email])"));

    /** A function of the formula language, as {@code GET /api/v1/transform/functions} serves it. */
    public record FormulaFunction(String name, int minArguments, int maxArguments, String description, String example) {
    }

    /** Every function with its argument counts, a one-line description and an example. */
    public static List<FormulaFunction> catalogue() {
        return DOCS.stream().map(d -> {
            Fn fn = FUNCTIONS.get(d.name());
            return new FormulaFunction(d.name(), fn == null ? 0 : fn.min(), fn == null ? 0 : fn.max(), d.description(),
                    d.example());
        }).toList();
    }

    static {
        // The catalogue is what the builder checks formulas against: a function missing from it would be refused there.
        Set<String> documented = DOCS.stream().map(Doc::name).collect(Collectors.toSet());
        Set<String> defined = new java.util.HashSet<>(FUNCTIONS.keySet());
        defined.addAll(Set.of("TODAY", "NOW"));
        if (!documented.equals(defined) || documented.size() != DOCS.size()) {
            throw new IllegalStateException("Expressions.DOCS must describe each function once: " + defined);
        }
    }

    /** The unit words START_OF accepts as its second argument. */
    private static final Set<String> UNITS = Set.of("day", "week", "month", "quarter", "year");

    /** Function names, for documentation and error messages. */
    public static String functionNames() {
        return FUNCTIONS.keySet().stream().sorted().collect(Collectors.joining(", "));
    }

    /**
     * Translates an expression into SQL. {@code columns} are the input's column names (matched without regard to case,
     * as DuckDB does; null when not known yet, which accepts any name); {@code today} and {@code now} are SQL literals of the run's date (in the flow's zone) and instant.
     */
    public static String toSql(String text, List<String> columns, String today, String now) {
        if (text == null || text.isBlank()) {
            throw new ExpressionException(1, "The expression is empty");
        }
        Parser parser = new Parser(text, columns, today, now);
        String sql = parser.expression();
        parser.skipSpace();
        if (parser.pos < text.length()) {
            throw new ExpressionException(parser.pos + 1, "Unexpected \"" + text.charAt(parser.pos) + "\"");
        }
        return sql;
    }

    /** A recursive-descent parser that emits SQL as it goes; precedence from loosest to tightest. */
    private static final class Parser {
        final String text;
        final List<String> columns;
        final String today;
        final String now;
        int pos;

        Parser(String text, List<String> columns, String today, String now) {
            this.text = text;
            this.columns = columns;
            this.today = today;
            this.now = now;
        }

        String expression() {
            return or();
        }

        String or() {
            String left = and();
            while (keyword("OR")) {
                left = "(" + left + " OR " + and() + ")";
            }
            return left;
        }

        String and() {
            String left = not();
            while (keyword("AND")) {
                left = "(" + left + " AND " + not() + ")";
            }
            return left;
        }

        String not() {
            if (keyword("NOT")) {
                return "(NOT " + not() + ")";
            }
            return comparison();
        }

        String comparison() {
            String left = additive();
            skipSpace();
            for (String op : List.of("<=", ">=", "<>", "!=", "=", "<", ">")) {
                if (text.startsWith(op, pos)) {
                    pos += op.length();
                    String sqlOp = op.equals("!=") ? "<>" : op;
                    return "(" + left + " " + sqlOp + " " + additive() + ")";
                }
            }
            return left;
        }

        String additive() {
            String left = multiplicative();
            while (true) {
                skipSpace();
                char c = peek();
                if (c == '+' || c == '-') {
                    pos++;
                    left = "(" + left + " " + c + " " + multiplicative() + ")";
                } else if (c == '&') {
                    pos++;
                    left = "concat(" + left + ", " + multiplicative() + ")";
                } else {
                    return left;
                }
            }
        }

        String multiplicative() {
            String left = unary();
            while (true) {
                skipSpace();
                char c = peek();
                if (c == '*' || c == '%') {
                    pos++;
                    left = "(" + left + " " + c + " " + unary() + ")";
                } else if (c == '/') {
                    pos++;
                    // Division is always decimal, and by zero gives an empty value rather than failing the run.
                    left = "(CAST(" + left + " AS DOUBLE) / NULLIF(" + unary() + ", 0))";
                } else {
                    return left;
                }
            }
        }

        String unary() {
            skipSpace();
            if (peek() == '-') {
                pos++;
                return "(-" + unary() + ")";
            }
            return primary();
        }

        String primary() {
            skipSpace();
            int start = pos;
            if (pos >= text.length()) {
                throw new ExpressionException(pos + 1, "The expression ends where a value was expected");
            }
            char c = text.charAt(pos);
            if (c == '(') {
                pos++;
                String inner = expression();
                expect(')');
                return "(" + inner + ")";
            }
            if (c == '"' || c == '\'') {
                return literal(string(c));
            }
            if (c == '[') {
                int close = text.indexOf(']', pos);
                if (close < 0) {
                    throw new ExpressionException(start + 1, "A column name opened with [ is not closed with ]");
                }
                pos = close + 1;
                return column(text.substring(start + 1, close), start);
            }
            if (Character.isDigit(c) || (c == '.' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1)))) {
                while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                    pos++;
                }
                String number = text.substring(start, pos);
                try {
                    new BigDecimal(number);
                } catch (NumberFormatException e) {
                    throw new ExpressionException(start + 1, "\"" + number + "\" is not a number");
                }
                return number;
            }
            if (Character.isLetter(c) || c == '_') {
                while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                    pos++;
                }
                String word = text.substring(start, pos);
                skipSpace();
                if (peek() == '(') {
                    return function(word, start);
                }
                switch (word.toUpperCase(Locale.ROOT)) {
                    case "TRUE":
                        return "TRUE";
                    case "FALSE":
                        return "FALSE";
                    case "NULL":
                        return "NULL";
                    default:
                        return column(word, start);
                }
            }
            throw new ExpressionException(start + 1, "Unexpected \"" + c + "\"");
        }

        String function(String name, int start) {
            String upper = name.toUpperCase(Locale.ROOT);
            pos++; // (
            List<String> args = new ArrayList<>();
            List<Integer> argStarts = new ArrayList<>();
            skipSpace();
            if (peek() != ')') {
                do {
                    skipSpace();
                    argStarts.add(pos);
                    args.add(expression());
                    skipSpace();
                } while (consume(','));
            }
            expect(')');
            if (upper.equals("TODAY") || upper.equals("NOW")) {
                if (!args.isEmpty()) {
                    throw new ExpressionException(start + 1, upper + "() takes no arguments");
                }
                return upper.equals("TODAY") ? today : now;
            }
            Fn fn = FUNCTIONS.get(upper);
            if (fn == null) {
                throw new ExpressionException(start + 1, "Unknown function " + name + "; the functions are TODAY, NOW, "
                        + functionNames());
            }
            if (args.size() < fn.min() || args.size() > fn.max()) {
                String expected = fn.min() == fn.max() ? Integer.toString(fn.min()) : fn.min() + " to " + fn.max();
                throw new ExpressionException(start + 1, upper + " takes " + expected + " argument(s), not " + args.size());
            }
            if (upper.equals("START_OF")) {
                String unit = args.get(1).replace("'", "").toLowerCase(Locale.ROOT);
                if (!args.get(1).startsWith("'") || !UNITS.contains(unit)) {
                    throw new ExpressionException(argStarts.get(1) + 1, "START_OF's unit is one of \"day\", \"week\","
                            + " \"month\", \"quarter\", \"year\"");
                }
            }
            return fn.sql().apply(args);
        }

        String column(String name, int start) {
            String trimmed = name.strip();
            if (columns == null) { // checking a flow before any data is known: any name may turn out right
                return StagedTable.quote(trimmed);
            }
            for (String column : columns) {
                if (column.equals(trimmed)) { // exact: "name" is not "Name" (names are unique regardless of case)
                    return StagedTable.quote(column);
                }
            }
            throw new ExpressionException(start + 1, "No column \"" + trimmed + "\" here; the columns are "
                    + columns.stream().map(c -> "[" + c + "]").collect(Collectors.joining(", ")));
        }

        String string(char quote) {
            int start = pos;
            pos++;
            StringBuilder value = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == quote) {
                    if (peek() == quote) { // a doubled quote stands for itself
                        value.append(quote);
                        pos++;
                        continue;
                    }
                    return value.toString();
                }
                value.append(c);
            }
            throw new ExpressionException(start + 1, "This text is not closed with " + quote);
        }

        String literal(String value) {
            return Sql.literal(value);
        }

        boolean keyword(String word) {
            skipSpace();
            int end = pos + word.length();
            if (text.regionMatches(true, pos, word, 0, word.length())
                    && (end == text.length() || !(Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_'))) {
                pos = end;
                return true;
            }
            return false;
        }

        boolean consume(char c) {
            skipSpace();
            if (peek() == c) {
                pos++;
                return true;
            }
            return false;
        }

        void expect(char c) {
            if (!consume(c)) {
                throw new ExpressionException(pos + 1, pos < text.length() ? "Expected \"" + c + "\" instead of \""
                        + text.charAt(pos) + "\"" : "Expected \"" + c + "\" before the end");
            }
        }

        char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }
    }
}

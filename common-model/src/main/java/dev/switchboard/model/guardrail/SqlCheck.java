package dev.switchboard.model.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.config.Guardrail;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.DescribeStatement;
import net.sf.jsqlparser.statement.ExplainStatement;
import net.sf.jsqlparser.statement.ShowColumnsStatement;
import net.sf.jsqlparser.statement.ShowStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.show.ShowTablesStatement;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * SQL in one tool argument, parsed with JSqlParser (in the calling thread, no parser timeout thread):
 * <ul>
 *   <li>the argument must be a string (missing or not a string: violation); unparseable SQL is a violation
 *       ("not valid SQL"), not an error, and so is more than one statement ({@code ;}-chained, comments or not);</li>
 *   <li>{@code read_only} allows {@code SELECT} (also {@code WITH ... SELECT}, set operations, {@code VALUES}),
 *       {@code SHOW}, {@code DESCRIBE}/{@code DESC} and {@code EXPLAIN} of a SELECT; it refuses
 *       {@code SELECT ... INTO}, {@code SELECT ... FOR UPDATE/SHARE} and CTEs that insert, update or delete;</li>
 *   <li>{@code deny_schemas} / {@code deny_tables} refuse a statement naming such a table anywhere (joins,
 *       subqueries, CTE bodies), compared case-insensitively without quotes; {@code deny_tables} entries are
 *       {@code table} (in any schema) or {@code schema.table}; an unqualified table is in no schema. A statement whose
 *       tables JSqlParser cannot list is refused when a deny list is set.</li>
 * </ul>
 * Read-only is a syntactic check: a function with side effects inside a SELECT is not seen, so the tool's database
 * role should be read-only as well.
 */
final class SqlCheck implements Check {

    /** Longer input is refused before parsing. */
    static final int MAX_SQL_CHARS = 100_000;

    private final String argument;
    private final boolean readOnly;
    private final Set<String> denySchemas;
    private final Set<String> denyTables;

    SqlCheck(Guardrail.SqlRule rule) {
        this.argument = rule.argument();
        this.readOnly = rule.readOnly();
        this.denySchemas = rule.denySchemas().stream().map(SqlCheck::normal).collect(Collectors.toUnmodifiableSet());
        this.denyTables = rule.denyTables().stream().map(SqlCheck::normal).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public CompletionStage<Result> run(Guardrail.Hook hook, GuardScope scope, JsonNode payload, boolean rewrite) {
        return check(payload).done();
    }

    Result check(JsonNode arguments) {
        JsonNode value = arguments == null ? null : arguments.get(argument);
        if (value == null || value.isNull()) {
            return Result.violation("argument '" + argument + "' with the SQL is missing");
        }
        if (!value.isTextual()) {
            return Result.violation("argument '" + argument + "' is not a string");
        }
        String sql = value.textValue();
        if (sql.length() > MAX_SQL_CHARS) {
            return Result.violation("SQL in '" + argument + "' is longer than " + MAX_SQL_CHARS + " characters");
        }
        Statements statements;
        try {
            statements = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(true).Statements();
        } catch (Exception | StackOverflowError e) {
            return Result.violation("not valid SQL in '" + argument + "'");
        }
        List<Statement> list = statements == null ? List.of() : statements;
        if (list.isEmpty()) {
            return Result.violation("no SQL statement in '" + argument + "'");
        }
        if (list.size() > 1) {
            return Result.violation("more than one SQL statement in '" + argument + "' (" + list.size() + ")");
        }
        Statement statement = list.get(0);
        Tables tables = new Tables();
        String refused = readOnly ? readOnlyProblem(statement, tables) : null;
        if (refused != null) {
            return Result.violation(refused);
        }
        if (denySchemas.isEmpty() && denyTables.isEmpty()) {
            return Result.PASS;
        }
        List<Table> touched;
        try {
            touched = tables.of(statement);
        } catch (RuntimeException e) {
            return Result.violation("cannot tell which tables a " + kind(statement)
                    + " statement uses, and a deny list is set");
        }
        for (Table t : touched) {
            String schema = t.getSchemaName() == null ? null : normal(t.getUnquotedSchemaName());
            String name = normal(t.getUnquotedName());
            if (schema != null && denySchemas.contains(schema)) {
                return Result.violation("schema '" + schema + "' is denied");
            }
            if (denyTables.contains(name) || (schema != null && denyTables.contains(schema + "." + name))) {
                return Result.violation("table '" + (schema != null ? schema + "." + name : name) + "' is denied");
            }
        }
        return Result.PASS;
    }

    private static String readOnlyProblem(Statement statement, Tables tables) {
        Select select;
        if (statement instanceof Select s) {
            select = s;
        } else if (statement instanceof ExplainStatement explain) {
            select = explain.getStatement();
        } else if (statement instanceof ShowStatement || statement instanceof ShowTablesStatement
                || statement instanceof ShowColumnsStatement || statement instanceof DescribeStatement) {
            return null;
        } else {
            return "read-only: a " + kind(statement) + " statement is not allowed";
        }
        if (select == null) {
            return null;
        }
        if (select.getWithItemsList() != null) {
            for (WithItem<?> with : select.getWithItemsList()) {
                Object body = with.getParenthesedStatement();
                if (body instanceof ParenthesedInsert || body instanceof ParenthesedUpdate
                        || body instanceof ParenthesedDelete) {
                    return "read-only: a WITH clause that modifies data is not allowed";
                }
            }
        }
        try {
            tables.of(select);
        } catch (RuntimeException e) {
            return "read-only: cannot inspect this " + kind(statement) + " statement";
        }
        if (tables.selectInto) {
            return "read-only: SELECT ... INTO is not allowed";
        }
        if (tables.modifyingCte) {
            return "read-only: a WITH clause that modifies data is not allowed";
        }
        if (tables.locking || select.getForMode() != null) {
            return "read-only: SELECT ... FOR UPDATE/SHARE is not allowed";
        }
        return null;
    }

    /** The statement's kind for reasons: {@code Insert}, {@code Drop}, ... (JSqlParser's class name). */
    private static String kind(Statement statement) {
        String name = statement.getClass().getSimpleName();
        return name.endsWith("Statement") && name.length() > 9 ? name.substring(0, name.length() - 9) : name;
    }

    private static String normal(String identifier) {
        return identifier == null ? null : identifier.toLowerCase(Locale.ROOT);
    }

    /** Lists the tables of a statement (not CTE names) and notes what a read-only check must refuse on the way. */
    private static final class Tables extends TablesNamesFinder<Void> {
        private final List<Table> seen = new ArrayList<>();
        boolean selectInto;
        boolean modifyingCte;
        boolean locking;

        List<Table> of(Statement statement) {
            seen.clear();
            if (statement instanceof DescribeStatement d) {
                return d.getTable() == null ? List.of() : List.of(d.getTable());
            }
            if (statement instanceof ShowColumnsStatement c) {
                return c.getTableName() == null ? List.of()
                        : List.of(new Table(List.of(c.getTableName().split("\\."))));
            }
            if (statement instanceof ShowStatement || statement instanceof ShowTablesStatement) {
                return List.of();
            }
            if (statement instanceof ExplainStatement e) {
                return e.getStatement() == null ? List.of() : of(e.getStatement());
            }
            Set<String> names = getTables(statement);
            List<Table> out = new ArrayList<>();
            for (Table t : seen) {
                if (names.contains(super.extractTableName(t))) {
                    out.add(t);
                }
            }
            return out;
        }

        @Override
        protected String extractTableName(Table table) {
            seen.add(table);
            return super.extractTableName(table);
        }

        @Override
        public <S> Void visit(PlainSelect plainSelect, S context) {
            if ((plainSelect.getIntoTables() != null && !plainSelect.getIntoTables().isEmpty())
                    || plainSelect.getIntoTempTable() != null) {
                selectInto = true;
            }
            if (plainSelect.getForMode() != null) {
                locking = true;
            }
            return super.visit(plainSelect, context);
        }

        @Override
        public <S> Void visit(ParenthesedInsert insert, S context) {
            modifyingCte = true;
            return super.visit(insert, context);
        }

        @Override
        public <S> Void visit(ParenthesedUpdate update, S context) {
            modifyingCte = true;
            return super.visit(update, context);
        }

        @Override
        public <S> Void visit(ParenthesedDelete delete, S context) {
            modifyingCte = true;
            return super.visit(delete, context);
        }
    }
}

package dev.switchboard.controlplane.analytics;

import dev.switchboard.controlplane.admin.ApiProblem;
import dev.switchboard.controlplane.telemetry.SqlLiterals;
import dev.switchboard.model.validation.ConfigError;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One analytics question, validated: the time range, the dimensions to group by, the time bucket, the filters and the
 * row limit; and the ClickHouse SQL that answers it. Pure: no I/O, the current time is given.
 *
 * @param groupBy dimension names, in the order asked
 * @param filters dimension name to the value it must equal, in the order given
 */
public record AnalyticsQuery(Dataset dataset, Instant from, Instant to, List<String> groupBy, Interval interval,
                             Map<String, String> filters, int limit) {

    public static final Duration DEFAULT_RANGE = Duration.ofHours(24);
    public static final Duration MAX_RANGE = Duration.ofDays(400);
    public static final int DEFAULT_LIMIT = 1000;
    public static final int MAX_LIMIT = 10_000;
    public static final int MAX_GROUP_BY = 6;
    public static final int MAX_VALUE_LENGTH = 512;
    private static final Pattern STATUS_CLASS = Pattern.compile("[1-5]xx");
    private static final String BAD_METADATA_KEY = "the metadata key must be 1 to 64 letters, digits, '_', '.' or '-'";

    /** A time bucket: each row covers one hour or one day (UTC) of the range. */
    public enum Interval {
        HOUR("toStartOfHour", 3_600), DAY("toStartOfDay", 86_400);

        private final String function;
        private final long seconds;

        Interval(String function, long seconds) {
            this.function = function;
            this.seconds = seconds;
        }

        long seconds() {
            return seconds;
        }

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Reads the query parameters of a request: {@code from}, {@code to}, {@code group_by}, {@code interval},
     * {@code limit}, and every other name as a filter on a dimension. Every mistake is collected and answered at once as
     * a 400 with the parameter's name as the field path.
     */
    public static AnalyticsQuery parse(Dataset dataset, Map<String, List<String>> params, Instant now) {
        List<ConfigError> errors = new ArrayList<>();
        Map<String, String> single = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            if (p.getValue().size() > 1) {
                errors.add(new ConfigError(p.getKey(), "must be given at most once"));
            } else if (!p.getValue().isEmpty()) {
                single.put(p.getKey(), p.getValue().get(0));
            }
        }
        Instant to = instant("to", single.remove("to"), errors);
        Instant from = instant("from", single.remove("from"), errors);
        if (to == null) {
            to = now;
        }
        if (from == null) {
            from = to.minus(DEFAULT_RANGE);
        }
        if (!from.isBefore(to)) {
            errors.add(new ConfigError("to", "must be after from"));
        } else if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            errors.add(new ConfigError("to", "must be at most " + MAX_RANGE.toDays() + " days after from"));
        }
        List<String> groupBy = groupBy(dataset, single.remove("group_by"), errors);
        Interval interval = interval(single.remove("interval"), errors);
        int limit = limit(single.remove("limit"), errors);
        Map<String, String> filters = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : single.entrySet()) {
            String name = f.getKey();
            String value = f.getValue();
            if (dataset.sql(name) == null) {
                errors.add(new ConfigError(name, unknown(dataset, name)));
            } else if (value.length() > MAX_VALUE_LENGTH) {
                errors.add(new ConfigError(name, "must be at most " + MAX_VALUE_LENGTH + " characters"));
            } else if (!SqlLiterals.isQuotable(value)) {
                errors.add(new ConfigError(name, "must not contain control characters"));
            } else if (name.equals("status_class") && !STATUS_CLASS.matcher(value).matches()) {
                errors.add(new ConfigError(name, "must be one of 1xx, 2xx, 3xx, 4xx, 5xx"));
            } else if (!value.isEmpty()) { // an empty value is no filter, as in the request-log API
                filters.put(name, value);
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new AnalyticsQuery(dataset, from, to, List.copyOf(groupBy), interval, filters, limit);
    }

    private static String unknown(Dataset dataset, String name) {
        if (dataset.hasMetadata() && name.startsWith(Dataset.METADATA_PREFIX)) {
            return BAD_METADATA_KEY;
        }
        return "is not a parameter here; parameters: from, to, group_by, interval, limit, and filters on "
                + dimensionList(dataset);
    }

    private static String dimensionList(Dataset dataset) {
        return String.join(", ", dataset.dimensionNames()) + (dataset.hasMetadata() ? ", metadata.<key>" : "");
    }

    private static Instant instant(String field, String value, List<ConfigError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            // an unencoded "+01:00" in a query string arrives as " 01:00"
            Instant t = OffsetDateTime.parse(value.strip().replace(' ', '+')).toInstant();
            if (t.getEpochSecond() < 0 || t.getEpochSecond() > 4_294_967_295L) {
                errors.add(new ConfigError(field, "must be between 1970 and 2106"));
                return null;
            }
            return t;
        } catch (DateTimeParseException e) {
            errors.add(new ConfigError(field, "must be an RFC 3339 time, such as 2026-01-31T12:00:00Z"));
            return null;
        }
    }

    private static List<String> groupBy(Dataset dataset, String value, List<ConfigError> errors) {
        List<String> out = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        String[] names = value.split(",", -1);
        for (int i = 0; i < names.length; i++) {
            String name = names[i].strip();
            String path = "group_by[" + i + "]";
            if (dataset.sql(name) == null) {
                errors.add(new ConfigError(path, name.startsWith(Dataset.METADATA_PREFIX) && dataset.hasMetadata()
                        ? BAD_METADATA_KEY : "must be one of " + dimensionList(dataset)));
            } else if (out.contains(name)) {
                errors.add(new ConfigError(path, "'" + name + "' is given twice"));
            } else {
                out.add(name);
            }
        }
        if (names.length > MAX_GROUP_BY) {
            errors.add(new ConfigError("group_by", "must name at most " + MAX_GROUP_BY + " dimensions"));
        }
        return out;
    }

    private static Interval interval(String value, List<ConfigError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        for (Interval i : Interval.values()) {
            if (i.wireName().equals(value.strip())) {
                return i;
            }
        }
        errors.add(new ConfigError("interval", "must be hour or day"));
        return null;
    }

    private static int limit(String value, List<ConfigError> errors) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        errors.add(new ConfigError("limit", "must be an integer from 1 to " + MAX_LIMIT));
        return DEFAULT_LIMIT;
    }

    /**
     * The rollup of the given family that answers this question, or null when the raw table must ({@link Rollup} says
     * when).
     */
    public Rollup rollup(Percentiles percentiles) {
        return Rollup.covering(this, percentiles);
    }

    /**
     * The SQL over the given rollup, or over the raw table when it is null: group columns aliased {@code g0, g1, ...}
     * (so no caller text is an identifier), the bucket start in epoch seconds as {@code bucket}, the dataset's
     * figures; newest buckets last, within a bucket the busiest group first. One row more than the limit is asked for,
     * to tell whether the answer was cut.
     *
     * @param database the telemetry database, from the configuration
     */
    String sql(String database, Rollup source) {
        if (source == null) {
            return rawSql(database + "." + dataset.kind().table());
        }
        String timeColumn = source.timeColumn();
        List<String> select = select(source::sql, timeColumn, source.metrics());
        List<String> where = new ArrayList<>();
        where.add(timeColumn + " >= toDateTime(" + from.getEpochSecond() + ")");
        where.add(timeColumn + " < toDateTime(" + to.getEpochSecond() + ")");
        for (Map.Entry<String, String> f : filters.entrySet()) {
            where.add(source.sql(f.getKey()) + " = " + SqlLiterals.string(f.getValue()));
        }
        return finish(select, database + "." + source.table(), where);
    }

    private String rawSql(String table) {
        String timeColumn = dataset.kind().timeColumn();
        String millisColumn = dataset.kind().millisColumn();
        List<String> select = select(dataset::sql, timeColumn, dataset.metrics());
        List<String> where = new ArrayList<>();
        // The DateTime column prunes partitions and uses the sort key; the millisecond column, which costs a column
        // read over every row, only where a bound falls inside a second.
        where.add(timeColumn + " >= toDateTime(" + from.getEpochSecond() + ")");
        if (from.getNano() != 0) {
            where.add(millisColumn + " >= " + from.toEpochMilli());
        }
        if (to.getNano() == 0) {
            where.add(timeColumn + " < toDateTime(" + to.getEpochSecond() + ")");
        } else {
            where.add(timeColumn + " <= toDateTime(" + to.getEpochSecond() + ")");
            where.add(millisColumn + " < " + to.toEpochMilli());
        }
        for (Map.Entry<String, String> f : filters.entrySet()) {
            where.add(dataset.sql(f.getKey()) + " = " + SqlLiterals.string(f.getValue()));
        }
        return finish(select, table, where);
    }

    /** The group columns ({@code g0, g1, ...}), the bucket if asked for, the figures. */
    private List<String> select(java.util.function.UnaryOperator<String> dimensionSql, String timeColumn,
                                String metrics) {
        List<String> select = new ArrayList<>();
        for (int i = 0; i < groupBy.size(); i++) {
            select.add(dimensionSql.apply(groupBy.get(i)) + " AS g" + i);
        }
        if (interval != null) {
            select.add("toUnixTimestamp(" + interval.function + "(" + timeColumn + ")) AS bucket");
        }
        select.add(metrics);
        return select;
    }

    private String finish(List<String> select, String table, List<String> where) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < groupBy.size(); i++) {
            keys.add("g" + i);
        }
        List<String> groupKeys = new ArrayList<>(keys);
        List<String> order = new ArrayList<>();
        if (interval != null) {
            groupKeys.add("bucket");
            order.add("bucket");
        }
        order.add(dataset.countMetric() + " DESC");
        order.addAll(keys);
        return "SELECT " + String.join(", ", select)
                + " FROM " + table
                + " WHERE " + String.join(" AND ", where)
                + (groupKeys.isEmpty() ? "" : " GROUP BY " + String.join(", ", groupKeys))
                + " ORDER BY " + String.join(", ", order)
                + " LIMIT " + (limit + 1)
                + " FORMAT JSONEachRow";
    }
}

package dev.switchboard.controlplane.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The tests' own way to the real ClickHouse (plain HTTP, not through the control plane nor its proxy). */
public final class ClickHouseHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ClickHouseHttp() {
    }

    /** Runs one statement (its body is the SQL) and returns the answer; fails on an error status. */
    public static String run(String sql) throws IOException, InterruptedException {
        return post(sql, "");
    }

    /** {@code INSERT INTO db.table FORMAT JSONEachRow} with the rows as the body. */
    public static void insert(String table, String rows) throws IOException, InterruptedException {
        post(rows, "?query=" + java.net.URLEncoder.encode("INSERT INTO " + table + " FORMAT JSONEachRow",
                StandardCharsets.UTF_8));
    }

    /** A single number a query answers (the query needs no FORMAT: TabSeparated is the default). */
    public static long count(String sql) throws IOException, InterruptedException {
        return Long.parseLong(run(sql).strip());
    }

    private static String post(String body, String query) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(ControlPlaneTestStack.clickhouseUrl + "/" + query))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("ClickHouse answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
